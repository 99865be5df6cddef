"""The provider's resources against the emulator's CMA flavor, through the provider methods the
engine calls: check rules per service, create/read/update/delete, and create exactly once."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from pulumi.provider.experimental.provider import CheckRequest

from pulumi_qoder.agent import AgentProvider
from pulumi_qoder.core.values import RESOURCE_KEY
from pulumi_qoder.deployment import DeploymentProvider
from pulumi_qoder.environment import EnvironmentProvider
from pulumi_qoder.native.provider import QoderProvider
from pulumi_qoder.native.values import to_engine
from pulumi_qoder.resources.vault_credential.resource import VaultCredentialProvider
from pulumi_qoder.vault import VaultProvider
from qoder_emulator.testing import EmulatorHandle, running_emulator

KEY = "cma-provider-key"
BLOCKS: Any = [{"type": "user.message", "content": [{"type": "text", "text": "Generate today's report"}]}]


@pytest.fixture(scope="module")
def emu() -> Iterator[EmulatorHandle]:
    with running_emulator(tokens=(KEY,), flavor="cma", unique_names=False) as handle:
        yield handle


@pytest.fixture(autouse=True)
def cma_env(emu: EmulatorHandle, monkeypatch: pytest.MonkeyPatch) -> None:
    """Configured as the engine does in the provider process: through the environment."""
    monkeypatch.delenv("QODER_PAT", raising=False)
    monkeypatch.setenv("QODER_FLAVOR", "cma")
    monkeypatch.setenv("QODER_BASE_URL", emu.base_url)
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    emu.clear_faults()


def created(provider: Any, news: dict[str, Any]) -> tuple[str, dict[str, Any], dict[str, Any]]:
    checked = provider.check({}, news)
    assert checked.failures == [], checked.failures
    result = provider.create(checked.inputs)
    return result.id, checked.inputs, result.outs


def reasons(provider: Any, news: dict[str, Any]) -> list[str]:
    return [f.reason for f in provider.check({}, news).failures]


@pytest.fixture(scope="module")
def refs(emu: EmulatorHandle) -> dict[str, str]:
    mp = pytest.MonkeyPatch()
    mp.setenv("QODER_FLAVOR", "cma")
    mp.setenv("QODER_BASE_URL", emu.base_url)
    mp.setenv("ANTHROPIC_API_KEY", KEY)
    try:
        agent_id, _, _ = created(AgentProvider(), {"name": "reporter", "model": "claude-sonnet-4-6"})
        env_id, _, _ = created(EnvironmentProvider(), {"name": "sandbox"})
        vault_id, _, _ = created(VaultProvider(), {"display_name": "shared"})
    finally:
        mp.undo()
    return {"agent": agent_id, "environment_id": env_id, "vault": vault_id}


def deployment(refs: dict[str, str], **extra: Any) -> dict[str, Any]:
    return {
        "name": "daily-report",
        "agent": refs["agent"],
        "environment_id": refs["environment_id"],
        "schedule": {"expression": "0 9 * * *", "timezone": "Asia/Shanghai"},
        "initial_events": BLOCKS,
        RESOURCE_KEY: "rk-" + str(extra.pop("key", "daily")),
        **extra,
    }


def test_ids_are_cma_ids(refs: dict[str, str]) -> None:
    assert refs["agent"].startswith("agent_") and refs["environment_id"].startswith("env_")
    assert refs["vault"].startswith("vlt_")


def test_a_cma_preview_rejects_qoder_only_inputs_naming_property_and_flavor(refs: dict[str, str]) -> None:
    found = reasons(
        DeploymentProvider(),
        deployment(
            refs,
            cas_config={"max_retries": 2},
            environment_variables="A=1",
            budget={"max_credit_cost": "12.50"},
            adopt_id="dep_0123",
            vault_ids=["vault_0123"],
        ),
    )
    joined = "\n".join(found)
    for prop in ("cas_config", "environment_variables", "budget.max_credit_cost"):
        assert (
            f"{prop}: exists on Qoder only; this provider talks to Claude Managed Agents (qoder:flavor cma)"
            in joined
        )
    assert 'adopt_id: "dep_0123" is not an id of the form "depl_..."' in joined
    env_reasons = reasons(
        EnvironmentProvider(), {"name": "e", "config": {"type": "cloud", "setup_script": "make"}}
    )
    assert any(r.startswith("config.setup_script: exists on Qoder only") for r in env_reasons)
    agent_reasons = reasons(AgentProvider(), {"name": "a", "model": "ultimate"})
    assert any(r.startswith('model: "ultimate" is not a Claude model id') for r in agent_reasons)
    meta = reasons(VaultProvider(), {"display_name": "v", "metadata": {"pulumi-create-token": "x"}})
    assert any("metadata.pulumi-create-token: is reserved" in r for r in meta)


def test_the_same_inputs_pass_on_qoder(refs: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QODER_FLAVOR", "qoder")
    found = reasons(
        DeploymentProvider(),
        deployment(refs, cas_config={"max_retries": 2}, budget={"max_credit_cost": "12.50"}),
    )
    assert not any("exists on" in r for r in found)
    cma_budget = reasons(
        DeploymentProvider(), deployment(refs, budget={"max_list_cost": {"currency": "USD", "amount": "500"}})
    )
    assert any(r.startswith("budget.max_list_cost") for r in cma_budget)


def test_deployment_lifecycle_on_cma(emu: EmulatorHandle, refs: dict[str, str]) -> None:
    provider = DeploymentProvider()
    budget = {"max_list_cost": {"currency": "USD", "amount": "500"}}
    news = deployment(refs, key="life", vault_ids=[refs["vault"]], metadata={"team": "ops"}, budget=budget)
    dep_id, inputs, outs = created(provider, news)
    assert dep_id.startswith("depl_") and outs["budget"] == budget and outs["metadata"] == {"team": "ops"}
    read = provider.read(dep_id, outs)
    assert read.id == dep_id and read.inputs is not None
    for key in ("name", "agent", "schedule", "metadata", "budget", "vault_ids"):
        assert read.inputs.get(key) == inputs.get(key), key
    changed = {
        **news,
        "schedule": {"expression": "0 10 * * 1-5", "timezone": "Asia/Shanghai"},
        "desired_status": "paused",
    }
    new_inputs = provider.check(inputs, changed).inputs
    updated = provider.update(dep_id, outs, new_inputs)
    assert updated.outs is not None
    assert updated.outs["schedule"]["expression"] == "0 10 * * 1-5" and updated.outs["status"] == "paused"
    provider.delete(dep_id, updated.outs)
    with emu.api() as api:
        gone = api.get(f"/deployments/{dep_id}").json()
    assert gone["archived_at"] is not None and gone["name"] == "daily-report"


def test_manual_only_and_credential_on_cma(refs: dict[str, str]) -> None:
    dep_id, _, outs = created(DeploymentProvider(), deployment(refs, key="manual", schedule=None))
    assert dep_id.startswith("depl_")
    assert outs.get("schedule") is None
    cred_id, _, cred_outs = created(
        VaultCredentialProvider(),
        {
            "vault_id": refs["vault"],
            "display_name": "github",
            "auth": {
                "type": "static_bearer",
                "token": "ghp_x",
                "mcp_server_url": "https://mcp.example.com/mcp",
            },
        },
    )
    assert cred_id.startswith("vcrd_") and cred_outs["display_name"] == "github"


def test_deployment_created_once_under_commit_then_drop(emu: EmulatorHandle, refs: dict[str, str]) -> None:
    provider = DeploymentProvider()
    news = deployment(refs, key="drop", name="dropped-once")
    checked = provider.check({}, news)
    emu.set_faults({"drop_after_commit": {"count": 1, "methods": ["POST"], "path_regex": "/v1/deployments$"}})
    result = provider.create(checked.inputs)
    with emu.api() as api:
        named = [
            d
            for d in api.get("/deployments", params={"limit": 100}).json()["data"]
            if d["name"] == "dropped-once"
        ]
    assert [d["id"] for d in named] == [result.id]
    # A re-run after a crash (same resource, same inputs) adopts it instead of creating a twin.
    again = provider.create(checked.inputs)
    assert again.id == result.id


def test_text_content_is_sent_as_blocks_and_reads_back_without_drift(refs: dict[str, str]) -> None:
    provider = DeploymentProvider()
    news = deployment(refs, key="text", name="text-content")
    news["initial_events"] = [{"type": "user.message", "content": "Generate today's status report"}]
    dep_id, inputs, outs = created(provider, news)
    assert inputs["initial_events"][0]["content"] == [
        {"type": "text", "text": "Generate today's status report"}
    ]
    read = provider.read(dep_id, outs)
    assert read.inputs is not None and read.inputs["initial_events"] == inputs["initial_events"]
    # The program's text input checks to the same canonical inputs: no diff on the next preview.
    assert provider.check(inputs, news).inputs["initial_events"] == inputs["initial_events"]


def test_the_native_front_end_applies_the_flavor_too(monkeypatch: pytest.MonkeyPatch) -> None:
    urn = "urn:pulumi:dev::cma::qoder:index:Deployment::daily"
    news = to_engine(
        {
            "name": "d",
            "agent": "agent_0123",
            "environment_id": "env_0123",
            "initial_events": BLOCKS,
            "cas_config": {"max_retries": 2},
        }
    )

    def reasons_for(flavor: str) -> list[str]:
        monkeypatch.setenv("QODER_FLAVOR", flavor)
        response = asyncio.run(QoderProvider("0.0.0").check(CheckRequest(urn, {}, news, b"")))
        return [f.reason for f in response.failures or []]

    assert any("exists on Qoder only" in r and "qoder:flavor cma" in r for r in reasons_for("cma"))
    assert reasons_for("qoder") == []


@pytest.mark.parametrize(
    ("provider", "first", "second"),
    [
        (
            AgentProvider,
            {"name": "a", "model": "claude-sonnet-4-6", "system": "x", "metadata": {"a": "1"}},
            {
                "name": "a",
                "model": {"id": "claude-opus-4-7", "speed": "fast"},
                "system": "y",
                "metadata": {"b": "2"},
            },
        ),
        (
            EnvironmentProvider,
            {"name": "e", "metadata": {"a": "1"}},
            {
                "name": "e2",
                "metadata": {"b": "2"},
                "config": {"type": "cloud", "networking": {"type": "limited", "allowed_hosts": ["x.com"]}},
            },
        ),
    ],
)
def test_agent_and_environment_update_in_place_without_drift(
    provider: type[Any], first: dict[str, Any], second: dict[str, Any]
) -> None:
    p = provider()
    obj_id, inputs, outs = created(p, first)
    news = p.check(inputs, second).inputs
    updated = p.update(obj_id, outs, news)
    assert updated.outs is not None
    read = p.read(obj_id, updated.outs)
    assert read.id == obj_id and read.inputs is not None
    assert {k: read.inputs.get(k) for k in news} == news  # refresh shows no drift
