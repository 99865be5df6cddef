"""Typed arguments of :class:`~pulumi_qoder.Vault`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NotRequired, Required, TypedDict

import pulumi

__all__ = ["McpCredentialArgs", "VaultArgs", "VaultArgsDict"]


@dataclass
class McpCredentialArgs:
    """A static bearer token for one MCP server. ``access_token`` is kept secret in state."""

    mcp_server_url: pulumi.Input[str]
    access_token: pulumi.Input[str]
    protocol: pulumi.Input[Literal["sse", "streamable_http"]] | None = None
    type: str = field(default="static_bearer", init=False)


@dataclass
class VaultArgs:
    """Inputs of a :class:`Vault`. Every change replaces the vault (the API has no update)."""

    display_name: pulumi.Input[str]
    credentials: pulumi.Input[Sequence[pulumi.Input[McpCredentialArgs | Mapping[str, Any]]]] | None = None
    metadata: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None
    adopt_id: pulumi.Input[str] | None = None
    """An existing vault to take over at create. It must already match (there is no update);
    its tokens cannot be read back, so the ones given here are recorded as its tokens."""
    profile: pulumi.Input[str] | None = None
    """A profile named in stack config ``qoder:profiles`` (another account); omitted: the
    stack's own credentials. Only the name is stored; see docs/provider.md."""


class VaultArgsDict(TypedDict):
    """The keyword form of :class:`VaultArgs`: a typo is a type error in the editor."""

    display_name: Required[pulumi.Input[str]]
    credentials: NotRequired[
        pulumi.Input[Sequence[pulumi.Input[McpCredentialArgs | Mapping[str, Any]]]] | None
    ]
    metadata: NotRequired[pulumi.Input[Mapping[str, pulumi.Input[str]]] | None]
    adopt_id: NotRequired[pulumi.Input[str] | None]
    profile: NotRequired[pulumi.Input[str] | None]
