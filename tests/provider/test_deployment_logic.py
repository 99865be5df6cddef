"""Pure logic of the Deployment resource: validation table, canonical inputs, wire mappings."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pulumi.output import Unknown
from pulumi.runtime import rpc

from pulumi_qoder.deployment import (
    MANUAL_ONLY,
    DeploymentProvider,
    check_inputs,
    create_body,
    deployment_to_inputs,
    deployment_to_outputs,
    idempotency_key,
    update_patch,
)

BASE: dict[str, Any] = {
    "name": "nightly-report",
    "agent": "agent_0123456789abcdef0123456789abcdef",
    "environment_id": "env_0123456789abcdef0123456789abcdef",
    "schedule": {"expression": "0 9 * * *", "timezone": "Asia/Shanghai"},
    "initial_events": [{"type": "user.message", "content": "Generate today's status report"}],
}


def inputs(**overrides: Any) -> dict[str, Any]:
    news = copy.deepcopy(BASE)
    for key, value in overrides.items():
        if value is None:
            news.pop(key, None)
        else:
            news[key] = value
    return news


def failures_of(**overrides: Any) -> dict[str, str]:
    _, failures = check_inputs(inputs(**overrides))
    return {f.property: f.reason for f in failures}


def test_valid_inputs_have_no_failures_and_get_summary() -> None:
    out, failures = check_inputs(inputs())
    assert failures == []
    assert out["schedule_summary"] == "at 09:00, every day (Asia/Shanghai)"
    assert out["desired_status"] == "active"


LONG = "x" * 257


@pytest.mark.parametrize(
    ("overrides", "path", "words"),
    [
        ({"name": None}, "name", "is required"),
        ({"name": ""}, "name", "must not be empty"),
        ({"name": LONG}, "name", "at most 256"),
        ({"description": "d" * 2049}, "description", "at most 2048"),
        ({"agent": None}, "agent", "is required"),
        ({"agent": "ag_1"}, "agent", 'form "agent_..."'),
        ({"agent": {"id": "agent_x", "version": 0}}, "agent.version", ">= 1"),
        ({"agent": {"id": "agent_x", "version": 1.5}}, "agent.version", "integer"),
        ({"agent": {"version": 2}}, "agent.id", "is required"),
        ({"agent": {"id": "agent_x", "version": 2, "type": "bot"}}, "agent.type", "not one of"),
        ({"environment_id": None}, "environment_id", "is required"),
        ({"environment_id": "prod"}, "environment_id", 'form "env_..."'),
        ({"schedule": {"expression": "@daily", "timezone": "UTC"}}, "schedule.expression", "not a 5-field"),
        ({"schedule": {"expression": "0 0 9 * * *", "timezone": "UTC"}}, "schedule.expression", "6 fields"),
        ({"schedule": {"expression": "0 9 L * *", "timezone": "UTC"}}, "schedule.expression", "'L'"),
        (
            {"schedule": {"expression": "61 9 * * *", "timezone": "UTC"}},
            "schedule.expression",
            "out of range",
        ),
        ({"schedule": {"expression": "0 9 * * *", "timezone": "Mars/Olympus"}}, "schedule.timezone", "IANA"),
        ({"schedule": {"expression": "0 9 * * *"}}, "schedule.timezone", "is required"),
        (
            {"schedule": {"expression": "0 9 * * *", "timezone": "UTC", "type": "rate"}},
            "schedule.type",
            "cron",
        ),
        ({"initial_events": None}, "initial_events", "is required"),
        ({"initial_events": []}, "initial_events", "at least 1"),
        ({"initial_events": [{"type": "user.message", "content": "x"}] * 51}, "initial_events", "at most 50"),
        (
            {"initial_events": [{"type": "user.prompt", "content": "x"}]},
            "initial_events[0].type",
            "not one of",
        ),
        ({"initial_events": [{"type": "user.message", "content": ""}]}, "initial_events[0].content", "empty"),
        (
            {"initial_events": [{"type": "user.message", "content": [{"type": "text", "text": ""}]}]},
            "initial_events[0].content[0].text",
            "empty",
        ),
        (
            {
                "initial_events": [
                    {"type": "system.message", "content": [{"type": "text", "text": "be brief"}]}
                ]
            },
            "initial_events",
            "must include a user.message or user.define_outcome",
        ),
        (
            {
                "initial_events": [
                    {"type": "user.message", "content": "x"},
                    {"type": "system.message", "content": [{"type": "image", "source": {}}]},
                ]
            },
            "initial_events[1].content[0].type",
            "not one of text",
        ),
        (
            {"initial_events": [{"type": "user.define_outcome", "description": "d"}]},
            "initial_events[0].rubric",
            "is required",
        ),
        (
            {
                "initial_events": [
                    {
                        "type": "user.define_outcome",
                        "description": "d",
                        "rubric": {"type": "text", "content": "r"},
                        "max_iterations": 21,
                    }
                ]
            },
            "initial_events[0].max_iterations",
            "<= 20",
        ),
        ({"resources": [{"type": "s3_bucket"}]}, "resources[0].type", "not one of"),
        (
            {"resources": [{"type": "github_repository", "url": "https://github.com/o/r"}]},
            "resources[0].authorization_token",
            "is required",
        ),
        (
            {
                "resources": [
                    {
                        "type": "github_repository",
                        "url": "https://github.com/o/r",
                        "authorization_token": "t",
                        "checkout": {"type": "commit", "sha": "abc"},
                    }
                ]
            },
            "resources[0].checkout.sha",
            "at least 7",
        ),
        (
            {"resources": [{"type": "memory_store", "memory_store_id": "memstore_1", "access": "write"}]},
            "resources[0].access",
            "not one of",
        ),
        (
            {"resources": [{"type": "file", "file_id": "file_1", "path": "/x"}]},
            "resources[0].path",
            "unknown field",
        ),
        ({"vault_ids": ["vault_1"] * 51}, "vault_ids", "at most 50"),
        ({"vault_ids": [""]}, "vault_ids[0]", "empty"),
        ({"metadata": {f"k{i}": "v" for i in range(17)}}, "metadata", "at most 16 keys"),
        ({"metadata": {"k" * 65: "v"}}, "metadata." + "k" * 65, "1-64"),
        ({"metadata": {"team": "v" * 513}}, "metadata.team", "at most 512"),
        ({"metadata": {"team": 3}}, "metadata.team", "must be a string"),
        ({"metadata": {"cas_config": "{}"}}, "metadata.cas_config", "reserved"),
        ({"cas_config": {"max_retries": -1}}, "cas_config.max_retries", ">= 0"),
        ({"cas_config": {"max_concurrent": 0}}, "cas_config.max_concurrent", ">= 1"),
        ({"cas_config": {"retries": 1}}, "cas_config.retries", "unknown field"),
        ({"desired_status": "stopped"}, "desired_status", "not one of active, paused"),
        ({"status": "paused"}, "status", "is an output"),
        ({"schedul": {}}, "schedul", "not a Deployment property"),
    ],
)
def test_validation_names_property_and_rule(overrides: dict[str, Any], path: str, words: str) -> None:
    failures = failures_of(**overrides)
    assert path in failures, failures
    assert words in failures[path]
    assert failures[path].startswith(f"{path}: ")


def test_cron_error_message_is_the_documented_one() -> None:
    reason = failures_of(schedule={"expression": "@daily", "timezone": "UTC"})["schedule.expression"]
    assert reason.startswith('schedule.expression: "@daily" is not a 5-field cron expression')


def unknown_news(unknown: Any) -> dict[str, Any]:
    return inputs(
        name=unknown,
        agent=unknown,
        environment_id=unknown,
        schedule={"expression": unknown, "timezone": "UTC"},
        initial_events=[{"type": "user.message", "content": unknown}],
        metadata={"team": unknown},
        resources=unknown,
    )


def test_unknown_values_are_skipped_not_failed() -> None:
    out, failures = check_inputs(unknown_news(rpc.UNKNOWN))
    assert failures == []
    assert out["name"] == rpc.UNKNOWN
    assert out["schedule_summary"] == rpc.UNKNOWN  # shown as computed in preview
    whole, failures = check_inputs(inputs(schedule=rpc.UNKNOWN, initial_events=rpc.UNKNOWN))
    assert failures == []
    assert whole["schedule"] == rpc.UNKNOWN


def test_sdk_unknown_objects_reach_the_core_as_the_unknown_marker() -> None:
    # The dynamic front end hands the pulumi-free core the engine's marker, never SDK objects.
    result = DeploymentProvider().check({}, unknown_news(Unknown()))  # type: ignore[no-untyped-call]
    assert result.failures == []
    assert result.inputs is not None
    assert result.inputs["name"] == rpc.UNKNOWN and result.inputs["resources"] == rpc.UNKNOWN
    assert result.inputs["schedule_summary"] == rpc.UNKNOWN


def test_equivalent_spellings_canonicalize_to_the_same_inputs() -> None:
    plain, _ = check_inputs(inputs())
    spelled, failures = check_inputs(
        inputs(
            schedule={"type": "cron", "expression": "  0   9 * *  * ", "timezone": "Asia/Shanghai"},
            description="",
            resources=[],
            vault_ids=[],
            metadata={},
            cas_config={"max_retries": 0, "timeout_ms": 300000.0, "session_strategy": "new_session"},
            desired_status="active",
        )
    )
    assert failures == []
    assert spelled == plain
    pinned_latest, _ = check_inputs(inputs(agent={"id": BASE["agent"]}))
    assert pinned_latest == plain


def test_numbers_arrive_as_floats_and_are_stored_as_ints() -> None:
    out, failures = check_inputs(
        inputs(agent={"id": "agent_a", "version": 2.0}, cas_config={"max_retries": 3.0})
    )
    assert failures == []
    assert out["agent"] == {"id": "agent_a", "version": 2}
    assert isinstance(out["agent"]["version"], int)
    assert out["cas_config"] == {"max_retries": 3}


def test_default_mount_paths_and_access_are_no_change() -> None:
    explicit, _ = check_inputs(
        inputs(
            resources=[
                {
                    "type": "github_repository",
                    "url": "https://github.com/o/repo.git",
                    "authorization_token": "t",
                    "mount_path": "/workspace/repo",
                },
                {"type": "file", "file_id": "file_1", "mount_path": "/mnt/session/uploads/file_1"},
                {"type": "memory_store", "memory_store_id": "memstore_1", "access": "read_write"},
            ]
        )
    )
    assert explicit["resources"] == [
        {"type": "github_repository", "url": "https://github.com/o/repo.git", "authorization_token": "t"},
        {"type": "file", "file_id": "file_1"},
        {"type": "memory_store", "memory_store_id": "memstore_1"},
    ]


def test_manual_only_summary_and_secret_wrappers_unwrapped() -> None:
    secret_resources = rpc.wrap_rpc_secret(
        [{"type": "github_repository", "url": "https://github.com/o/r", "authorization_token": "ghp_x"}]
    )
    out, failures = check_inputs(inputs(schedule=None, resources=secret_resources))
    assert failures == []
    assert out["schedule_summary"] == MANUAL_ONLY
    assert out["resources"][0]["authorization_token"] == "ghp_x"


def test_create_body_matches_the_documented_example_shape() -> None:
    out, _ = check_inputs(inputs(description="doc", cas_config={"max_retries": 2}))
    assert create_body(out) == {
        "name": "nightly-report",
        "description": "doc",
        "agent": BASE["agent"],
        "environment_id": BASE["environment_id"],
        "schedule": {"type": "cron", "expression": "0 9 * * *", "timezone": "Asia/Shanghai"},
        "initial_events": BASE["initial_events"],
        "resources": [],
        "vault_ids": [],
        "metadata": {"cas_config": {"config": {"max_retries": 2}}},
    }
    pinned, _ = check_inputs(inputs(agent={"id": "agent_a", "version": 2}))
    assert create_body(pinned)["agent"] == {"type": "agent", "id": "agent_a", "version": 2}


def test_idempotency_key_is_deterministic_and_derivable() -> None:
    body = create_body(check_inputs(inputs())[0])
    assert idempotency_key(body) == idempotency_key(copy.deepcopy(body))
    assert idempotency_key(body) != idempotency_key({**body, "name": "other"})
    assert idempotency_key(body, after="dep_1") not in (idempotency_key(body), idempotency_key(body, "dep_2"))


# -- update patches --------------------------------------------------------------------------


def apply_patch(wire: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """The documented merge-patch semantics of POST /deployments/{id} (api doc section 7)."""
    out = copy.deepcopy(wire)
    for key, value in patch.items():
        if key == "metadata":
            meta = out.setdefault("metadata", {})
            for mk, mv in value.items():
                if mk == "cas_config":
                    cas = meta.setdefault("cas_config", {})
                    cas.setdefault("config", {}).update(mv.get("config", {}))
                    if "session_strategy" in mv:
                        cas["session_strategy"] = mv["session_strategy"]
                elif mv is None:
                    meta.pop(mk, None)
                else:
                    meta[mk] = mv
        elif value is None:
            out.pop(key, None) if key in ("description", "schedule") else out.__setitem__(key, [])
        else:
            out[key] = value
    return out


def comparable(wire: dict[str, Any]) -> dict[str, Any]:
    """A wire object with cas_config defaults filled in, as the server stores it."""
    out = copy.deepcopy(wire)
    cas = out.setdefault("metadata", {}).pop("cas_config", {})
    config = {"max_retries": 0, "timeout_ms": 300000, "max_concurrent": 1, **cas.get("config", {})}
    out["metadata"]["cas_config"] = {"session_strategy": cas.get("session_strategy", "new_session"), **config}
    return out


names = st.text(alphabet="abcdefgh-", min_size=1, max_size=12)
crons = st.sampled_from(["0 9 * * *", "30 9 * * 1-5", "*/15 * * * *", "0 0 1 * *"])
zones = st.sampled_from(["UTC", "Asia/Shanghai", "Europe/Berlin"])
events = st.lists(st.builds(lambda c: {"type": "user.message", "content": c}, names), min_size=1, max_size=3)
resources = st.lists(
    st.one_of(
        st.builds(lambda f: {"type": "file", "file_id": f"file_{f}"}, names),
        st.builds(
            lambda u, t: {
                "type": "github_repository",
                "url": f"https://github.com/o/{u}",
                "authorization_token": t,
            },
            names,
            names,
        ),
    ),
    max_size=3,
)
deployment_inputs = st.fixed_dictionaries(
    {
        "name": names,
        "agent": st.one_of(
            st.just("agent_a"),
            st.just("agent_b"),
            st.builds(lambda n: {"id": "agent_a", "version": n}, st.integers(1, 4)),
        ),
        "environment_id": st.sampled_from(["env_a", "env_b"]),
        "initial_events": events,
    },
    optional={
        "description": names,
        "schedule": st.builds(lambda e, z: {"expression": e, "timezone": z}, crons, zones),
        "resources": resources,
        "vault_ids": st.lists(st.sampled_from(["vault_1", "vault_2", "vault_3"]), max_size=3, unique=True),
        "metadata": st.dictionaries(st.sampled_from(["team", "owner", "tier"]), names, max_size=3),
        "cas_config": st.fixed_dictionaries(
            {},
            optional={
                "max_retries": st.integers(0, 3),
                "max_concurrent": st.integers(1, 3),
                "session_strategy": st.just("reuse"),
            },
        ),
        "desired_status": st.sampled_from(["active", "paused"]),
    },
)


@settings(max_examples=200, deadline=None)
@given(deployment_inputs, deployment_inputs)
def test_applying_the_patch_to_old_gives_new(old_raw: dict[str, Any], new_raw: dict[str, Any]) -> None:
    old, f1 = check_inputs(old_raw)
    new, f2 = check_inputs(new_raw)
    assert f1 == f2 == []
    patch = update_patch(old, new)
    assert comparable(apply_patch(create_body(old), patch)) == comparable(create_body(new))
    if old.get("agent") == new.get("agent"):
        assert "agent" not in patch  # a bare id is never re-sent: it would silently re-pin
    assert update_patch(new, new) == {}


def test_patch_clears_with_null_and_deletes_removed_metadata_keys() -> None:
    old, _ = check_inputs(
        inputs(
            description="d",
            vault_ids=["vault_1"],
            metadata={"team": "a", "tier": "1"},
            cas_config={"max_retries": 2},
        )
    )
    new, _ = check_inputs(inputs(schedule=None, metadata={"team": "b"}))
    assert update_patch(old, new) == {
        "description": None,
        "vault_ids": None,
        "schedule": None,
        "metadata": {"tier": None, "team": "b", "cas_config": {"config": {"max_retries": 0}}},
    }


# -- wire -> state ---------------------------------------------------------------------------


def server_echo(inputs_: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """What the API answers for a create body: agent resolved, tokens dropped, defaults filled."""
    body = create_body(inputs_)
    agent = body["agent"]
    body["agent"] = agent if isinstance(agent, dict) else {"id": agent, "type": "agent", "version": 7}
    body["resources"] = [
        {k: x for k, x in r.items() if k != "authorization_token"} | {"mount_path": "/m/" + r["type"]}
        if r["type"] == "memory_store"
        else {k: x for k, x in r.items() if k != "authorization_token"}
        for r in body["resources"]
    ]
    cas = body["metadata"].pop("cas_config", {})
    body["metadata"]["cas_config"] = {
        "session_strategy": cas.get("session_strategy", "new_session"),
        "config": {"max_retries": 0, "timeout_ms": 300000, "max_concurrent": 1, **cas.get("config", {})},
        "stats": {"total_runs": 0},
    }
    if "schedule" in body:
        body["schedule"]["upcoming_runs_at"] = ["2026-06-15T01:00:00Z"]
    return {
        "id": "dep_1",
        "type": "deployment",
        "status": "active",
        "paused_reason": None,
        "archived_at": None,
        "created_at": "2026-06-14T08:53:32Z",
        "updated_at": "2026-06-14T08:53:32Z",
        **body,
        **extra,
    }


@settings(max_examples=100, deadline=None)
@given(deployment_inputs)
def test_reading_back_what_was_created_is_no_drift(raw: dict[str, Any]) -> None:
    ins, _ = check_inputs(raw)
    ins["desired_status"] = "active"
    assert deployment_to_inputs(server_echo(ins), ins) == ins


def test_string_content_echoed_as_blocks_is_no_drift_and_outputs_are_complete() -> None:
    ins, _ = check_inputs(inputs())
    echo = server_echo(ins)
    echo["initial_events"] = [
        {"type": "user.message", "content": [{"type": "text", "text": "Generate today's status report"}]}
    ]
    assert deployment_to_inputs(echo, ins) == ins
    outs = deployment_to_outputs(echo, ins)
    assert outs["agent"] == BASE["agent"] and outs["agent_version"] == 7
    assert outs["upcoming_runs_at"] == ["2026-06-15T01:00:00Z"]
    for key in ("status", "paused_reason", "last_run_at", "created_at", "updated_at", "archived_at"):
        assert key in outs


@pytest.mark.parametrize(
    ("status", "reason", "prior", "expected"),
    [
        ("active", None, "paused", "active"),  # unpaused outside Pulumi: drift shown
        ("paused", {"type": "manual"}, "active", "paused"),  # paused outside Pulumi
        ("paused", {"type": "error", "error": {"type": "agent_archived_error"}}, "active", "active"),
        ("paused", {"type": "error", "error": {"type": "agent_archived_error"}}, "paused", "paused"),
    ],
)
def test_refresh_desired_status_follows_manual_pauses_only(
    status: str, reason: Any, prior: str, expected: str
) -> None:
    ins, _ = check_inputs(inputs(desired_status=prior))
    assert (
        deployment_to_inputs(server_echo(ins, status=status, paused_reason=reason), ins)["desired_status"]
        == expected
    )


def test_refresh_sees_out_of_band_edits_and_keeps_tokens() -> None:
    repo = {"type": "github_repository", "url": "https://github.com/o/r", "authorization_token": "ghp_secret"}
    ins, _ = check_inputs(
        inputs(metadata={"team": "a"}, resources=[repo], agent={"id": "agent_a", "version": 1})
    )
    echo = server_echo(ins)
    echo["name"] = "renamed"
    echo["schedule"] = {"type": "cron", "expression": "0 10 * * *", "timezone": "UTC"}
    echo["metadata"] = {"owner": "ops", "cas_config": {"config": {"max_retries": 4}}}
    echo["agent"] = {"id": "agent_a", "type": "agent", "version": 3}
    got = deployment_to_inputs(echo, ins)
    assert got["name"] == "renamed"
    assert got["schedule"] == {"expression": "0 10 * * *", "timezone": "UTC"}
    assert got["schedule_summary"] == "at 10:00, every day (UTC)"
    assert got["metadata"] == {"owner": "ops"}
    assert got["cas_config"] == {"max_retries": 4}
    assert got["agent"] == {"id": "agent_a", "version": 3}
    assert got["resources"] == [repo]
