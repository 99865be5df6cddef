"""Typed arguments of :class:`~pulumi_qoder.Agent`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NotRequired, Required, TypedDict

import pulumi

__all__ = ["AgentArgs", "AgentArgsDict", "CustomSkillArgs", "ModelArgs"]


@dataclass
class ModelArgs:
    """A model as an object (the SDK's ``ModelConfigParams``); a plain model id string works as
    well. ``effort``: ``low``, ``medium``, ``high``, ``xhigh`` or ``max`` (or ``{"type": ...}``)."""

    id: pulumi.Input[str]
    effort: pulumi.Input[str | Mapping[str, str]] | None = None
    speed: pulumi.Input[str] | None = None
    context_window: pulumi.Input[int] | None = None
    inference_geo: pulumi.Input[str] | None = None


@dataclass
class CustomSkillArgs:
    skill_id: pulumi.Input[str]
    type: str = field(default="custom", init=False)


@dataclass
class AgentArgs:
    """Inputs of an :class:`Agent`. ``tools`` and ``mcp_servers`` are the API's objects as dicts."""

    name: pulumi.Input[str]
    model: pulumi.Input[str | ModelArgs | Mapping[str, Any]]
    system: pulumi.Input[str] | None = None
    description: pulumi.Input[str] | None = None
    tools: pulumi.Input[Sequence[pulumi.Input[Mapping[str, Any]]]] | None = None
    mcp_servers: pulumi.Input[Sequence[pulumi.Input[Mapping[str, Any]]]] | None = None
    skills: pulumi.Input[Sequence[pulumi.Input[CustomSkillArgs | Mapping[str, Any]]]] | None = None
    metadata: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None
    adopt_id: pulumi.Input[str] | None = None
    """An existing agent to take over at create (instead of creating one); see docs/resources.md."""
    profile: pulumi.Input[str] | None = None
    """A profile named in stack config ``qoder:profiles`` (another account); omitted: the
    stack's own credentials. Only the name is stored; see docs/provider.md."""


class AgentArgsDict(TypedDict):
    """The keyword form of :class:`AgentArgs`: a typo in a keyword is a type error in the editor."""

    name: Required[pulumi.Input[str]]
    model: Required[pulumi.Input[str | ModelArgs | Mapping[str, Any]]]
    system: NotRequired[pulumi.Input[str] | None]
    description: NotRequired[pulumi.Input[str] | None]
    tools: NotRequired[pulumi.Input[Sequence[pulumi.Input[Mapping[str, Any]]]] | None]
    mcp_servers: NotRequired[pulumi.Input[Sequence[pulumi.Input[Mapping[str, Any]]]] | None]
    skills: NotRequired[pulumi.Input[Sequence[pulumi.Input[CustomSkillArgs | Mapping[str, Any]]]] | None]
    metadata: NotRequired[pulumi.Input[Mapping[str, pulumi.Input[str]]] | None]
    adopt_id: NotRequired[pulumi.Input[str] | None]
    profile: NotRequired[pulumi.Input[str] | None]
