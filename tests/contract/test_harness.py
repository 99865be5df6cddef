"""The harness's own promises: a row holds only when both sides do exactly what it says, and an
expected difference or an emulator-bug marker fails as soon as reality moves."""

from __future__ import annotations

from .harness import ACCEPTS, Case, Differs, Outcome, Verdict
from .kinds import DEPLOYMENT


def outcome(case: Case, provider: Verdict, emulator: Verdict) -> Outcome:
    return Outcome(
        kind=DEPLOYMENT,
        case=case,
        provider=provider,
        provider_reasons=[],
        emulator=emulator,
        emulator_status=200 if emulator is None else 400,
        emulator_message="",
        body={},
    )


def test_an_agreed_row_needs_both_sides_on_its_verdict() -> None:
    row = Case("name: not empty", {"name": ""}, rejects="name")
    assert outcome(row, "name", "name").problem() is None
    assert "expected both to reject name" in str(outcome(row, "name", ACCEPTS).problem())
    assert "expected both to reject name" in str(outcome(row, "description", "description").problem())


def test_provider_paths_are_compared_under_their_wire_names() -> None:
    row = Case("cas_config.max_retries: 0-10", rejects="cas_config.max_retries")
    wire = "metadata.cas_config.config.max_retries"
    assert outcome(row, "cas_config.max_retries", wire).problem() is None
    assert outcome(row, "cas_config.max_retries", "cas_config.max_retries").problem() is not None


def test_an_expected_difference_fails_when_either_side_changes() -> None:
    row = Case("x", differs=Differs("config.type", ACCEPTS, "why"))
    assert outcome(row, "config.type", ACCEPTS).problem() is None
    assert "reality changed" in str(outcome(row, ACCEPTS, ACCEPTS).problem())
    assert "reality changed" in str(outcome(row, "config.type", "config.type").problem())


def test_a_fixed_emulator_bug_asks_for_an_agreed_row() -> None:
    row = Case("x", differs=Differs("tools[0].type", ACCEPTS, "SDK", emulator_bug=True))
    assert outcome(row, "tools[0].type", ACCEPTS).problem() is None
    assert "emulator bug is fixed" in str(outcome(row, "tools[0].type", "tools[0].type").problem())


def test_a_difference_that_does_not_differ_is_refused() -> None:
    row = Case("x", differs=Differs("name", "name", "why"))
    assert "must differ" in str(outcome(row, "name", "name").problem())
