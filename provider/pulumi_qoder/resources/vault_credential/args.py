"""Typed arguments of :class:`~pulumi_qoder.VaultCredential`, one class per ``auth`` type (the
official SDK's ``StaticBearerCreateParams``, ``MCPOAuthCreateParams``,
``EnvironmentVariableCreateParams``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NotRequired, Required, TypedDict

import pulumi

__all__ = [
    "EnvironmentVariableAuthArgs",
    "LimitedCredentialNetworkingArgs",
    "McpOAuthAuthArgs",
    "McpOAuthRefreshArgs",
    "StaticBearerAuthArgs",
    "TokenEndpointAuthArgs",
    "VaultCredentialArgs",
    "VaultCredentialArgsDict",
]


@dataclass
class StaticBearerAuthArgs:
    """A bearer token sent to one MCP server. ``token`` is secret in state, never echoed."""

    token: pulumi.Input[str]
    mcp_server_url: pulumi.Input[str]
    type: str = field(default="static_bearer", init=False)


@dataclass
class TokenEndpointAuthArgs:
    """How the OAuth client authenticates at the token endpoint (``client_secret`` is secret)."""

    type: pulumi.Input[Literal["none", "client_secret_basic", "client_secret_post"]]
    client_secret: pulumi.Input[str] | None = None


@dataclass
class McpOAuthRefreshArgs:
    """What the service needs to refresh the access token (``refresh_token`` is secret)."""

    client_id: pulumi.Input[str]
    refresh_token: pulumi.Input[str]
    token_endpoint: pulumi.Input[str]
    token_endpoint_auth: pulumi.Input[TokenEndpointAuthArgs | Mapping[str, Any]]
    resource: pulumi.Input[str] | None = None
    scope: pulumi.Input[str] | None = None


@dataclass
class McpOAuthAuthArgs:
    """An OAuth access token for one MCP server, optionally refreshable."""

    access_token: pulumi.Input[str]
    mcp_server_url: pulumi.Input[str]
    expires_at: pulumi.Input[str] | None = None
    refresh: pulumi.Input[McpOAuthRefreshArgs | Mapping[str, Any]] | None = None
    type: str = field(default="mcp_oauth", init=False)


@dataclass
class LimitedCredentialNetworkingArgs:
    """The hosts the secret may be sent to."""

    allowed_hosts: pulumi.Input[Sequence[pulumi.Input[str]]]
    type: str = field(default="limited", init=False)


@dataclass
class EnvironmentVariableAuthArgs:
    """A secret exposed to sessions as an environment variable (``secret_value`` is secret).
    ``networking``: ``{"type": "unrestricted"}`` or :class:`LimitedCredentialNetworkingArgs`."""

    secret_name: pulumi.Input[str]
    secret_value: pulumi.Input[str]
    networking: pulumi.Input[LimitedCredentialNetworkingArgs | Mapping[str, Any]]
    injection_location: pulumi.Input[Mapping[str, pulumi.Input[bool]]] | None = None
    type: str = field(default="environment_variable", init=False)


AuthArgs = StaticBearerAuthArgs | McpOAuthAuthArgs | EnvironmentVariableAuthArgs


@dataclass
class VaultCredentialArgs:
    """Inputs of a :class:`VaultCredential`."""

    vault_id: pulumi.Input[str]
    auth: pulumi.Input[AuthArgs | Mapping[str, Any]]
    display_name: pulumi.Input[str] | None = None
    metadata: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None
    adopt_id: pulumi.Input[str] | None = None
    """An existing credential (``vcred_...``) of ``vault_id`` to take over at create: the first
    ``up`` updates it to these inputs (its secrets cannot be read back, so they are sent)."""
    profile: pulumi.Input[str] | None = None
    """A profile named in stack config ``qoder:profiles`` (another account); omitted: the
    stack's own credentials. Only the name is stored; see docs/provider.md."""


class VaultCredentialArgsDict(TypedDict):
    """The keyword form of :class:`VaultCredentialArgs`: a typo is a type error in the editor."""

    vault_id: Required[pulumi.Input[str]]
    auth: Required[pulumi.Input[AuthArgs | Mapping[str, Any]]]
    display_name: NotRequired[pulumi.Input[str] | None]
    metadata: NotRequired[pulumi.Input[Mapping[str, pulumi.Input[str]]] | None]
    adopt_id: NotRequired[pulumi.Input[str] | None]
    profile: NotRequired[pulumi.Input[str] | None]
