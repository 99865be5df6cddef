"""Where credentials, the endpoint and the workspace come from: Pulumi config first, then the
environment. Each value remembers its source, so an error can say which one to fix.

Values are read when a provider method runs, never at import time, and are never stored in the
pickled provider (see ``pulumi_qoder.dynamic.DynamicProvider.__getstate__``), in inputs or in outputs.

Pulumi config keys: ``qoder:token`` (set it with ``--secret``), ``qoder:baseUrl``, ``qoder:workspaceId``.
Environment: ``QODER_PAT`` (``QODER_PERSONAL_ACCESS_TOKEN`` also accepted), ``QODER_BASE_URL``,
``QODER_WORKSPACE_ID``.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import ConfigurationError
from .flavor import CMA_DEFAULT_BASE_URL, CMA_ENV_TOKENS, CONFIG_FLAVOR, Flavor, resolve_flavor

__all__ = ["CONFIG_KEYS", "DEFAULT_BASE_URL", "Credentials", "resolve_credentials"]

DEFAULT_BASE_URL = "https://api.qoder.com/api/v1/cloud"
CONFIG_TOKEN = "qoder:token"
CONFIG_BASE_URL = "qoder:baseUrl"
CONFIG_WORKSPACE_ID = "qoder:workspaceId"
CONFIG_KEYS = (CONFIG_TOKEN, CONFIG_BASE_URL, CONFIG_WORKSPACE_ID, CONFIG_FLAVOR)
ENV_TOKENS = ("QODER_PAT", "QODER_PERSONAL_ACCESS_TOKEN")
ENV_BASE_URL = "QODER_BASE_URL"
ENV_WORKSPACE_ID = "QODER_WORKSPACE_ID"


@dataclass(frozen=True)
class Credentials:
    """An endpoint, the bearer token for it and the optional workspace. ``repr`` never shows the
    token. The ``*_source`` fields name where each value came from (for error messages)."""

    base_url: str
    token: str = field(repr=False)
    workspace_id: str | None = None
    token_source: str = "QODER_PAT"
    base_url_source: str = "QODER_BASE_URL"
    flavor: Flavor = "qoder"  # which service and SDK (wire/flavor.py)

    @property
    def token_fingerprint(self) -> str:
        """A short hash identifying the token without revealing it (cache keys, diagnostics)."""
        return hashlib.sha256(self.token.encode()).hexdigest()[:16]


def _unwrap(value: Any) -> Any:
    # The engine may hand config values over as secret-wrapped dicts; only the value matters here.
    if isinstance(value, dict) and "value" in value and len(value) == 2:
        return value["value"]
    return value


def _first(config: Mapping[str, Any], key: str, env: tuple[str, ...]) -> tuple[Any, str]:
    """The value of stack config ``key``, else of the first set environment variable; and its source."""
    value = _unwrap(config.get(key))
    if value:
        return value, f"stack config {key}"
    for name in env:
        if os.environ.get(name):
            return os.environ[name], name
    return None, ""


def resolve_credentials(config: Mapping[str, Any] | None = None) -> Credentials:
    """Credentials from Pulumi config (``qoder:*`` keys) or else the environment.

    Raises :class:`ConfigurationError` naming both places when no token is found.
    """
    config = config or {}
    flavor, _ = resolve_flavor(config)
    cma = flavor == "cma"
    token, token_source = _first(config, CONFIG_TOKEN, CMA_ENV_TOKENS if cma else ENV_TOKENS)
    base_url, base_url_source = _first(config, CONFIG_BASE_URL, (ENV_BASE_URL,))
    if not base_url:
        base_url, base_url_source = (CMA_DEFAULT_BASE_URL if cma else DEFAULT_BASE_URL), "the default"
    workspace_id, _ = _first(config, CONFIG_WORKSPACE_ID, (ENV_WORKSPACE_ID,))
    if not token and cma:
        raise ConfigurationError(
            "no Claude Managed Agents API key: set it with `pulumi config set --secret qoder:token "
            "<key>` or the ANTHROPIC_API_KEY environment variable"
        )
    if not token:
        raise ConfigurationError(
            "no Qoder token: set it with `pulumi config set --secret qoder:token <PAT>` "
            "or the QODER_PAT environment variable"
        )
    if not all(isinstance(x, str) for x in (token, base_url, workspace_id or "")):
        raise ConfigurationError("qoder:token, qoder:baseUrl and qoder:workspaceId must be strings")
    if not base_url.startswith(("http://", "https://")):
        raise ConfigurationError(f"{base_url_source} {base_url!r} must start with http:// or https://")
    return Credentials(
        base_url=base_url.rstrip("/"),
        token=token.strip(),
        workspace_id=workspace_id.strip() or None if workspace_id else None,
        token_source=token_source,
        base_url_source=base_url_source,
        flavor=flavor,
    )
