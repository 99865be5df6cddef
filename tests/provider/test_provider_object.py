"""The pickled provider and credentials: small, by reference, never holding a token."""

from __future__ import annotations

import base64
import pickle
import subprocess
import sys

import pytest
from pulumi.dynamic import Config, ConfigureRequest
from pulumi.dynamic.dynamic import serialize_provider

from pulumi_qoder.agent import AgentProvider
from pulumi_qoder.config import DEFAULT_BASE_URL, resolve_credentials
from pulumi_qoder.deployment import DeploymentProvider
from pulumi_qoder.dynamic import DynamicProvider
from pulumi_qoder.environment import EnvironmentProvider
from pulumi_qoder.errors import ConfigurationError
from pulumi_qoder.vault import VaultProvider

SECRET = "qpat-never-in-pickle-123"


@pytest.mark.parametrize(
    "provider_class", [DeploymentProvider, AgentProvider, EnvironmentProvider, VaultProvider]
)
def test_pickled_provider_is_small_by_reference_and_holds_no_credentials(
    provider_class: type[DynamicProvider],
) -> None:
    provider = provider_class()
    provider.configure(
        ConfigureRequest(Config({"qoder:token": SECRET, "qoder:baseUrl": "http://127.0.0.1:9"}, "proj"))
    )
    assert provider.credentials().token == SECRET  # configured in this process...
    blob = serialize_provider(provider)
    raw = base64.b64decode(blob)
    assert len(blob) < 2048
    assert SECRET.encode() not in raw  # ...but never pickled
    # The class by reference: its module and name, not its code.
    assert provider_class.__module__.encode() in raw and provider_class.__name__.encode() in raw
    assert provider_class.serialize_as_secret_always is False
    restored = pickle.loads(raw)
    assert isinstance(restored, provider_class) and not hasattr(restored, "_config")
    # Stable bytes: no spurious `~ __provider` update between runs.
    assert serialize_provider(provider_class()) == serialize_provider(restored)


def test_credentials_come_from_config_first_then_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QODER_PAT", raising=False)
    monkeypatch.delenv("QODER_PERSONAL_ACCESS_TOKEN", raising=False)
    monkeypatch.delenv("QODER_BASE_URL", raising=False)
    with pytest.raises(ConfigurationError, match=r"qoder:token.*QODER_PAT"):
        resolve_credentials({})
    monkeypatch.setenv("QODER_PAT", "env-token")
    assert resolve_credentials({}).base_url == DEFAULT_BASE_URL
    assert resolve_credentials({"qoder:token": "cfg-token"}).token == "cfg-token"
    assert "env-token" not in repr(resolve_credentials({}))
    with pytest.raises(ConfigurationError, match="must start with http"):
        resolve_credentials({"qoder:baseUrl": "api.qoder.com"})


def test_importing_the_package_has_no_side_effects() -> None:
    # Nor does it load what only an API call or a schedule needs (issue 13: both the language
    # host and every provider process pay for each import).
    code = (
        "import sys, pulumi_qoder\n"
        "heavy = {'httpx', 'qca', 'croniter', 'cron_descriptor', 'pulumi_qoder.report'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
        "import pulumi_qoder.wire.client as c; assert not c._CLIENTS"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env={"PATH": ""})


# ``__provider`` as the code before the core/wire/resources split (commit 4a7ba00) wrote it into
# every stack's state: pickled by reference to the old module paths.
STATE_PROVIDERS = {
    DeploymentProvider: "gASVOAAAAAAAAACMF3B1bHVtaV9xb2Rlci5kZXBsb3ltZW50lIwSRGVwbG95bWVudFByb3ZpZGVylJOUKYGUfZRiLg==",
    AgentProvider: "gASVLgAAAAAAAACMEnB1bHVtaV9xb2Rlci5hZ2VudJSMDUFnZW50UHJvdmlkZXKUk5QpgZR9lGIu",
    EnvironmentProvider: "gASVOgAAAAAAAACMGHB1bHVtaV9xb2Rlci5lbnZpcm9ubWVudJSME0Vudmlyb25tZW50UHJvdmlkZXKUk5QpgZR9lGIu",
    VaultProvider: "gASVLgAAAAAAAACMEnB1bHVtaV9xb2Rlci52YXVsdJSMDVZhdWx0UHJvdmlkZXKUk5QpgZR9lGIu",
}


@pytest.mark.parametrize("provider_class", list(STATE_PROVIDERS))
def test_existing_stacks_provider_unpickles_and_pickles_to_the_same_bytes(
    provider_class: type[DynamicProvider],
) -> None:
    stored = STATE_PROVIDERS[provider_class]
    # In a fresh interpreter, as the engine's provider process does: the old path must import.
    code = (
        "import base64, pickle, sys\n"
        f"p = pickle.loads(base64.b64decode({stored!r}))\n"
        "print(type(p).__module__, type(p).__name__, type(p).lifecycle.__name__)"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert out.stdout.split() == [
        provider_class.__module__,
        provider_class.__name__,
        provider_class.lifecycle.__name__,
    ]
    # And today's code writes the very same string: no `~ __provider` update after upgrading.
    assert serialize_provider(provider_class()) == stored


def test_workspace_and_sources_come_from_config_or_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("QODER_PAT", "QODER_PERSONAL_ACCESS_TOKEN", "QODER_BASE_URL", "QODER_WORKSPACE_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("QODER_PAT", "env-token")
    plain = resolve_credentials({})
    assert (plain.workspace_id, plain.token_source, plain.base_url_source) == (
        None,
        "QODER_PAT",
        "the default",
    )
    monkeypatch.setenv("QODER_WORKSPACE_ID", "ws_env")
    monkeypatch.setenv("QODER_BASE_URL", "http://127.0.0.1:9/api/v1/cloud/")
    from_env = resolve_credentials({})
    assert from_env.workspace_id == "ws_env" and from_env.base_url_source == "QODER_BASE_URL"
    assert from_env.base_url == "http://127.0.0.1:9/api/v1/cloud"
    configured = resolve_credentials(
        {"qoder:token": {"secret": True, "value": "cfg"}, "qoder:workspaceId": "ws_cfg"}
    )
    assert configured.workspace_id == "ws_cfg" and configured.token_source == "stack config qoder:token"
    # The provider keeps the workspace from the engine's config, and never pickles it.
    provider = DeploymentProvider()
    provider.configure(ConfigureRequest(Config({"qoder:workspaceId": "ws_cfg", "other:key": "x"}, "proj")))
    assert provider.credentials().workspace_id == "ws_cfg"
    assert b"ws_cfg" not in base64.b64decode(serialize_provider(provider))
