"""Engine property values (``PropertyValue``) as the core's plain data and back.

In: secrets are unwrapped (their top-level keys remembered), numbers become ints where integral,
and unknowns stay the engine's unknown marker (a string the core already understands). Out:
plain data becomes ``PropertyValue`` again, with the keys that must stay secret marked.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from pulumi.provider.experimental.property_value import Computed, PropertyValue

from ..core.values import UNKNOWN

__all__ = ["from_engine", "secret_keys", "to_engine", "unknown"]


def unknown() -> PropertyValue:
    """A value not known until apply.

    SDK 3.272.0 cannot marshal ``PropertyValue.computed()`` (``marshal`` raises "Unsupported value
    type" during a create preview), so this returns the engine's unknown marker as a string, which
    the engine reads the same way. Remove when the SDK marshals ``Computed``
    (tests/engine/test_native_provider.py::test_sdk_computed_value_still_cannot_be_marshalled
    fails then)."""
    return PropertyValue(UNKNOWN)


def _plain(value: PropertyValue) -> Any:
    inner = value.value
    if isinstance(inner, Computed):
        return UNKNOWN
    if isinstance(inner, bool) or inner is None or isinstance(inner, str):
        return inner
    if isinstance(inner, float):
        return int(inner) if math.isfinite(inner) and inner.is_integer() else inner
    if isinstance(inner, Mapping):
        return {k: _plain(v) for k, v in inner.items()}
    if isinstance(inner, tuple | list):
        return [_plain(v) for v in inner]
    raise ValueError(
        f"unsupported property value {type(inner).__name__} (assets and resources are not used here)"
    )


def from_engine(props: Mapping[str, PropertyValue]) -> dict[str, Any]:
    """Engine properties as plain data (secrets unwrapped, integral numbers as ints)."""
    return {k: _plain(v) for k, v in props.items()}


def secret_keys(props: Mapping[str, PropertyValue]) -> set[str]:
    """The top-level keys holding a secret anywhere inside."""
    return {k for k, v in props.items() if v.contains_secret()}


def _value(value: Any) -> PropertyValue:
    if isinstance(value, PropertyValue):
        return value
    if value is None or isinstance(value, bool | str):
        return PropertyValue(value)
    if isinstance(value, int | float):
        return PropertyValue(float(value))
    if isinstance(value, Mapping):
        return PropertyValue({str(k): _value(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return PropertyValue([_value(v) for v in value])
    raise TypeError(f"cannot send a {type(value).__name__} to the engine")


def to_engine(values: Mapping[str, Any], secrets: Iterable[str] = ()) -> dict[str, PropertyValue]:
    """Plain data as engine properties; the top-level keys in ``secrets`` are marked secret."""
    marked = set(secrets)
    return {k: _value(v).with_secret(True) if k in marked else _value(v) for k, v in values.items()}
