"""A wrong type is reported with everything the property allows and what came instead, and a
missing value as required: the message alone must tell the author how to fix the program."""

from __future__ import annotations

from typing import Any

import pytest

from .cases import TABLES
from .harness import AGENT, ENVIRONMENT, VAULT, Case, Kind, row_inputs
from .kinds import AGENT_KIND, DEPLOYMENT, ENVIRONMENT_KIND, VAULT_KIND

USER = {"type": "user.message", "content": "hi"}
REFS = {AGENT: "agent_1", ENVIRONMENT: "env_1", VAULT: "vault_1"}


def reasons(kind: Kind, inputs: dict[str, Any]) -> dict[str, str]:
    _, failures = kind.check(row_inputs(kind, Case("message", inputs), REFS, 0))
    return {f.property: f.reason for f in failures}


@pytest.mark.parametrize(
    ("kind", "inputs", "path", "reason"),
    [
        (
            DEPLOYMENT,
            {"initial_events": [{"type": "user.message", "content": 7}]},
            "initial_events[0].content",
            "must be a string or a list of content blocks, got int",
        ),
        (
            DEPLOYMENT,
            {"initial_events": [USER, {"type": "system.message", "content": "Be brief."}]},
            "initial_events[1].content",
            "must be a list of text blocks, got str",
        ),
        (
            DEPLOYMENT,
            {"agent": 7},
            "agent",
            'must be an agent id string or an object {"id": ..., "version": N}, got int',
        ),
        (
            DEPLOYMENT,
            {"initial_events": [{"type": "user.define_outcome", "description": "d", "rubric": "Done"}]},
            "initial_events[0].rubric",
            'must be an object {"type": "text", "content": ...} or {"type": "file", "file_id": ...}, got str',
        ),
        (DEPLOYMENT, {"vault_ids": "vault_1"}, "vault_ids", "must be a list of vault ids, got str"),
        (
            DEPLOYMENT,
            {"initial_events": {"type": "user.message"}},
            "initial_events",
            "must be a list of events, got dict",
        ),
        (
            DEPLOYMENT,
            {"initial_events": [{"type": "user.message"}]},
            "initial_events[0].content",
            "is required",
        ),
        (
            DEPLOYMENT,
            {"initial_events": [{"content": "hi"}]},
            "initial_events[0].type",
            "is required: one of",
        ),
        (AGENT_KIND, {"model": 7}, "model", 'must be a model id string or an object {"id": ...}, got int'),
        (
            AGENT_KIND,
            {"model": {"id": "m", "effort": 3}},
            "model.effort",
            'must be one of low, medium, high, xhigh, max or an object {"type": ...}, got int',
        ),
        (
            ENVIRONMENT_KIND,
            {"config": {"networking": {"type": "limited", "allowed_hosts": "a.test"}}},
            "config.networking.allowed_hosts",
            "must be a list of host names, got str",
        ),
        (
            ENVIRONMENT_KIND,
            {"config": {"networking": {"type": "limited", "allow_mcp_servers": "yes"}}},
            "config.networking.allow_mcp_servers",
            "must be true or false, got str",
        ),
        (
            VAULT_KIND,
            {"credentials": {"mcp_server_url": "x"}},
            "credentials",
            "must be a list of credentials, got dict",
        ),
    ],
)
def test_wrong_type_names_what_is_allowed(kind: Kind, inputs: dict[str, Any], path: str, reason: str) -> None:
    found = reasons(kind, inputs)
    assert path in found, found
    assert found[path].startswith(f"{path}: {reason}"), found[path]


def test_no_rejection_in_the_tables_reads_like_python_internals() -> None:
    """Across every contract row: no ``NoneType``, no ``None is not one of``."""
    for kind, cases in TABLES:
        for serial, case in enumerate(cases):
            _, failures = kind.check(row_inputs(kind, case, REFS, serial))
            for failure in failures:
                assert "NoneType" not in failure.reason and "None is not" not in failure.reason, (
                    failure.reason
                )
