"""The contract test: for every row of every table, ``pulumi preview``'s check and the emulator
reach the same verdict and name the same field (or differ exactly as the row says, and why).
How a row runs and how to add one: ``tests/contract/harness.py``."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from .cases import TABLES
from .harness import Case, Kind, contract_api, run_case

ROWS = [(kind, case, serial) for kind, cases in TABLES for serial, case in enumerate(cases)]


@pytest.fixture(scope="module")
def contract() -> Iterator[tuple[httpx.Client, dict[str, str]]]:
    """One emulator for the whole table, with the agent, environment and vault rows refer to."""
    with contract_api() as api_and_refs:
        yield api_and_refs


@pytest.mark.parametrize(
    ("kind", "case", "serial"), ROWS, ids=[f"{kind.name}: {case.rule}" for kind, case, _ in ROWS]
)
def test_row(kind: Kind, case: Case, serial: int, contract: tuple[httpx.Client, dict[str, str]]) -> None:
    api, refs = contract
    outcome = run_case(kind, case, api, refs, serial)
    problem = outcome.problem()
    assert problem is None, f"{kind.name}: {case.rule}: {problem}"


def test_rows_are_unique_and_every_table_has_valid_and_invalid_rows() -> None:
    for kind, cases in TABLES:
        rules = [c.rule for c in cases]
        assert len(rules) == len(set(rules)), f"{kind.name}: duplicate rule names"
        assert any(c.rejects is None and c.differs is None for c in cases), f"{kind.name}: no valid row"
        assert any(c.rejects is not None for c in cases), f"{kind.name}: no agreed rejection"
