"""The ``Environment`` dynamic resource and its provider (the dynamic front end over
:class:`EnvironmentLifecycle`)."""

from __future__ import annotations

from typing import Any, Unpack, overload

import pulumi

from ...dynamic import DynamicProvider, QoderResource, collect_props
from .args import EnvironmentArgs, EnvironmentArgsDict
from .check import INPUT_KEYS, OUTPUT_KEYS
from .lifecycle import EnvironmentLifecycle

__all__ = ["Environment", "EnvironmentProvider"]


class EnvironmentProvider(DynamicProvider):
    """Pickled into state by reference as ``pulumi_qoder.environment.EnvironmentProvider``: keep
    that path (an alias module) and this name, or existing stacks can no longer be read."""

    __module__ = "pulumi_qoder.environment"
    lifecycle = EnvironmentLifecycle


class Environment(QoderResource, module="qoder", name="Environment"):
    """A Qoder cloud environment. Destroying it archives it."""

    name: pulumi.Output[str]
    description: pulumi.Output[str | None]
    config: pulumi.Output[dict[str, Any]]
    scope: pulumi.Output[str | None]
    metadata: pulumi.Output[dict[str, str] | None]
    adopt_id: pulumi.Output[str | None]
    status: pulumi.Output[str]
    created_at: pulumi.Output[str]
    updated_at: pulumi.Output[str]
    archived_at: pulumi.Output[str | None]
    profile: pulumi.Output[str | None]

    @overload
    def __init__(
        self, resource_name: str, args: EnvironmentArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None: ...

    @overload
    def __init__(
        self,
        resource_name: str,
        args: None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Unpack[EnvironmentArgsDict],
    ) -> None: ...

    def __init__(
        self,
        resource_name: str,
        args: EnvironmentArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        props = collect_props("Environment", args, kwargs, INPUT_KEYS, OUTPUT_KEYS)
        super().__init__(EnvironmentProvider(), resource_name, props, opts)

    @staticmethod
    def get(
        resource_name: str,
        id: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
        profile: pulumi.Input[str] | None = None,
    ) -> Environment:
        """An existing environment (``env_...``) read into the stack by the engine (one ``GET``, again at
        each ``up`` and ``refresh``); read-only: this stack never updates or archives it.
        ``profile`` names the account to read it with (stack config ``qoder:profiles``)."""
        read: dict[str, Any] = {"profile": profile}  # no other input: the engine reads them
        return Environment(
            resource_name, None, pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id)), **read
        )
