"""Check failures: each names the property path and the rule it broke."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["CheckFailure", "Failures"]


@dataclass(frozen=True)
class CheckFailure:
    """One failed rule. ``reason`` starts with the path: ``schedule.expression: ...``."""

    property: str
    reason: str


class Failures:
    """Check failures collected while validating, each naming the property path and the rule."""

    def __init__(self) -> None:
        self.items: list[CheckFailure] = []

    def add(self, path: str, reason: str) -> None:
        self.items.append(CheckFailure(path, f"{path}: {reason}"))

    def __bool__(self) -> bool:
        return bool(self.items)

    def __iter__(self) -> Iterator[CheckFailure]:
        return iter(self.items)
