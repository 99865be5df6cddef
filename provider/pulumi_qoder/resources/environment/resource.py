"""The ``Environment`` dynamic resource and its provider (the dynamic front end over
:class:`EnvironmentLifecycle`)."""

# The outputs' types are declared on a base class, not on the resource class: the Pulumi SDK
# evaluates a resource class's *own* annotations again (get_type_hints) for every resource whose
# outputs it resolves (0.76 ms per deployment per command with all 24 there). Only the int-typed
# ones stay on the resource class: from them the SDK learns to turn protobuf's doubles back into
# ints. Type checkers and the native schema (native/schema.py) read the whole MRO. No `from
# __future__ import annotations` either: evaluated annotations halve what is left.

from typing import Any, Unpack, overload

import pulumi

from ...dynamic import DynamicProvider, ReadableResource, collect_props
from .args import EnvironmentArgs, EnvironmentArgsDict
from .check import INPUT_KEYS, OUTPUT_KEYS
from .lifecycle import EnvironmentLifecycle

__all__ = ["Environment", "EnvironmentProvider"]


class EnvironmentProvider(DynamicProvider):
    """Pickled into state by reference as ``pulumi_qoder.environment.EnvironmentProvider``: keep
    that path (an alias module) and this name, or existing stacks can no longer be read."""

    __module__ = "pulumi_qoder.environment"
    lifecycle = EnvironmentLifecycle


class _EnvironmentOutputs:
    """The types of a ``Environment``'s outputs (see the note at the top of this module)."""

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


class Environment(ReadableResource, _EnvironmentOutputs, module="qoder", name="Environment"):
    """A Qoder cloud environment. Destroying it archives it."""

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
        self._register(EnvironmentProvider(), resource_name, props, opts)
