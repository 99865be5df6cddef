"""`pulumi_qoder.lookups` in their plain form against the emulator, and their argument rules.

The ``Output`` form and the read-only resource run through the engine in
tests/engine/test_lookups_engine.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from pulumi_qoder.lookups import get_agent, get_deployment, get_deployment_runs, get_environment
from pulumi_qoder.wire.errors import QoderAPIError
from tests.cli.conftest import Seeded


def test_plain_lookups_return_the_api_objects(seeded: Seeded) -> None:
    seeded.emulator.advance(86_400)
    deployment = get_deployment(seeded.daily["id"])
    assert (deployment["name"], deployment["schedule"]["expression"]) == ("daily", "7 */6 * * *")
    assert get_agent(seeded.agent["id"])["name"] == "reporter"
    assert get_environment(seeded.environment["id"])["name"] == "sandbox"

    runs = get_deployment_runs(seeded.daily["id"])
    assert len(runs) == 4 and all(r["deployment_id"] == seeded.daily["id"] for r in runs)
    assert get_deployment_runs(seeded.daily["id"], status="failed") == []
    assert get_deployment_runs(seeded.daily["id"], limit=2) == runs[:2]
    # The clock ran a day from three days ago: nothing in the last day yet.
    assert get_deployment_runs(seeded.daily["id"], since=timedelta(hours=24)) == []


def test_an_unknown_id_is_the_apis_404(seeded: Seeded) -> None:
    with pytest.raises(QoderAPIError) as raised:
        get_deployment("dep_" + "0" * 32)
    assert raised.value.status == 404


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: get_deployment_runs("dep_1", status="broken"), "status must be one of completed, failed"),
        (lambda: get_deployment_runs("dep_1", limit=0), "limit must be at least 1, got 0"),
        (lambda: get_deployment_runs("dep_1", since=datetime(2025, 3, 1)), "since must be timezone-aware"),
        (lambda: get_deployment(""), "expected an id"),
    ],
)
def test_bad_arguments_name_the_rule(call: Callable[[], object], message: str) -> None:
    with pytest.raises((ValueError, TypeError), match=message):
        call()
