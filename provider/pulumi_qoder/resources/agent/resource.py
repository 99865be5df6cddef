"""The ``Agent`` dynamic resource and its provider (the dynamic front end over
:class:`AgentLifecycle`)."""

from __future__ import annotations

from typing import Any, Unpack, overload

import pulumi

from ...dynamic import DynamicProvider, QoderResource, collect_props
from .args import AgentArgs, AgentArgsDict
from .check import INPUT_KEYS, OUTPUT_KEYS
from .lifecycle import AgentLifecycle

__all__ = ["Agent", "AgentProvider"]


class AgentProvider(DynamicProvider):
    """Pickled into state by reference as ``pulumi_qoder.agent.AgentProvider``: keep that path
    (an alias module) and this name, or existing stacks can no longer be read."""

    __module__ = "pulumi_qoder.agent"
    lifecycle = AgentLifecycle


class Agent(QoderResource, module="qoder", name="Agent"):
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
        super().__init__(AgentProvider(), resource_name, props, opts)

    @staticmethod
    def get(
        resource_name: str,
        id: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
        profile: pulumi.Input[str] | None = None,
    ) -> Agent:
        """An existing agent (``agent_...``) read into the stack by the engine (one ``GET``, again at
        each ``up`` and ``refresh``); read-only: this stack never updates or archives it.
        ``profile`` names the account to read it with (stack config ``qoder:profiles``)."""
        read: dict[str, Any] = {"profile": profile}  # no other input: the engine reads them
        return Agent(
            resource_name, None, pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id)), **read
        )
