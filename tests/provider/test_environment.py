"""Environment provider methods in-process against the emulator: check rules, lifecycle, drift,
destroy archives."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.runtime import rpc

from pulumi_qoder.environment import EnvironmentProvider, check_inputs, create_body, update_patch

from .conftest import Target


@pytest.fixture
def environments(target: Target, monkeypatch: pytest.MonkeyPatch) -> EnvironmentProvider:
    monkeypatch.setenv("QODER_BASE_URL", target.base_url)
    monkeypatch.setenv("QODER_PAT", target.token)
    return EnvironmentProvider()


LIMITED = {
    "type": "limited",
    "allowed_hosts": ["api.github.com", "*.internal.example.com"],
    "allow_package_managers": True,
    "allow_mcp_servers": False,
}


def failures(news: dict[str, Any]) -> dict[str, str]:
    _, found = check_inputs(news)
    return {f.property: f.reason for f in found}


def test_check_names_the_property_and_the_rule() -> None:
    found = failures(
        {
            "name": "",
            "config": {
                "type": "self_hosted",
                "networking": {
                    "type": "limited",
                    "allowed_hosts": ["https://api.github.com/v3"],
                    "allow_mcp_servers": "yes",
                },
                "packages": {"pip": ["requests", ""], "conda": ["numpy"]},
            },
        }
    )
    assert found["name"] == "name: must not be empty"
    assert found["config.type"] == 'config.type: "self_hosted" is not one of cloud'
    assert found["config.networking.allowed_hosts[0]"].startswith(
        'config.networking.allowed_hosts[0]: "https://api.github.com/v3" is not a host name'
    )
    assert (
        found["config.networking.allow_mcp_servers"]
        == "config.networking.allow_mcp_servers: must be true or false, got str"
    )
    assert found["config.packages.pip[1]"] == "config.packages.pip[1]: must not be empty"
    assert found["config.packages.conda"].startswith(
        "config.packages.conda: unknown field; the fields of packages"
    )
    assert failures(
        {"name": "e", "config": {"networking": {"type": "unrestricted", "allowed_hosts": ["a.b"]}}}
    ) == {
        "config.networking.allowed_hosts": (
            "config.networking.allowed_hosts: only applies to limited networking (type: limited)"
        )
    }
    assert "config.networking.type" in failures(
        {"name": "e", "config": {"networking": {"type": "allowlist"}}}
    )


def test_canonical_inputs_leave_defaults_out_and_pass_unknowns() -> None:
    plain, _ = check_inputs({"name": "e"})
    explicit, _ = check_inputs(
        {
            "name": "e",
            "description": "",
            "config": {"type": "cloud", "packages": {"type": "packages", "pip": []}},
        }
    )
    assert plain == explicit == {"name": "e", "config": {"type": "cloud"}}
    limited, _ = check_inputs({"name": "e", "config": {"networking": LIMITED}})
    assert limited["config"]["networking"] == {
        "type": "limited",
        "allowed_hosts": ["api.github.com", "*.internal.example.com"],
        "allow_package_managers": True,
    }
    # The wire form spells every flag out: the API takes the body literally.
    assert create_body(limited)["config"]["networking"]["allow_mcp_servers"] is False
    unknown, found = check_inputs(
        {"name": "e", "config": {"networking": {"type": "limited", "allowed_hosts": rpc.UNKNOWN}}}
    )
    assert found == [] and unknown["config"]["networking"]["allowed_hosts"] == rpc.UNKNOWN


def test_update_patch_sends_config_whole_and_metadata_as_patch() -> None:
    old, _ = check_inputs({"name": "e", "config": {"networking": LIMITED}, "metadata": {"a": "1"}})
    new, _ = check_inputs(
        {"name": "e", "config": {"networking": {"type": "unrestricted"}}, "metadata": {"a": "1"}}
    )
    assert update_patch(old, new) == {"config": {"type": "cloud", "networking": {"type": "unrestricted"}}}


def test_lifecycle_drift_and_archive(target: Target, environments: EnvironmentProvider) -> None:
    inputs, _ = check_inputs(
        {
            "name": target.unique("env"),
            "description": "report sandbox",
            "config": {"networking": LIMITED, "packages": {"pip": ["pandas==2.2.2"], "apt": ["jq"]}},
            "metadata": {"team": "platform"},
        }
    )
    created = environments.create(inputs)
    outs = created.outs or {}
    assert created.id.startswith("env_") and outs["status"] == "ready" and outs["archived_at"] is None
    assert environments.read(created.id, outs).inputs == inputs

    new, _ = check_inputs({"name": inputs["name"], "config": {"networking": {"type": "unrestricted"}}})
    updated = environments.update(created.id, outs, new).outs or {}
    assert updated["config"] == {"type": "cloud", "networking": {"type": "unrestricted"}}
    with target.api() as api:
        server = api.get(f"/environments/{created.id}").json()
        assert server["description"] == "" and server["metadata"] == {}
        assert "packages" not in server["config"] or not any(
            server["config"]["packages"].get(m) for m in ("pip", "apt")
        )
        # Changed in the console: refresh brings the change into the inputs (honest next diff).
        api.post(f"/environments/{created.id}", json={"description": "edited by hand"}).raise_for_status()
    drift = environments.read(created.id, updated)
    assert drift.inputs == {**new, "description": "edited by hand"}

    environments.delete(created.id, updated)
    environments.delete(created.id, updated)  # already archived: done
    with target.api() as api:
        assert api.get(f"/environments/{created.id}").json()["archived_at"] is not None
    assert environments.read(created.id, updated).id == ""
