"""The ``Agent`` dynamic resource and its provider (the dynamic front end over
:class:`AgentLifecycle`)."""

# Output types on a base class, evaluated annotations: why, in resources/__init__.py.

from typing import Any, Unpack, overload

import pulumi

from ...dynamic import DynamicProvider, ReadableResource, collect_props
from .args import AgentArgs, AgentArgsDict
from .check import INPUT_KEYS, OUTPUT_KEYS
from .lifecycle import AgentLifecycle

__all__ = ["Agent", "AgentProvider"]


class AgentProvider(DynamicProvider):
    """Pickled into state by reference as ``pulumi_qoder.agent.AgentProvider``: keep that path
    (an alias module) and this name, or existing stacks can no longer be read."""

    __module__ = "pulumi_qoder.agent"
    lifecycle = AgentLifecycle


class _AgentOutputs:
    """The types of the outputs of ``Agent`` (see ``resources/__init__.py``)."""

    name: pulumi.Output[str]
    model: pulumi.Output[Any]
    system: pulumi.Output[str | None]
    description: pulumi.Output[str | None]
    tools: pulumi.Output[list[dict[str, Any]] | None]
    mcp_servers: pulumi.Output[list[dict[str, Any]] | None]
    skills: pulumi.Output[list[dict[str, Any]] | None]
    metadata: pulumi.Output[dict[str, str] | None]
    adopt_id: pulumi.Output[str | None]
    created_at: pulumi.Output[str]
    updated_at: pulumi.Output[str]
    archived_at: pulumi.Output[str | None]
    profile: pulumi.Output[str | None]


class Agent(ReadableResource, _AgentOutputs, module="qoder", name="Agent"):
    """A Qoder agent. ``version`` increments on every update; destroying it archives it."""

    version: pulumi.Output[int]

    @overload
    def __init__(
        self, resource_name: str, args: AgentArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None: ...

    @overload
    def __init__(
        self,
        resource_name: str,
        args: None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Unpack[AgentArgsDict],
    ) -> None: ...

    def __init__(
        self,
        resource_name: str,
        args: AgentArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        props = collect_props("Agent", args, kwargs, INPUT_KEYS, OUTPUT_KEYS)
        self._register(AgentProvider(), resource_name, props, opts)
