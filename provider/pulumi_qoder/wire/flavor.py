"""Which service the provider talks to: ``qoder`` (Qoder Cloud Agents, on ``qca-sdk``) or ``cma``
(Claude Managed Agents, on the official ``anthropic`` SDK). Same objects, same lifecycle; the
differences the provider handles are in ``docs/cma.md``.

``qoder:flavor`` (stack config), else ``QODER_FLAVOR``, else inferred from the base URL (an
``anthropic.com`` host is CMA), else ``qoder``. Read without touching credentials, so a preview's
check can apply the flavor's rules before any token is needed.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, Literal
from urllib.parse import urlsplit

from .errors import ConfigurationError

__all__ = [
    "CMA_DEFAULT_BASE_URL",
    "CMA_ENV_TOKENS",
    "CONFIG_FLAVOR",
    "FLAVORS",
    "Flavor",
    "flavor_from_url",
    "resolve_flavor",
]

Flavor = Literal["qoder", "cma"]
FLAVORS: tuple[Flavor, ...] = ("qoder", "cma")
CONFIG_FLAVOR = "qoder:flavor"
ENV_FLAVOR = "QODER_FLAVOR"
CMA_DEFAULT_BASE_URL = "https://api.anthropic.com"
# CMA's API key: stack config qoder:token first, then this (never ANTHROPIC_AUTH_TOKEN, profiles
# or ANTHROPIC_BASE_URL: the SDK is always given api_key and base_url explicitly).
CMA_ENV_TOKENS = ("ANTHROPIC_API_KEY",)


def _unwrap(value: Any) -> Any:
    if isinstance(value, dict) and "value" in value and len(value) == 2:
        return value["value"]
    return value


def flavor_from_url(base_url: str) -> Flavor:
    host = (urlsplit(base_url).hostname or "").lower()
    return "cma" if host == "anthropic.com" or host.endswith(".anthropic.com") else "qoder"


def resolve_flavor(config: Mapping[str, Any] | None = None) -> tuple[Flavor, str]:
    """The flavor and where it came from (for messages)."""
    config = config or {}
    value, source = _unwrap(config.get(CONFIG_FLAVOR)), f"stack config {CONFIG_FLAVOR}"
    if not value:
        value, source = os.environ.get(ENV_FLAVOR, ""), ENV_FLAVOR
    if value:
        name = str(value).strip().lower()
        if name not in FLAVORS:
            raise ConfigurationError(f"{source} is {value!r}: choose one of {', '.join(FLAVORS)}")
        return name, source
    base_url = _unwrap(config.get("qoder:baseUrl")) or os.environ.get("QODER_BASE_URL", "")
    if isinstance(base_url, str) and base_url:
        return flavor_from_url(base_url), "the base URL"
    return "qoder", "the default"
