"""Property values as plain data: the engine's unknown and secret markers, numbers.

The markers are the engine's wire constants (the same strings the Pulumi SDKs use), so the core
needs no Pulumi import: a front end hands over unknowns as :data:`UNKNOWN` and may leave secrets
wrapped as ``{SECRET_SIG_KEY: SECRET_SIG, "value": ...}``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

__all__ = [
    "JSON",
    "PROVIDER_KEY",
    "RESOURCE_KEY",
    "UNKNOWN",
    "contains_unknown",
    "is_unknown",
    "normalize_numbers",
    "plain_news",
    "unwrap_secrets",
]

JSON = dict[str, Any]
# A value not known yet (preview): the engine's computed-value sentinel.
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
# A secret on the wire: {SECRET_SIG_KEY: SECRET_SIG, "value": <plain value>}.
SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
# The dynamic front end's serialized provider, carried among the inputs.
PROVIDER_KEY = "__provider"
# Which declared resource this is (a hash of project, stack, type and name): a hidden input the
# front end sets, so that create's idempotency key is unique per declared resource.
RESOURCE_KEY = "__resource_key"


def is_unknown(value: Any) -> bool:
    """True for a value that is not known yet (preview)."""
    return isinstance(value, str) and value == UNKNOWN


def contains_unknown(value: Any) -> bool:
    """True when ``value`` or anything nested in it is unknown."""
    if is_unknown(value):
        return True
    if isinstance(value, Mapping):
        return any(contains_unknown(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(contains_unknown(v) for v in value)
    return False


def _is_secret(value: Any) -> bool:
    return isinstance(value, Mapping) and value.get(SECRET_SIG_KEY) == SECRET_SIG


def unwrap_secrets(value: Any) -> Any:
    """``value`` with every secret wrapper removed (the engine re-marks secrets by key)."""
    if _is_secret(value):
        value = value["value"]
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
    """New inputs as plain values: without the front end's hidden ``__*`` inputs (serialized
    provider, resource key), secrets unwrapped (the engine keeps secretness per key), numbers
    normalized."""
    plain: dict[str, Any] = normalize_numbers(
        unwrap_secrets({k: x for k, x in news.items() if not k.startswith("__")})
    )
    return plain
