"""The client for a set of credentials, loading only the SDK of their flavor: ``qca-sdk`` for
Qoder, ``anthropic`` for Claude Managed Agents (each costs 0.5-2 s of CPU to import)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .config import Credentials

if TYPE_CHECKING:
    from .client import QoderClient

__all__ = ["client_for"]


def client_for(credentials: Credentials) -> QoderClient:
    """The process-wide client for ``credentials`` (created once, shared by every thread)."""
    if credentials.flavor == "cma":  # the same interface on the anthropic SDK
        from .cma import cma_client_for

        return cma_client_for(credentials)  # type: ignore[return-value]
    from .client import qoder_client_for

    return qoder_client_for(credentials)
