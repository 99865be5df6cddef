"""What every Qoder object shares in its inputs and state: user ``metadata``, ``adopt_id``, the
rule against unknown keys, and the mapping helpers for both."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from . import validators as v
from .failures import Failures
from .values import JSON, is_unknown

__all__ = [
    "ADOPT_KEY",
    "MARKER_KEY",
    "METADATA_RULES",
    "check_adopt_id",
    "check_metadata",
    "check_metadata_and_adopt_id",
    "keep_adopt_id",
    "metadata_patch",
    "unexpected_keys",
    "user_metadata",
    "with_server_fields",
]

# User metadata limits of every object (section 4): 16 keys, key <= 64, value <= 512 characters.
METADATA_RULES = {"max_keys": 16, "max_key_len": 64, "max_value_len": 512}
# Input naming an existing object to take over at create. Why not ``ResourceOptions(import_=)``:
# the engine's import step calls Read without any properties, and the dynamic provider server
# cannot even find the provider then (KeyError '__provider', pulumi/pulumi#16175; proven by
# tests/engine/test_resources_engine.py).
ADOPT_KEY = "adopt_id"
# Metadata key marking a deployment with the resource key that created it, so that a re-run after
# a crash, with the program edited meanwhile, finds it (names are unique among live deployments).
MARKER_KEY = "pulumi_qoder_resource"


def check_metadata(f: Failures, value: Any) -> Any:
    """Validate user metadata; returns the canonical value (``None`` when empty or absent)."""
    if value is None:
        return None
    reserved = {"cas_config": "is reserved for deployment execution settings"}
    if not v.string_map(f, "metadata", value, reserved=reserved, **METADATA_RULES):
        return value
    return value if is_unknown(value) or value else None


def check_adopt_id(f: Failures, news: Mapping[str, Any], prefix: str) -> str | None:
    """The optional ``adopt_id``: an id of the kind this resource manages."""
    value = news.get(ADOPT_KEY)
    if value is None:
        return None
    v.id_with_prefix(f, ADOPT_KEY, value, prefix)
    return str(value)


def check_metadata_and_adopt_id(
    f: Failures, news: Mapping[str, Any], out: dict[str, Any], prefix: str
) -> None:
    """The two inputs every object has, checked into ``out`` (left out when not set)."""
    metadata = check_metadata(f, news.get("metadata"))
    if metadata is not None:
        out["metadata"] = metadata
    adopt_id = check_adopt_id(f, news, prefix)
    if adopt_id is not None:
        out[ADOPT_KEY] = adopt_id


def unexpected_keys(
    f: Failures, news: Mapping[str, Any], input_keys: tuple[str, ...], outputs: Iterable[str]
) -> None:
    """Fail on outputs set as inputs and on keys the resource does not have."""
    output_set = set(outputs)
    for key in news:
        if key in output_set:
            f.add(key, "is an output and cannot be set")
        elif key not in input_keys:
            f.add(key, f"is not a property of this resource (expected one of {', '.join(input_keys)})")


def with_server_fields(
    obj: Mapping[str, Any], inputs: Mapping[str, Any], keys: Iterable[str]
) -> dict[str, Any]:
    """Full outputs: the inputs as the server has them, plus the server-managed ``keys``."""
    outs = dict(inputs)
    outs.update({k: obj.get(k) for k in keys})
    return outs


def keep_adopt_id(inputs: dict[str, Any], prior: Mapping[str, Any]) -> dict[str, Any]:
    """``inputs`` with the prior ``adopt_id`` kept: the server knows nothing of it, and dropping it
    on refresh would make the next preview show it as a change."""
    if prior.get(ADOPT_KEY):
        inputs[ADOPT_KEY] = prior[ADOPT_KEY]
    return inputs


def metadata_patch(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> JSON:
    """The key-level metadata patch turning ``old`` into ``new``: removed keys as ``null``."""
    old, new = old or {}, new or {}
    patch: JSON = {k: None for k in old if k not in new}
    patch.update({k: x for k, x in new.items() if old.get(k) != x})
    return patch


def user_metadata(server: Mapping[str, Any]) -> dict[str, str] | None:
    """Server metadata minus ``cas_config`` (a deployment-only key some responses may carry) and
    the provider's own marker."""
    meta = {k: x for k, x in (server.get("metadata") or {}).items() if k not in ("cas_config", MARKER_KEY)}
    return meta or None
