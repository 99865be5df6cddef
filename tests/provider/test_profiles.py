"""Several accounts in one stack: ``qoder:profiles`` and the ``profile`` input, at the provider level
against a real emulator with two accounts (the engine path is tests/engine/test_profiles_engine.py)."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest
from pulumi.dynamic import Config, ConfigureRequest
from pulumi.dynamic.dynamic import serialize_provider

from pulumi_qoder.agent import AgentProvider
from pulumi_qoder.core.values import UNKNOWN
from pulumi_qoder.errors import ConfigurationError, QoderAPIError
from pulumi_qoder.wire.profiles import credentials_for, profiles, same_account
from qoder_emulator.testing import EmulatorHandle, running_emulator

OWN = "own-account-token-4e1a"
TEAM_B = "team-b-account-token-8b2f"


@pytest.fixture(scope="module")
def emulator() -> Iterator[EmulatorHandle]:
    with running_emulator(tokens=(OWN, TEAM_B)) as handle:
        yield handle


def _config(url: str, **team_b: str) -> dict[str, Any]:
    """Stack config as the engine hands it over: ``qoder:profiles`` is one JSON string."""
    return {
        "qoder:token": OWN,
        "qoder:baseUrl": url,
        "qoder:profiles": json.dumps({"team-b": {"token": TEAM_B, "baseUrl": url, **team_b}}),
    }


def _provider(config: dict[str, Any]) -> AgentProvider:
    provider = AgentProvider()
    provider.configure(ConfigureRequest(Config(config, "proj")))
    return provider


def _create(provider: AgentProvider, news: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Check then create, as ``up`` does: the id and the outputs."""
    checked = provider.check({}, news)
    assert checked.failures == []
    created = provider.create(checked.inputs)
    assert created.outs is not None
    return created.id, created.outs


def test_each_call_uses_the_named_profiles_account_and_only_the_name_is_kept(
    emulator: EmulatorHandle,
) -> None:
    provider = _provider(_config(emulator.base_url))
    checked = provider.check({}, {"name": "b-bot", "model": "ultimate", "profile": "team-b"})
    assert checked.failures == [] and checked.inputs["profile"] == "team-b"
    created_id, outs = _create(provider, checked.inputs)
    assert outs["profile"] == "team-b"
    assert TEAM_B not in json.dumps(outs) + json.dumps(checked.inputs)
    assert TEAM_B.encode() not in base64.b64decode(serialize_provider(provider))
    with emulator.api(TEAM_B) as api:
        assert api.get(f"/agents/{created_id}").json()["name"] == "b-bot"
    with emulator.api(OWN) as api:
        assert api.get(f"/agents/{created_id}").status_code == 404

    # Refresh and delete find the account from the stored name.
    read = provider.read(created_id, outs)
    assert read.id == created_id and read.outs is not None and read.outs["profile"] == "team-b"
    assert read.inputs is not None and read.inputs["profile"] == "team-b"
    updated = provider.update(created_id, outs, {**checked.inputs, "description": "b"})
    assert updated.outs is not None and updated.outs["profile"] == "team-b"
    provider.delete(created_id, outs)
    with emulator.api(TEAM_B) as api:
        assert api.get(f"/agents/{created_id}").json()["archived_at"] is not None

    # Without a profile: the stack's own account, as before.
    own_id, own_outs = _create(provider, {"name": "own-bot", "model": "ultimate"})
    assert "profile" not in own_outs
    with emulator.api(OWN) as api:
        assert api.get(f"/agents/{own_id}").status_code == 200


def test_a_rotated_token_is_used_for_the_stored_name(emulator: EmulatorHandle) -> None:
    """The name is what is stored: whatever token the config has for it now is the one sent."""
    provider = _provider(_config(emulator.base_url))
    created_id, outs = _create(provider, {"name": "r", "model": "ultimate", "profile": "team-b"})
    revoked = _provider(
        {**_config(emulator.base_url), "qoder:profiles": json.dumps({"team-b": {"token": "revoked"}})}
    )
    with pytest.raises(QoderAPIError) as refused:
        revoked.read(created_id, outs)
    assert refused.value.status == 401
    assert refused.value.hint is not None and "qoder:profiles.team-b.token" in refused.value.hint
    assert "--run-program" in refused.value.hint
    assert provider.read(created_id, outs).id == created_id  # the valid token still reads it


def test_an_unconfigured_name_fails_check_naming_the_property_and_the_known_profiles(
    emulator: EmulatorHandle,
) -> None:
    provider = _provider(_config(emulator.base_url))
    checked = provider.check({}, {"name": "x", "model": "ultimate", "profile": "team-c"})
    assert [f.reason for f in checked.failures] == [
        'profile: "team-c" is not a profile in stack config qoder:profiles (known: team-b)'
    ]
    bare = _provider({"qoder:token": OWN, "qoder:baseUrl": emulator.base_url})
    [failure] = bare.check({}, {"name": "x", "model": "ultimate", "profile": "team-c"}).failures
    assert "qoder:profiles is not set" in failure.reason
    assert "pulumi config set --secret --path 'qoder:profiles.team-c.token'" in failure.reason
    [wrong_type] = provider.check({}, {"name": "x", "model": "ultimate", "profile": 7}).failures
    assert (
        wrong_type.reason == "profile: must be the name of a profile in stack config qoder:profiles, got int"
    )
    # Not known yet at preview: no failure, and no call with another account's credentials (an
    # adoption is previewed without reading, since which account holds it is not known yet).
    emulator.clear_requests()
    news = {"name": "x", "model": "ultimate", "profile": UNKNOWN, "adopt_id": "agent_0123"}
    unknown = provider.check({}, news)
    assert unknown.failures == [] and unknown.inputs["adopt_id"] == "agent_0123"
    assert emulator.requests() == []


def test_a_profile_change_replaces_only_when_it_reaches_another_account(emulator: EmulatorHandle) -> None:
    url = emulator.base_url
    config = {
        **_config(url),
        "qoder:profiles": json.dumps(
            {"team-b": {"token": TEAM_B, "baseUrl": url}, "own-again": {"token": OWN, "baseUrl": url}}
        ),
    }
    provider = _provider(config)
    olds = {"name": "x", "model": "ultimate"}
    moved = provider.diff("agent_1", olds, {**olds, "profile": "team-b"})
    assert (moved.changes, moved.replaces) == (True, ["profile"])
    renamed = provider.diff("agent_1", olds, {**olds, "profile": "own-again"})
    assert renamed.replaces in (None, [])  # same URL, token and workspace: an in-place change
    unknown = provider.diff("agent_1", {**olds, "profile": "team-b"}, {**olds, "profile": UNKNOWN})
    assert unknown.replaces == ["profile"]
    assert same_account(config, None, "own-again") and not same_account(config, None, "team-b")


def test_profile_config_rules_and_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QODER_PAT", "env-token")
    monkeypatch.setenv("QODER_WORKSPACE_ID", "ws_env")
    monkeypatch.delenv("QODER_BASE_URL", raising=False)
    monkeypatch.delenv("QODER_FLAVOR", raising=False)
    stack = {"qoder:baseUrl": "http://127.0.0.1:9/api/v1/cloud"}
    # A secret-wrapped map, as the SDK may hand it over, parses like a plain one.
    wrapped = {"4dabf18193072939515e22adb298388d": "x", "value": json.dumps({"b": {"token": "tb"}})}
    assert profiles({"qoder:profiles": wrapped}) == {"b": {"token": "tb"}}

    # No baseUrl of its own: the stack's; never the environment's workspace (another account's).
    own_url = credentials_for({**stack, "qoder:profiles": json.dumps({"b": {"token": "tb"}})}, "b")
    assert (own_url.base_url, own_url.workspace_id, own_url.token) == (stack["qoder:baseUrl"], None, "tb")
    assert own_url.token_source.startswith("stack config qoder:profiles.b.token ")
    assert "tb" not in repr(own_url)
    # Its own URL, flavor inferred from it, workspace header.
    cma = credentials_for(
        {
            **stack,
            "qoder:profiles": json.dumps({"c": {"token": "k", "baseUrl": "https://api.anthropic.com"}}),
        },
        "c",
    )
    assert (cma.flavor, cma.base_url_source) == ("cma", "stack config qoder:profiles.c.baseUrl")
    ws = credentials_for({"qoder:profiles": json.dumps({"w": {"token": "t", "workspaceId": "ws_1"}})}, "w")
    assert ws.workspace_id == "ws_1"

    for bad, message in (
        ("not json", "must be a map of profile names"),
        (json.dumps(["b"]), "must be a map of profile names, got list"),
        (json.dumps({"b": {"baseUrl": "http://x"}}), r"qoder:profiles\.b has no token"),
        (json.dumps({"b": {"token": "t", "pat": "t"}}), "unknown field"),
        (json.dumps({"b": {"token": 7}}), r"qoder:profiles\.b\.token must be a string, got int"),
    ):
        with pytest.raises(ConfigurationError, match=message):
            profiles({"qoder:profiles": bad})
    with pytest.raises(ConfigurationError, match=r'"zz" is not a profile .*\(known: b\)'):
        credentials_for({"qoder:profiles": json.dumps({"b": {"token": "t"}})}, "zz")
