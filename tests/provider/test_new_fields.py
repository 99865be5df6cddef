"""The fields the official SDK offers, as inputs, in-process against the emulator: Deployment
``environment_variables`` and ``budget``, Agent ``model`` with ``effort``, Environment ``scope``
and ``config.setup_script``. Each round-trips (create, refresh with no drift, update, clear) and
breaks a rule with an error naming the property."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_qoder.agent import AgentProvider
from pulumi_qoder.deployment import DeploymentProvider
from pulumi_qoder.environment import EnvironmentProvider

from .conftest import Target, deployment_props

DOTENV = "FEATURE_FLAG=on\nexport LOG_LEVEL=info\n# comment\nAPI_KEY=sk-dotenv-secret-77"


@pytest.fixture
def agents(emulator_target: Target, monkeypatch: pytest.MonkeyPatch) -> AgentProvider:
    monkeypatch.setenv("QODER_BASE_URL", emulator_target.base_url)
    monkeypatch.setenv("QODER_PAT", emulator_target.token)
    return AgentProvider()


@pytest.fixture
def environments(emulator_target: Target, monkeypatch: pytest.MonkeyPatch) -> EnvironmentProvider:
    monkeypatch.setenv("QODER_BASE_URL", emulator_target.base_url)
    monkeypatch.setenv("QODER_PAT", emulator_target.token)
    return EnvironmentProvider()


def checked(provider: Any, props: dict[str, Any]) -> dict[str, Any]:
    result = provider.check({}, props)
    assert result.failures == [], result.failures
    inputs: dict[str, Any] = result.inputs
    return inputs


def reasons(provider: Any, props: dict[str, Any]) -> dict[str, str]:
    return {f.reason.split(":", 1)[0]: f.reason for f in provider.check({}, props).failures}


def sent(target: Target, method: str, path_end: str) -> dict[str, Any]:
    """The body of the last ``method`` request whose path ends with ``path_end``."""
    assert target.emulator is not None
    found = [e for e in target.emulator.requests() if e["method"] == method and e["path"].endswith(path_end)]
    assert found, f"no {method} ...{path_end}"
    body: dict[str, Any] = found[-1]["body"]
    return body


def test_deployment_environment_variables_and_budget_round_trip(
    emulator_target: Target, emulator_provider: DeploymentProvider
) -> None:
    target, provider = emulator_target, emulator_provider
    props = deployment_props(target, environment_variables=DOTENV, budget={"max_credit_cost": "12.50"})
    inputs = checked(provider, props)
    assert inputs["budget"] == {"max_credit_cost": "12.50"}
    created = provider.create(inputs)
    body = sent(target, "POST", "/deployments")
    assert body["budget"] == {"type": "limit", "max_credit_cost": "12.50"}
    with target.api() as api:
        live = api.get(f"/deployments/{created.id}").json()
    assert live["environment_variables"] == DOTENV and live["budget"]["max_credit_cost"] == "12.50"
    outs = created.outs or {}
    assert outs["environment_variables"] == DOTENV and outs["budget"] == {"max_credit_cost": "12.50"}

    assert provider.read(created.id, outs).inputs == inputs  # refresh: no drift

    # A new budget and a changed variable: one patch with both; then clearing both.
    target.emulator.clear_requests()  # type: ignore[union-attr]
    changed = checked(
        provider, {**props, "environment_variables": "FEATURE_FLAG=off", "budget": {"max_credit_cost": "3"}}
    )
    outs = provider.update(created.id, outs, changed).outs or {}
    patch = sent(target, "POST", f"/deployments/{created.id}")
    assert patch.keys() == {"environment_variables", "budget"}
    assert patch["budget"] == {"type": "limit", "max_credit_cost": "3"}
    assert outs["environment_variables"] == "FEATURE_FLAG=off"
    cleared = checked(
        provider, {k: x for k, x in props.items() if k not in ("environment_variables", "budget")}
    )
    outs = provider.update(created.id, outs, cleared).outs or {}
    patch = sent(target, "POST", f"/deployments/{created.id}")
    assert patch == {"environment_variables": "", "budget": None}
    with target.api() as api:
        live = api.get(f"/deployments/{created.id}").json()
    assert live["environment_variables"] == "" and live["budget"] is None
    assert "environment_variables" not in outs or outs["environment_variables"] is None
    assert provider.read(created.id, outs).inputs == cleared


def test_deployment_new_fields_break_rules_by_name(
    emulator_provider: DeploymentProvider, emulator_target: Target
) -> None:
    bad = reasons(
        emulator_provider,
        deployment_props(
            emulator_target,
            environment_variables="GOOD=1\nnot a pair",
            budget={"max_credit_cost": "12.345", "currency": "USD"},
        ),
    )
    assert bad["environment_variables"] == "environment_variables: line 2 is not KEY=VALUE (dotenv text)"
    assert (
        "12.345" in bad["budget.max_credit_cost"] and "2 fractional digits" in bad["budget.max_credit_cost"]
    )
    assert bad["budget.currency"].startswith("budget.currency: unknown field")
    wrong = reasons(emulator_provider, deployment_props(emulator_target, budget=12))
    assert wrong["budget"] == 'budget: must be an object {"max_credit_cost": "12.50"}, got int'


def test_agent_model_with_effort_round_trips_and_the_string_form_still_works(
    emulator_target: Target, agents: AgentProvider
) -> None:
    name = emulator_target.unique("agent")
    inputs = checked(agents, {"name": name, "model": {"id": "ultimate", "effort": "high"}})
    created = agents.create(inputs)
    assert sent(emulator_target, "POST", "/agents")["model"] == {"id": "ultimate", "effort": "high"}
    outs = created.outs or {}
    assert outs["model"] == {"id": "ultimate", "effort": "high"}
    assert agents.read(created.id, outs).inputs == inputs

    # {"type": "max"} is the same effort as "max": the object form also round-trips.
    typed = checked(agents, {"name": name, "model": {"id": "ultimate", "effort": {"type": "max"}}})
    outs = agents.update(created.id, outs, typed).outs or {}
    assert outs["version"] == 2
    assert agents.read(created.id, outs).inputs == typed

    plain = checked(agents, {"name": name, "model": "ultimate"})
    outs = agents.update(created.id, outs, plain).outs or {}
    assert outs["model"] == "ultimate" and agents.read(created.id, outs).inputs == plain
    bad = reasons(agents, {"name": name, "model": {"id": "ultimate", "effort": "extreme"}})
    assert bad["model.effort"].startswith('model.effort: "extreme" is not one of')


def test_environment_scope_and_setup_script_round_trip(
    emulator_target: Target, environments: EnvironmentProvider
) -> None:
    name = emulator_target.unique("env")
    script = "#!/bin/sh\npip install -r requirements.txt\n"
    props = {"name": name, "scope": "organization", "config": {"type": "cloud", "setup_script": script}}
    inputs = checked(environments, props)
    created = environments.create(inputs)
    body = sent(emulator_target, "POST", "/environments")
    assert body["scope"] == "organization" and body["config"]["setup_script"] == script
    outs = created.outs or {}
    assert outs["scope"] == "organization" and outs["config"]["setup_script"] == script
    assert environments.read(created.id, outs).inputs == inputs

    # The default scope spelled out is no change; removing the script clears it on the service.
    plain = checked(environments, {"name": name, "scope": "account"})
    assert "scope" not in plain
    outs = environments.update(created.id, outs, plain).outs or {}
    patch = sent(emulator_target, "POST", f"/environments/{created.id}")
    assert patch["scope"] == "account" and patch["config"].get("setup_script", "") is None
    with emulator_target.api() as api:
        live = api.get(f"/environments/{created.id}").json()
    assert live["scope"] == "account" and not live["config"].get("setup_script")
    assert environments.read(created.id, outs).inputs == plain

    bad = reasons(environments, {"name": name, "scope": "team", "config": {"setup_script": 7}})
    assert bad["scope"] == 'scope: "team" is not one of account, organization'
    assert bad["config.setup_script"].startswith("config.setup_script: must be")
