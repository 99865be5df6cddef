"""Where credentials and the endpoint come from: Pulumi config first, then the environment.

Values are read when a provider method runs, never at import time, and are never stored in the
pickled provider (see ``pulumi_qoder.dynamic.DynamicProvider.__getstate__``), in inputs or in outputs.

Pulumi config keys: ``qoder:token`` (set it with ``--secret``) and ``qoder:baseUrl``.
Environment: ``QODER_PAT`` (``QODER_PERSONAL_ACCESS_TOKEN`` also accepted) and ``QODER_BASE_URL``.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import ConfigurationError

__all__ = ["DEFAULT_BASE_URL", "Credentials", "resolve_credentials"]

DEFAULT_BASE_URL = "https://api.qoder.com/api/v1/cloud"
CONFIG_TOKEN = "qoder:token"
CONFIG_BASE_URL = "qoder:baseUrl"
ENV_TOKENS = ("QODER_PAT", "QODER_PERSONAL_ACCESS_TOKEN")
ENV_BASE_URL = "QODER_BASE_URL"


@dataclass(frozen=True)
class Credentials:
    """An endpoint and the bearer token for it. ``repr`` never shows the token."""

    base_url: str
    token: str = field(repr=False)

    @property
    def token_fingerprint(self) -> str:
        """A short hash identifying the token without revealing it (cache keys, diagnostics)."""
        return hashlib.sha256(self.token.encode()).hexdigest()[:16]


def _unwrap(value: Any) -> Any:
    # The engine may hand config values over as secret-wrapped dicts; only the value matters here.
    if isinstance(value, dict) and "value" in value and len(value) == 2:
        return value["value"]
    return value


def resolve_credentials(config: Mapping[str, Any] | None = None) -> Credentials:
    """Credentials from Pulumi config (``qoder:*`` keys) or else the environment.

    Raises :class:`ConfigurationError` naming both places when no token is found.
    """
    config = config or {}
    token = _unwrap(config.get(CONFIG_TOKEN)) or next(
        (os.environ[name] for name in ENV_TOKENS if os.environ.get(name)), None
    )
    base_url = _unwrap(config.get(CONFIG_BASE_URL)) or os.environ.get(ENV_BASE_URL) or DEFAULT_BASE_URL
    if not token:
        raise ConfigurationError(
            "no Qoder token: set it with `pulumi config set --secret qoder:token <PAT>` "
            "or the QODER_PAT environment variable"
        )
    if not isinstance(token, str) or not isinstance(base_url, str):
        raise ConfigurationError("qoder:token and qoder:baseUrl must be strings")
    if not base_url.startswith(("http://", "https://")):
        raise ConfigurationError(f"qoder:baseUrl {base_url!r} must start with http:// or https://")
    return Credentials(base_url=base_url.rstrip("/"), token=token.strip())
