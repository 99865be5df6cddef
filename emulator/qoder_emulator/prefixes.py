"""Where the API lives: both Qoder prefixes (decision #16) and the emulator's control API."""

from __future__ import annotations

API_PREFIXES = ("/api/v1/cloud", "/v1")
CONTROL_PREFIX = "/_emulator"
UNLOGGED_PATHS = ("/openapi.json", "/docs")


def resource_path(path: str) -> str:
    """The path without its API prefix: ``/v1/x`` and ``/api/v1/cloud/x`` are the same request."""
    for prefix in API_PREFIXES:
        if path.startswith(prefix + "/") or path == prefix:
            return path[len(prefix) :] or "/"
    return path
