"""Typed arguments of :class:`~pulumi_qoder.Environment`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NotRequired, Required, TypedDict

import pulumi

__all__ = [
    "EnvironmentArgs",
    "EnvironmentArgsDict",
    "EnvironmentConfigArgs",
    "LimitedNetworkingArgs",
    "PackagesArgs",
    "UnrestrictedNetworkingArgs",
]


@dataclass
class UnrestrictedNetworkingArgs:
    """Outbound network access to any host."""

    type: str = field(default="unrestricted", init=False)


@dataclass
class LimitedNetworkingArgs:
    """Outbound access only to ``allowed_hosts`` (plus package registries / MCP servers if allowed)."""

    allowed_hosts: pulumi.Input[Sequence[pulumi.Input[str]]] | None = None
    allow_package_managers: pulumi.Input[bool] | None = None
    allow_mcp_servers: pulumi.Input[bool] | None = None
    type: str = field(default="limited", init=False)


@dataclass
class PackagesArgs:
    """Packages installed into each session, per package manager."""

    apt: pulumi.Input[Sequence[pulumi.Input[str]]] | None = None
    cargo: pulumi.Input[Sequence[pulumi.Input[str]]] | None = None
    gem: pulumi.Input[Sequence[pulumi.Input[str]]] | None = None
    go: pulumi.Input[Sequence[pulumi.Input[str]]] | None = None
    npm: pulumi.Input[Sequence[pulumi.Input[str]]] | None = None
    pip: pulumi.Input[Sequence[pulumi.Input[str]]] | None = None


@dataclass
class EnvironmentConfigArgs:
    """A cloud environment. Without ``networking`` the service's default applies."""

    networking: (
        pulumi.Input[UnrestrictedNetworkingArgs | LimitedNetworkingArgs | Mapping[str, Any]] | None
    ) = None
    packages: pulumi.Input[PackagesArgs | Mapping[str, Any]] | None = None
    setup_script: pulumi.Input[str] | None = None
    """A shell script run when a session's container starts (after packages are installed)."""
    type: str = field(default="cloud", init=False)


@dataclass
class EnvironmentArgs:
    """Inputs of an :class:`Environment`. ``config`` defaults to a plain cloud environment."""

    name: pulumi.Input[str]
    description: pulumi.Input[str] | None = None
    config: pulumi.Input[EnvironmentConfigArgs | Mapping[str, Any]] | None = None
    scope: pulumi.Input[Literal["organization", "account"]] | None = None
    """Who may use it: the whole organization, or this account (the default)."""
    metadata: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None
    adopt_id: pulumi.Input[str] | None = None
    """An existing environment to take over at create; see docs/resources.md."""
    profile: pulumi.Input[str] | None = None
    """A profile named in stack config ``qoder:profiles`` (another account); omitted: the
    stack's own credentials. Only the name is stored; see docs/provider.md."""


class EnvironmentArgsDict(TypedDict):
    """The keyword form of :class:`EnvironmentArgs`: a typo is a type error in the editor."""

    name: Required[pulumi.Input[str]]
    description: NotRequired[pulumi.Input[str] | None]
    config: NotRequired[pulumi.Input[EnvironmentConfigArgs | Mapping[str, Any]] | None]
    scope: NotRequired[pulumi.Input[Literal["organization", "account"]] | None]
    metadata: NotRequired[pulumi.Input[Mapping[str, pulumi.Input[str]]] | None]
    adopt_id: NotRequired[pulumi.Input[str] | None]
    profile: NotRequired[pulumi.Input[str] | None]
