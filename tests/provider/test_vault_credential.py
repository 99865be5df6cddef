"""``VaultCredential`` provider methods in-process against the emulator: each auth type round-trips
without its secrets ever coming back, refresh keeps the secrets from state (no drift), a rotation
is one in-place update sending only what changed, and bad input names the property."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_qoder.core.values import RESOURCE_KEY
from pulumi_qoder.resources.vault_credential.lifecycle import VaultCredentialLifecycle
from pulumi_qoder.resources.vault_credential.resource import VaultCredentialProvider

from .conftest import Target

STATIC: dict[str, Any] = {
    "type": "static_bearer",
    "token": "bearer-one-1a",
    "mcp_server_url": "https://mcp.example.com/sse",
}
OAUTH: dict[str, Any] = {
    "type": "mcp_oauth",
    "access_token": "oauth-access-2b",
    "mcp_server_url": "https://linear.example.com/mcp",
    "expires_at": "2026-07-01T00:00:00+00:00",
    "refresh": {
        "client_id": "client-abc",
        "refresh_token": "oauth-refresh-3c",
        "token_endpoint": "https://auth.example.com/token",
        "token_endpoint_auth": {"type": "client_secret_post", "client_secret": "client-secret-4d"},
        "scope": "read",
    },
}
ENV_VAR: dict[str, Any] = {
    "type": "environment_variable",
    "secret_name": "GITHUB_TOKEN",
    "secret_value": "env-secret-5e",
    "networking": {"type": "limited", "allowed_hosts": ["api.github.com"]},
    "injection_location": {"header": True},
}
SECRETS = ("bearer-one-1a", "oauth-access-2b", "oauth-refresh-3c", "client-secret-4d", "env-secret-5e")


@pytest.fixture
def credentials(emulator_target: Target, monkeypatch: pytest.MonkeyPatch) -> VaultCredentialProvider:
    monkeypatch.setenv("QODER_BASE_URL", emulator_target.base_url)
    monkeypatch.setenv("QODER_PAT", emulator_target.token)
    return VaultCredentialProvider()


@pytest.fixture
def vault_id(emulator_target: Target) -> str:
    with emulator_target.api() as api:
        ident: str = api.post("/vaults", json={"display_name": emulator_target.unique("keys")}).json()["id"]
    return ident


def checked(provider: VaultCredentialProvider, props: dict[str, Any]) -> dict[str, Any]:
    result = provider.check({}, props)
    assert result.failures == [], result.failures
    inputs: dict[str, Any] = result.inputs
    return inputs


def writes(target: Target) -> list[tuple[str, str, Any]]:
    assert target.emulator is not None
    out = [
        (e["method"], e["path"].split("/api/v1/cloud", 1)[-1], e["body"]) for e in target.emulator.requests()
    ]
    target.emulator.clear_requests()
    return [w for w in out if w[0] != "GET"]


@pytest.mark.parametrize("auth", [STATIC, OAUTH, ENV_VAR], ids=lambda a: str(a["type"]))
def test_each_auth_type_round_trips_and_refresh_keeps_the_secrets(
    emulator_target: Target, credentials: VaultCredentialProvider, vault_id: str, auth: dict[str, Any]
) -> None:
    inputs = checked(
        credentials, {"vault_id": vault_id, "display_name": "cred", "auth": auth, "metadata": {"k": "v"}}
    )
    created = credentials.create(inputs)
    assert created.id.startswith("vcred_")
    with emulator_target.api() as api:
        served = api.get(f"/vaults/{vault_id}/credentials/{created.id}").json()
    assert served["auth"]["type"] == auth["type"] and served["metadata"] == {"k": "v"}
    assert not any(secret in str(served) for secret in SECRETS)
    outs = created.outs or {}
    assert outs["auth"] == inputs["auth"]  # the program's secrets, recorded (state encrypts them)

    read = credentials.read(created.id, outs)
    assert read.id == created.id and read.inputs == inputs  # no drift: secrets come from state


def test_rotation_is_one_update_with_only_the_new_secret(
    emulator_target: Target, credentials: VaultCredentialProvider, vault_id: str
) -> None:
    inputs = checked(credentials, {"vault_id": vault_id, "auth": OAUTH})
    created = credentials.create(inputs)
    outs = created.outs or {}
    writes(emulator_target)

    rotated_auth = {
        **OAUTH,
        "access_token": "oauth-access-NEW",
        "refresh": {**OAUTH["refresh"], "scope": "write"},
    }
    rotated = checked(credentials, {"vault_id": vault_id, "auth": rotated_auth})
    outs = credentials.update(created.id, outs, rotated).outs or {}
    [(method, path, body)] = writes(emulator_target)
    assert (method, path) == ("POST", f"/vaults/{vault_id}/credentials/{created.id}")
    # Only what changed (the request log redacts the token itself).
    assert body == {
        "auth": {"type": "mcp_oauth", "access_token": "[REDACTED]", "refresh": {"scope": "write"}}
    }
    assert outs["auth"]["access_token"] == "oauth-access-NEW"
    assert credentials.read(created.id, outs).inputs == rotated

    # A metadata change is a key-level patch; nothing of auth is resent.
    tagged = checked(credentials, {"vault_id": vault_id, "auth": rotated_auth, "metadata": {"owner": "ops"}})
    credentials.update(created.id, outs, tagged)
    assert [b for _, _, b in writes(emulator_target)] == [{"metadata": {"owner": "ops"}}]

    credentials.delete(created.id, outs)
    with emulator_target.api() as api:
        assert api.get(f"/vaults/{vault_id}/credentials/{created.id}").status_code == 404


def test_check_names_the_property_and_the_rule(credentials: VaultCredentialProvider) -> None:
    def reasons(props: dict[str, Any]) -> dict[str, str]:
        return {f.reason.split(":", 1)[0]: f.reason for f in credentials.check({}, props).failures}

    bad = reasons(
        {"vault_id": "keys", "auth": {"type": "static_bearer", "mcp_server_url": "mcp.example.com"}}
    )
    assert bad["vault_id"] == 'vault_id: "keys" is not an id of the form "vault_..."'
    assert bad["auth.token"].startswith("auth.token: is required")
    assert bad["auth.mcp_server_url"].startswith(
        'auth.mcp_server_url: "mcp.example.com" is not an http(s) URL'
    )
    bad = reasons(
        {"vault_id": "vault_1", "auth": {**ENV_VAR, "secret_name": "GITHUB-TOKEN", "networking": None}}
    )
    assert bad["auth.secret_name"].startswith(
        'auth.secret_name: "GITHUB-TOKEN" is not an environment variable name'
    )
    assert bad["auth.networking"].startswith("auth.networking: is required")
    assert reasons({"vault_id": "vault_1", "auth": {"type": "basic"}})["auth.type"].startswith(
        'auth.type: "basic"'
    )


def test_adopting_a_credential_previews_the_change_and_sends_the_programs_secret(
    emulator_target: Target, vault_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QODER_BASE_URL", emulator_target.base_url)
    monkeypatch.setenv("QODER_PAT", emulator_target.token)
    with emulator_target.api() as api:
        existing = api.post(f"/vaults/{vault_id}/credentials", json={"auth": STATIC}).json()["id"]
    warnings: list[str] = []
    core = VaultCredentialLifecycle(VaultCredentialProvider().client, warn=warnings.append)
    props = {"vault_id": vault_id, "auth": {**STATIC, "token": "adopted-token-6f"}, "metadata": {"o": "p"}}
    writes(emulator_target)
    checked = core.check({}, {**props, "adopt_id": existing})
    assert checked.failures == [] and writes(emulator_target) == []  # one GET, no write
    assert warnings == [
        f"adopt_id {existing}: `up` takes over this vault credential and changes auth, metadata to match the program"
    ]
    created = core.create(checked.inputs)
    assert created.id == existing
    [(_, path, body)] = writes(emulator_target)
    assert path == f"/vaults/{vault_id}/credentials/{existing}"
    assert body == {"auth": {"type": "static_bearer", "token": "[REDACTED]"}, "metadata": {"o": "p"}}
    assert core.read(existing, created.outs).inputs == checked.inputs

    # A different server URL cannot be adopted in place: the preview fails, naming the field.
    moved = core.check(
        {}, {**props, "auth": {**STATIC, "mcp_server_url": "https://other.example.com"}, "adopt_id": existing}
    )
    assert [f.property for f in moved.failures] == ["adopt_id"]
    assert "auth.mcp_server_url" in moved.failures[0].reason


def test_identical_credentials_are_two_objects_and_a_rerun_finds_its_own(
    credentials: VaultCredentialProvider, vault_id: str
) -> None:
    inputs = checked(credentials, {"vault_id": vault_id, "auth": STATIC})
    first = credentials.create({**inputs, RESOURCE_KEY: "resource-a"})
    second = credentials.create({**inputs, RESOURCE_KEY: "resource-b"})
    again = credentials.create({**inputs, RESOURCE_KEY: "resource-a"})  # a re-run after a crash
    assert first.id != second.id and again.id == first.id
