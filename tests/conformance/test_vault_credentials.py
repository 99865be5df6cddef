"""Vault credentials through ``qca.Managed().vaults.credentials``: the sub-resource the SDK manages."""

from __future__ import annotations

import json
from typing import Any

import pytest
import qca
from qca.managed.types.credential import Credential

from qoder_emulator.testing import EmulatorHandle

from .conftest import TOKENS, error_of, sdk_client

SECRETS = ("bearer-secret-1", "oauth-access-2", "oauth-refresh-3", "client-secret-4", "env-secret-5")
STATIC: Any = {"type": "static_bearer", "token": SECRETS[0], "mcp_server_url": "https://mcp.example.com/sse"}
OAUTH: Any = {
    "type": "mcp_oauth",
    "access_token": SECRETS[1],
    "mcp_server_url": "https://linear.example.com/mcp",
    "expires_at": "2026-07-01T00:00:00Z",
    "refresh": {
        "client_id": "client-abc",
        "refresh_token": SECRETS[2],
        "token_endpoint": "https://auth.example.com/token",
        "token_endpoint_auth": {"type": "client_secret_post", "client_secret": SECRETS[3]},
        "scope": "read",
    },
}
OAUTH_CHANGE: Any = {"type": "mcp_oauth", "expires_at": "2026-08-01T00:00:00Z", "refresh": {"scope": "write"}}
ENV_VAR: Any = {
    "type": "environment_variable",
    "secret_name": "GITHUB_TOKEN",
    "secret_value": SECRETS[4],
    "networking": {"type": "limited", "allowed_hosts": ["api.github.com"]},
    "injection_location": {"header": True},
}


def assert_no_secret(value: Any) -> None:
    text = json.dumps(value) if not isinstance(value, str) else value
    for secret in SECRETS:
        assert secret not in text


def test_each_auth_type_round_trips_without_its_secrets(emu: EmulatorHandle, strict_sdk: qca.Managed) -> None:
    vault = strict_sdk.vaults.create(display_name="team-keys")
    assert vault.id is not None
    static = strict_sdk.vaults.credentials.create(
        vault.id, auth=STATIC, display_name="mcp", metadata={"k": "v"}
    )
    oauth = strict_sdk.vaults.credentials.create(vault.id, auth=OAUTH)
    env = strict_sdk.vaults.credentials.create(vault.id, auth=ENV_VAR)

    assert isinstance(static, Credential) and static.id is not None and static.id.startswith("vcred_")
    assert (static.type, static.vault_id, static.display_name, static.metadata) == (
        "vault_credential",
        vault.id,
        "mcp",
        {"k": "v"},
    )
    assert static.auth is not None and static.auth.type == "static_bearer"
    assert static.auth.mcp_server_url == STATIC["mcp_server_url"]
    assert static.archived_at is None and static.created_at is not None

    assert oauth.auth is not None and oauth.auth.type == "mcp_oauth"
    assert (
        oauth.auth.expires_at is not None and oauth.auth.expires_at.isoformat() == "2026-07-01T00:00:00+00:00"
    )
    assert oauth.auth.refresh is not None and oauth.auth.refresh.client_id == "client-abc"
    assert oauth.auth.refresh.token_endpoint_auth is not None
    assert oauth.auth.refresh.token_endpoint_auth.type == "client_secret_post"
    assert oauth.auth.refresh.scope == "read"

    assert env.auth is not None and env.auth.secret_name == "GITHUB_TOKEN"
    assert env.auth.networking is not None and env.auth.networking.allowed_hosts == ["api.github.com"]
    assert env.auth.injection_location is not None and env.auth.injection_location.header is True

    # Secrets are write-only: not in the create answers, reads, lists, or the request log.
    for credential in (static, oauth, env):
        assert credential.id is not None
        assert_no_secret(credential.to_dict(mode="json"))
        again = strict_sdk.vaults.credentials.retrieve(credential.id, vault_id=vault.id)
        assert again.to_dict(mode="json") == credential.to_dict(mode="json")
    listed = list(strict_sdk.vaults.credentials.list(vault.id))
    assert [c.id for c in listed] == [env.id, oauth.id, static.id]  # newest first
    assert_no_secret([c.to_dict(mode="json") for c in listed])
    assert_no_secret(emu.requests())


def test_update_in_place_archive_delete(strict_sdk: qca.Managed) -> None:
    vault = strict_sdk.vaults.create(display_name="rotate")
    assert vault.id is not None
    made = strict_sdk.vaults.credentials.create(vault.id, auth=STATIC, metadata={"team": "a", "old": "x"})
    assert made.id is not None
    rotated = strict_sdk.vaults.credentials.update(
        made.id, vault_id=vault.id, auth={"type": "static_bearer", "token": "next"}, metadata={"old": None}
    )
    assert rotated.id == made.id and rotated.metadata == {"team": "a"}
    assert rotated.auth is not None and rotated.auth.mcp_server_url == STATIC["mcp_server_url"]

    oauth = strict_sdk.vaults.credentials.create(vault.id, auth=OAUTH)
    assert oauth.id is not None
    changed = strict_sdk.vaults.credentials.update(
        oauth.id,
        vault_id=vault.id,
        auth=OAUTH_CHANGE,
    )
    assert changed.auth is not None and changed.auth.expires_at is not None
    assert changed.auth.expires_at.month == 8
    assert changed.auth.refresh is not None and changed.auth.refresh.scope == "write"
    assert changed.auth.refresh.client_id == "client-abc"

    archived = strict_sdk.vaults.credentials.archive(made.id, vault_id=vault.id)
    assert archived.archived_at is not None
    assert [c.id for c in strict_sdk.vaults.credentials.list(vault.id)] == [oauth.id]
    assert {c.id for c in strict_sdk.vaults.credentials.list(vault.id, include_archived=True)} == {
        oauth.id,
        made.id,
    }
    with pytest.raises(qca.ConflictError) as again:
        strict_sdk.vaults.credentials.archive(made.id, vault_id=vault.id)
    assert again.value.status_code == 409 and again.value.type == "conflict_error"
    with pytest.raises(qca.ConflictError):
        strict_sdk.vaults.credentials.update(made.id, vault_id=vault.id, metadata={"x": "y"})

    deleted = strict_sdk.vaults.credentials.delete(made.id, vault_id=vault.id)
    assert (deleted.id, deleted.type) == (made.id, "vault_credential_deleted")
    with pytest.raises(qca.NotFoundError):
        strict_sdk.vaults.credentials.retrieve(made.id, vault_id=vault.id)


def test_list_filters_by_display_name(sdk: qca.Managed) -> None:
    vault = sdk.vaults.create(display_name="named")
    assert vault.id is not None
    for name in ("github", "linear", "github"):
        sdk.vaults.credentials.create(vault.id, auth=STATIC, display_name=name)
    found = list(sdk.vaults.credentials.list(vault.id, name="github"))
    assert [c.display_name for c in found] == ["github", "github"]
    assert list(sdk.vaults.credentials.list(vault.id, name="none")) == []


def test_inline_credentials_on_vault_create_are_credentials_too(sdk: qca.Managed) -> None:
    inline = {"mcp_server_url": "https://a.example.com", "type": "static_bearer", "access_token": "inline-t"}
    vault = sdk.vaults.create(display_name="inline", extra_body={"credentials": [inline]})
    assert vault.id is not None
    documented = vault.to_dict()["credentials"]  # the docs' flat shape, kept for existing clients
    assert [(c["type"], c["mcp_server_url"], c["status"]) for c in documented] == [
        ("static_bearer", "https://a.example.com", "active")
    ]
    [sub] = list(sdk.vaults.credentials.list(vault.id))
    assert (
        sub.id is not None
        and sub.id == documented[0]["id"]
        and sub.auth is not None
        and sub.auth.type == "static_bearer"
    )
    # Added through the sub-resource: listed there, not in the vault's inline list.
    sdk.vaults.credentials.create(vault.id, auth=STATIC)
    sdk.vaults.credentials.archive(sub.id, vault_id=vault.id)
    [after] = sdk.vaults.retrieve(vault.id).to_dict()["credentials"]
    assert after["id"] == sub.id and after["status"] == "archived"
    assert "inline-t" not in json.dumps(sdk.vaults.retrieve(vault.id).to_dict(mode="json"))


@pytest.mark.parametrize(
    ("auth", "param"),
    [
        ({"type": "password", "token": "t"}, "auth.type"),
        ({"type": "static_bearer", "mcp_server_url": "https://m.example.com"}, "auth.token"),
        ({"type": "static_bearer", "token": "t", "mcp_server_url": "ftp://m"}, "auth.mcp_server_url"),
        (
            {**OAUTH, "refresh": {**OAUTH["refresh"], "token_endpoint_auth": {"type": "basic"}}},
            "auth.refresh.token_endpoint_auth.type",
        ),
        ({**ENV_VAR, "secret_name": "1BAD"}, "auth.secret_name"),
        ({**ENV_VAR, "networking": {"type": "limited"}}, "auth.networking.allowed_hosts"),
        ({**STATIC, "extra": 1}, "auth.extra"),
    ],
)
def test_bad_auth_is_a_typed_400_naming_the_field(sdk: qca.Managed, auth: dict[str, Any], param: str) -> None:
    vault = sdk.vaults.create(display_name="bad")
    assert vault.id is not None
    with pytest.raises(qca.BadRequestError) as caught:
        sdk.vaults.credentials.create(vault.id, auth=auth)  # type: ignore[arg-type]
    assert caught.value.status_code == 400 and caught.value.type == "invalid_request_error"
    assert error_of(caught.value)["param"] == param


def test_type_is_fixed_and_references_are_checked(emu: EmulatorHandle, sdk: qca.Managed) -> None:
    vault = sdk.vaults.create(display_name="fixed")
    other = sdk.vaults.create(display_name="other")
    assert vault.id is not None and other.id is not None
    made = sdk.vaults.credentials.create(vault.id, auth=STATIC)
    assert made.id is not None
    with pytest.raises(qca.BadRequestError) as caught:
        sdk.vaults.credentials.update(made.id, vault_id=vault.id, auth={"type": "mcp_oauth"})
    assert error_of(caught.value)["param"] == "auth.type"
    with pytest.raises(qca.NotFoundError) as wrong_vault:
        sdk.vaults.credentials.retrieve(made.id, vault_id=other.id)
    assert wrong_vault.value.type == "not_found_error"
    with pytest.raises(qca.NotFoundError):
        sdk.vaults.credentials.create("vault_missing", auth=STATIC)
    bob = sdk_client(emu, TOKENS[1])
    with pytest.raises(qca.NotFoundError):
        bob.vaults.credentials.retrieve(made.id, vault_id=vault.id)
    sdk.vaults.archive(other.id)
    with pytest.raises(qca.ConflictError):
        sdk.vaults.credentials.create(other.id, auth=STATIC)
    sdk.vaults.delete(vault.id)
    with pytest.raises(qca.NotFoundError):
        sdk.vaults.credentials.retrieve(made.id, vault_id=vault.id)
