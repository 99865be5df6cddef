"""The pickled provider and credentials: small, by reference, never holding a token."""

from __future__ import annotations

import base64
import pickle
import subprocess
import sys

import pytest
from pulumi.dynamic import Config, ConfigureRequest
from pulumi.dynamic.dynamic import serialize_provider
from pulumi_qoder.config import DEFAULT_BASE_URL, resolve_credentials
from pulumi_qoder.deployment import DeploymentProvider
from pulumi_qoder.errors import ConfigurationError

SECRET = "qpat-never-in-pickle-123"


def test_pickled_provider_is_small_by_reference_and_holds_no_credentials() -> None:
    provider = DeploymentProvider()
    provider.configure(
        ConfigureRequest(Config({"qoder:token": SECRET, "qoder:baseUrl": "http://127.0.0.1:9"}, "proj"))
    )
    assert provider.credentials().token == SECRET  # configured in this process...
    blob = serialize_provider(provider)
    raw = base64.b64decode(blob)
    assert len(blob) < 2048
    assert SECRET.encode() not in raw  # ...but never pickled
    assert b"pulumi_qoder.deployment" in raw and b"DeploymentProvider" in raw  # class by reference
    assert DeploymentProvider.serialize_as_secret_always is False
    restored = pickle.loads(raw)
    assert isinstance(restored, DeploymentProvider) and not hasattr(restored, "_config")
    assert serialize_provider(DeploymentProvider()) == serialize_provider(
        restored
    )  # stable: no `~ __provider`


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
