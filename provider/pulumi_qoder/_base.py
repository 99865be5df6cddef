"""Generic machinery for Qoder dynamic resources: credentials, client access, check plumbing,
unknown-skipping, secret unwrapping, number normalisation, args-to-props and output seeding.

A resource is then a spec model (typed args dataclasses), a set of named validators and one
pure mapping function per direction, plus a subclass of ``_objects.ObjectProvider`` (the one
lifecycle, built on ``BaseProvider``) naming them.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping
from typing import Any

import pulumi
from pulumi.dynamic import CheckFailure, ConfigureRequest, ResourceProvider
from pulumi.output import Unknown
from pulumi.runtime import rpc

from .client import QoderClient, client_for
from .config import CONFIG_BASE_URL, CONFIG_TOKEN, Credentials, resolve_credentials

__all__ = [
    "BaseProvider",
    "Failures",
    "args_to_props",
    "contains_unknown",
    "is_unknown",
    "normalize_numbers",
    "plain_news",
    "seed_outputs",
    "unwrap_secrets",
]

PROVIDER_KEY = "__provider"


def is_unknown(value: Any) -> bool:
    """True for a value that is not known yet (preview): the SDK's sentinel string or ``Unknown``."""
    return isinstance(value, Unknown) or (isinstance(value, str) and value == rpc.UNKNOWN)


def contains_unknown(value: Any) -> bool:
    """True when ``value`` or anything nested in it is unknown."""
    if is_unknown(value):
        return True
    if isinstance(value, Mapping):
        return any(contains_unknown(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(contains_unknown(v) for v in value)
    return False


def unwrap_secrets(value: Any) -> Any:
    """``value`` with every RPC secret wrapper removed (the engine re-marks secrets by key)."""
    value = rpc.unwrap_rpc_secret(value)
    if isinstance(value, Mapping):
        return {k: unwrap_secrets(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [unwrap_secrets(v) for v in value]
    return value


def normalize_numbers(value: Any) -> Any:
    """Integral floats as ints: protobuf carries every number as a double (``2`` arrives as ``2.0``)."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, Mapping):
        return {k: normalize_numbers(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [normalize_numbers(v) for v in value]
    return value


def plain_news(news: Mapping[str, Any]) -> dict[str, Any]:
    """``check``'s new inputs as plain values: without the serialized provider, secrets
    unwrapped (the engine keeps secretness per key), numbers normalized."""
    plain: dict[str, Any] = normalize_numbers(
        unwrap_secrets({k: x for k, x in news.items() if k != PROVIDER_KEY})
    )
    return plain


def args_to_props(value: Any) -> Any:
    """Typed args (dataclasses) to plain property dicts, recursively; ``None`` fields are dropped.

    Outputs and other awaitables are left in place: the SDK resolves nested inputs itself.
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: args_to_props(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if getattr(value, f.name) is not None
        }
    if isinstance(value, Mapping):
        return {k: args_to_props(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [args_to_props(v) for v in value]
    return value


def seed_outputs(props: dict[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """Declare every output with ``None`` so none vanishes from the resource object."""
    for name in names:
        props.setdefault(name, None)
    return props


class Failures:
    """Check failures collected while validating, each naming the property path and the rule."""

    def __init__(self) -> None:
        self.items: list[CheckFailure] = []

    def add(self, path: str, reason: str) -> None:
        self.items.append(CheckFailure(path, f"{path}: {reason}"))

    def __bool__(self) -> bool:
        return bool(self.items)

    def __iter__(self) -> Any:
        return iter(self.items)


class BaseProvider(ResourceProvider):
    """Stateless provider base: credentials come from ``configure`` or the environment when a
    method runs, and are never part of the pickled instance (``__getstate__`` drops them)."""

    # The provider carries no secret, so the engine need not encrypt ``__provider`` in state.
    serialize_as_secret_always = False

    def configure(self, req: ConfigureRequest) -> None:
        # Keep only our keys; the engine hands dynamic providers the whole stack config.
        values = {key: req.config.get(key) for key in (CONFIG_TOKEN, CONFIG_BASE_URL)}
        self._config = {k: v for k, v in values.items() if v is not None}

    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        pass

    def credentials(self) -> Credentials:
        return resolve_credentials(getattr(self, "_config", None))

    def client(self) -> QoderClient:
        return client_for(self.credentials())


def secret_if(value: Any, condition: bool) -> Any:
    """``value`` as a secret Output when ``condition`` holds, else unchanged."""
    return pulumi.Output.secret(value) if condition else value
