"""The pickled provider and credentials: small, by reference, never holding a token."""

from __future__ import annotations

import base64
import pickle
import subprocess
import sys

import pytest
from pulumi.dynamic import Config, ConfigureRequest
from pulumi.dynamic.dynamic import serialize_provider

from pulumi_qoder._base import BaseProvider
from pulumi_qoder.agent import AgentProvider
from pulumi_qoder.config import DEFAULT_BASE_URL, resolve_credentials
from pulumi_qoder.deployment import DeploymentProvider
from pulumi_qoder.environment import EnvironmentProvider
from pulumi_qoder.errors import ConfigurationError
from pulumi_qoder.vault import VaultProvider

SECRET = "qpat-never-in-pickle-123"


@pytest.mark.parametrize(
    "provider_class", [DeploymentProvider, AgentProvider, EnvironmentProvider, VaultProvider]
)
def test_pickled_provider_is_small_by_reference_and_holds_no_credentials(
    provider_class: type[BaseProvider],
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
    code = "import sys, pulumi_qoder; assert 'httpx' in sys.modules; import pulumi_qoder.client as c; assert not c._CLIENTS"
    subprocess.run([sys.executable, "-c", code], check=True, env={"PATH": ""})
