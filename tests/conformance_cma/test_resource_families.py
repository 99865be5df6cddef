"""Every resource family through the SDK's beta methods, with the behaviours CMA documents."""

from __future__ import annotations

from typing import Any

import anthropic
import pytest

from qoder_emulator.testing import EmulatorHandle

from .conftest import BLOCKS, error_of


def test_agents_model_is_always_an_object_and_versions_are_kept(sdk: anthropic.Anthropic) -> None:
    agents = sdk.beta.agents
    by_name = agents.create(name="a1", model="claude-sonnet-4-6", system="Write reports.")
    assert by_name.id.startswith("agent_") and by_name.version == 1
    assert by_name.model.id == "claude-sonnet-4-6"  # a string model comes back as {id}
    assert by_name.execution_identity.type in ("service_account", "aws_role")
    by_object = agents.create(name="a2", model={"id": "claude-opus-4-7", "speed": "fast"})
    assert by_object.model.id == "claude-opus-4-7" and by_object.model.speed == "fast"
    updated = agents.update(by_name.id, version=1, system="Write short reports.")
    assert updated.version == 2 and updated.system == "Write short reports."
    assert agents.retrieve(by_name.id, version=1).system == "Write reports."
    assert [v.version for v in agents.versions.list(by_name.id)] == [2, 1]
    with pytest.raises(anthropic.ConflictError) as stale:
        agents.update(by_name.id, version=1, system="lost update")
    assert error_of(stale.value)["type"] == "conflict_error"
    archived = agents.archive(by_object.id)
    assert archived.archived_at is not None


def test_environments_config_as_cma_and_delete(sdk: anthropic.Anthropic) -> None:
    envs = sdk.beta.environments
    plain = envs.create(name="plain")
    assert plain.id.startswith("env_")
    assert plain.config.type == "cloud" and plain.config.packages.pip == []  # packages always present
    limited = envs.create(
        name="limited",
        config={
            "type": "cloud",
            "networking": {"type": "limited", "allowed_hosts": ["api.github.com"]},
            "packages": {"pip": ["requests"]},
        },
    )
    assert limited.config.type == "cloud"
    assert limited.config.networking.type == "limited"
    assert limited.config.packages.pip == ["requests"]
    renamed = envs.update(limited.id, name="limited-2", metadata={"team": "ops"})
    assert renamed.name == "limited-2" and renamed.metadata == {"team": "ops"}
    assert envs.retrieve(limited.id).name == "limited-2"
    assert {e.id for e in envs.list()} >= {plain.id, limited.id}
    with pytest.raises(anthropic.BadRequestError) as qoder_only:
        envs.create(name="x", config={"type": "cloud"}, extra_body={"config": {"setup_script": "make"}})
    assert "setup_script" in error_of(qoder_only.value)["message"]
    deleted = envs.delete(plain.id)
    assert deleted.id == plain.id and deleted.type == "environment_deleted"


def test_vaults_update_in_place_and_credentials_sub_resource(sdk: anthropic.Anthropic) -> None:
    vaults = sdk.beta.vaults
    vault = vaults.create(display_name="shared", metadata={"team": "ops"})
    assert vault.id.startswith("vlt_")
    updated = vaults.update(vault.id, display_name="shared-2", metadata={"team": None, "tier": "gold"})
    assert updated.id == vault.id and updated.display_name == "shared-2"
    assert updated.metadata == {"tier": "gold"}
    creds = vaults.credentials
    bearer = creds.create(
        vault.id,
        display_name="github",
        auth={
            "type": "static_bearer",
            "token": "ghp_secret",
            "mcp_server_url": "https://mcp.example.com/mcp",
        },
    )
    assert bearer.id.startswith("vcrd_") and bearer.vault_id == vault.id
    assert "token" not in bearer.auth.model_dump()  # write-only secret
    env_var = creds.create(
        vault.id,
        auth={
            "type": "environment_variable",
            "secret_name": "API_TOKEN",
            "secret_value": "s3cret",
            "networking": {"type": "limited", "allowed_hosts": ["api.example.com"]},
        },
    )
    oauth = creds.create(
        vault.id,
        auth={
            "type": "mcp_oauth",
            "access_token": "at",
            "mcp_server_url": "https://mcp.example.com/oauth",
        },
    )
    renamed = creds.update(bearer.id, vault_id=vault.id, display_name="github-2")
    assert renamed.display_name == "github-2"
    assert {c.id for c in creds.list(vault.id)} == {bearer.id, env_var.id, oauth.id}
    assert creds.archive(oauth.id, vault_id=vault.id).archived_at is not None
    assert creds.delete(env_var.id, vault_id=vault.id).type == "vault_credential_deleted"
    assert creds.retrieve(bearer.id, vault_id=vault.id).display_name == "github-2"
    assert vaults.archive(vault.id).archived_at is not None
    assert vaults.delete(vault.id).id == vault.id


def test_deployment_lifecycle_as_cma(
    emu: EmulatorHandle, sdk: anthropic.Anthropic, refs: dict[str, str]
) -> None:
    deployments = sdk.beta.deployments
    dep = deployments.create(
        name="daily-report",
        initial_events=BLOCKS,
        schedule={"type": "cron", "expression": "0 9 * * *", "timezone": "Asia/Shanghai"},
        metadata={"team": "ops"},
        budget={"type": "limit", "max_list_cost": {"currency": "USD", "amount": "500"}},
        **refs,  # type: ignore[arg-type]
    )
    assert dep.id.startswith("depl_") and dep.status == "active"
    assert dep.metadata == {"team": "ops"}  # string -> string, no cas_config
    assert dep.budget is not None and dep.budget.max_list_cost.amount == "500"
    assert dep.schedule is not None and dep.schedule.upcoming_runs_at
    patched = deployments.update(dep.id, metadata={"team": None, "owner": "sre"})
    assert patched.metadata == {"owner": "sre"}
    paused = deployments.pause(dep.id)
    assert paused.status == "paused" and paused.paused_reason is not None
    assert paused.paused_reason.type == "manual"
    run = deployments.run(dep.id)  # CMA: a manual run is allowed while paused
    assert run.id.startswith("drun_") and run.trigger_context.type == "manual"
    assert run.session_id is not None and run.session_id.startswith("sesn_")
    after = deployments.retrieve(dep.id)
    assert after.status == "paused" and after.schedule is not None
    assert after.schedule.last_run_at is None  # manual runs do not touch last_run_at
    deployments.unpause(dep.id)
    emu.advance(24 * 3600)  # the next 09:00 Asia/Shanghai fires
    fired = deployments.retrieve(dep.id)
    assert fired.schedule is not None and fired.schedule.last_run_at is not None
    scheduled = list(sdk.beta.deployment_runs.list(deployment_id=dep.id, trigger_type="schedule"))
    assert len(scheduled) == 1 and scheduled[0].trigger_context.type == "schedule"
    manual = list(sdk.beta.deployment_runs.list(deployment_id=dep.id, trigger_type="manual"))
    assert [r.id for r in manual] == [run.id]
    assert sdk.beta.deployment_runs.retrieve(run.id).deployment_id == dep.id
    archived = deployments.archive(dep.id)
    assert archived.name == "daily-report" and archived.archived_at is not None  # no rename
    assert archived.schedule is not None and archived.schedule.last_run_at == fired.schedule.last_run_at


def test_manual_only_deployment_and_list_filters(sdk: anthropic.Anthropic, refs: dict[str, str]) -> None:
    deployments = sdk.beta.deployments
    manual_only = deployments.create(name="on-demand", initial_events=BLOCKS, **refs)  # type: ignore[arg-type]
    assert manual_only.schedule is None
    listed = list(deployments.list(agent_id=refs["agent"], status="active"))
    assert manual_only.id in {d.id for d in listed}
    with pytest.raises(anthropic.BadRequestError) as combined:
        deployments.list(status="active", include_archived=True)
    assert "cannot be combined" in error_of(combined.value)["message"]


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        ({"budget": {"type": "limit", "max_credit_cost": "12.50"}}, "budget.max_credit_cost"),
        ({"metadata": {"cas_config": {"session_strategy": "new_session"}}}, "cas_config"),
        ({"metadata": {"retries": 3}}, "metadata.retries"),
        ({"environment_variables": "A=1"}, "environment_variables"),
        (
            {"initial_events": [{"type": "user.message", "content": "plain string"}]},
            "initial_events[0].content",
        ),
    ],
)
def test_qoder_shapes_are_rejected_naming_the_field(
    sdk: anthropic.Anthropic, refs: dict[str, str], extra: dict[str, Any], named: str
) -> None:
    with pytest.raises(anthropic.BadRequestError) as rejected:
        sdk.beta.deployments.create(name="qoder-shaped", initial_events=BLOCKS, extra_body=extra, **refs)  # type: ignore[arg-type]
    error = error_of(rejected.value)
    assert error["type"] == "invalid_request_error" and named in error["message"]
    assert "param" not in error  # CMA's envelope has no param
