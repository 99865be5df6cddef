"""The ``Agent`` dynamic resource and its provider (the dynamic front end over
:class:`AgentLifecycle`)."""

# The outputs' types are declared on a base class, not on the resource class: the Pulumi SDK
# evaluates a resource class's *own* annotations again (get_type_hints) for every resource whose
# outputs it resolves (0.76 ms per deployment per command with all 24 there). Only the int-typed
# ones stay on the resource class: from them the SDK learns to turn protobuf's doubles back into
# ints. Type checkers and the native schema (native/schema.py) read the whole MRO. No `from
# __future__ import annotations` either: evaluated annotations halve what is left.

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
    """The types of a ``Agent``'s outputs (see the note at the top of this module)."""

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
