"""The ``Environment`` dynamic resource and its provider (the dynamic front end over
:class:`EnvironmentLifecycle`)."""

# Output types on a base class, evaluated annotations: why, in resources/__init__.py.

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
    """The types of the outputs of ``Environment`` (see ``resources/__init__.py``)."""

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
