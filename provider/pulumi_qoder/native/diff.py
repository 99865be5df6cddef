"""The property-level diff a native provider gives the engine: one entry per changed leaf path
(``schedule.expression``, ``initial_events[0].content``), each flagged as a replacement when it
lies on or under a path of the kind's ``replace_on_changes`` (decided here, not by the program).
Values are the core's plain canonical data, so equal spellings never diff."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pulumi.provider.experimental.provider import PropertyDiff, PropertyDiffKind

from ..core.values import contains_unknown

__all__ = ["detailed_diff"]

_MISSING = object()


def _changes(path: str, old: Any, new: Any, out: dict[str, str]) -> None:
    """Collect ``path -> add|delete|update`` for every leaf that differs."""
    if old is _MISSING:
        out[path] = "add"
    elif new is _MISSING:
        out[path] = "delete"
    elif contains_unknown(new):
        out[path] = "update"  # not known until apply: may change
    elif isinstance(old, Mapping) and isinstance(new, Mapping):
        for key in (*old, *(k for k in new if k not in old)):
            _changes(f"{path}.{key}", old.get(key, _MISSING), new.get(key, _MISSING), out)
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            _changes(f"{path}[{i}]", a, b, out)
    elif old != new:
        out[path] = "update"


def _replaces(path: str, replace_on_changes: Iterable[str]) -> bool:
    """On or under a replace path, or above one (the whole value changed, so it did too)."""
    return any(
        path == r or path.startswith((f"{r}.", f"{r}[")) or r.startswith((f"{path}.", f"{path}["))
        for r in replace_on_changes
    )


_KINDS = {
    ("add", False): PropertyDiffKind.ADD,
    ("add", True): PropertyDiffKind.ADD_REPLACE,
    ("delete", False): PropertyDiffKind.DELETE,
    ("delete", True): PropertyDiffKind.DELETE_REPLACE,
    ("update", False): PropertyDiffKind.UPDATE,
    ("update", True): PropertyDiffKind.UPDATE_REPLACE,
}


def detailed_diff(
    olds: Mapping[str, Any], news: Mapping[str, Any], replace_on_changes: Iterable[str] = ()
) -> dict[str, PropertyDiff]:
    """Old against new inputs (both canonical): the engine's detailed diff."""
    found: dict[str, str] = {}
    for key in (*olds, *(k for k in news if k not in olds)):
        _changes(key, olds.get(key, _MISSING), news.get(key, _MISSING), found)
    paths = tuple(replace_on_changes)
    return {
        path: PropertyDiff(_KINDS[change, _replaces(path, paths)], input_diff=True)
        for path, change in found.items()
    }
