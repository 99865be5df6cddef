"""The ``Agent`` dynamic resource and its provider (the dynamic front end over
:class:`AgentLifecycle`)."""

# No `from __future__ import annotations`: the Pulumi SDK re-reads the resource class's
# annotations (get_type_hints) for every resource whose outputs it resolves; evaluated ones
# halve that (1.4 -> 0.7 ms per resource per command).

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


class Agent(ReadableResource, module="qoder", name="Agent"):
    """A Qoder agent. ``version`` increments on every update; destroying it archives it."""

    name: pulumi.Output[str]
    model: pulumi.Output[Any]
    system: pulumi.Output[str | None]
    description: pulumi.Output[str | None]
    tools: pulumi.Output[list[dict[str, Any]] | None]
    mcp_servers: pulumi.Output[list[dict[str, Any]] | None]
    skills: pulumi.Output[list[dict[str, Any]] | None]
    metadata: pulumi.Output[dict[str, str] | None]
    adopt_id: pulumi.Output[str | None]
    version: pulumi.Output[int]
    created_at: pulumi.Output[str]
    updated_at: pulumi.Output[str]
    archived_at: pulumi.Output[str | None]
    profile: pulumi.Output[str | None]

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
