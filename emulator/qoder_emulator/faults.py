"""Fault injection: which requests get a fault, decided per request from a JSON spec.

Spec (``PUT /_emulator/faults``; ``{}`` turns everything off)::

    {"seed": 7,
     "latency":           RULE + {"ms": 200} or {"min_ms": 50, "max_ms": 400},
     "rate_limit":        RULE + {"retry_after": 1},
     "server_error":      RULE + {"status": 500|502|503|504, "after_commit": false},
     "drop_after_commit": RULE,
     "stale_reads":       RULE + {"reads": 1}}

    RULE = {"probability": 0..1 (default 1), "count": N (fire at most N times; omit = unlimited),
            "methods": ["POST", ...] (default all), "path_regex": "/deployments$" (re.search on the path)}

Each kind takes one rule or a list of rules; the first matching rule that fires wins.
"""

from __future__ import annotations

import random
import re
import threading
from dataclasses import dataclass, field
from typing import Any

from .errors import invalid

KINDS = ("latency", "rate_limit", "server_error", "drop_after_commit", "stale_reads")
_PARAMS: dict[str, set[str]] = {
    "latency": {"ms", "min_ms", "max_ms"},
    "rate_limit": {"retry_after"},
    "server_error": {"status", "after_commit"},
    "drop_after_commit": set(),
    "stale_reads": {"reads"},
}
_RULE_KEYS = {"probability", "count", "methods", "path_regex"}
_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


@dataclass
class Rule:
    kind: str
    probability: float
    remaining: int | None
    methods: frozenset[str] | None
    path_regex: re.Pattern[str] | None
    params: dict[str, Any]
    fired: int = 0

    def matches(self, method: str, path: str) -> bool:
        if self.remaining is not None and self.remaining <= 0:
            return False
        if self.methods is not None and method not in self.methods:
            return False
        return self.path_regex is None or self.path_regex.search(path) is not None

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {"probability": self.probability, **self.params, "fired": self.fired}
        if self.remaining is not None:
            out["remaining"] = self.remaining
        if self.methods is not None:
            out["methods"] = sorted(self.methods)
        if self.path_regex is not None:
            out["path_regex"] = self.path_regex.pattern
        return out


@dataclass
class Plan:
    """What to do to one request."""

    latency_ms: float = 0.0
    rate_limit_retry_after: int | None = None
    error_status: int | None = None
    error_after_commit: bool = False
    drop_after_commit: bool = False

    @property
    def fault(self) -> str | None:
        if self.rate_limit_retry_after is not None:
            return "rate_limit"
        if self.error_status is not None:
            return "server_error_after_commit" if self.error_after_commit else "server_error"
        if self.drop_after_commit:
            return "drop_after_commit"
        return "latency" if self.latency_ms else None


def _number(value: Any, param: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise invalid(param, f"{param} must be a number between {low:g} and {high:g}.")
    return float(value)


def _int(value: Any, param: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise invalid(param, f"{param} must be an integer between {low} and {high}.")
    return value


def parse_rule(kind: str, spec: Any, param: str) -> Rule:
    if not isinstance(spec, dict):
        raise invalid(param, f"{param} must be an object.")
    for key in spec:
        if key not in _RULE_KEYS | _PARAMS[kind]:
            raise invalid(f"{param}.{key}", f"Unknown field: {param}.{key}")
    methods = spec.get("methods")
    if methods is not None and (not isinstance(methods, list) or any(m not in _METHODS for m in methods)):
        raise invalid(f"{param}.methods", f"{param}.methods must be a list of {', '.join(_METHODS)}.")
    pattern = spec.get("path_regex")
    try:
        regex = None if pattern is None else re.compile(str(pattern))
    except re.error as exc:
        raise invalid(f"{param}.path_regex", f"{param}.path_regex is not a valid regex: {exc}") from exc
    params: dict[str, Any] = {}
    if kind == "latency":
        if "ms" in spec:
            params["min_ms"] = params["max_ms"] = _number(spec["ms"], f"{param}.ms", 0, 60_000)
        else:
            params["min_ms"] = _number(spec.get("min_ms", 0), f"{param}.min_ms", 0, 60_000)
            params["max_ms"] = _number(
                spec.get("max_ms", params["min_ms"]), f"{param}.max_ms", params["min_ms"], 60_000
            )
    elif kind == "rate_limit":
        params["retry_after"] = _int(spec.get("retry_after", 1), f"{param}.retry_after", 0, 3600)
    elif kind == "server_error":
        status = spec.get("status", 500)
        if status not in (500, 502, 503, 504):
            raise invalid(f"{param}.status", f"{param}.status must be 500, 502, 503 or 504.")
        after_commit = spec.get("after_commit", False)
        if not isinstance(after_commit, bool):
            raise invalid(f"{param}.after_commit", f"{param}.after_commit must be a boolean.")
        params.update(status=status, after_commit=after_commit)
    elif kind == "stale_reads":
        params["reads"] = _int(spec.get("reads", 1), f"{param}.reads", 1, 1000)
    count = spec.get("count")
    return Rule(
        kind=kind,
        probability=_number(spec.get("probability", 1.0), f"{param}.probability", 0, 1),
        remaining=None if count is None else _int(count, f"{param}.count", 1, 1_000_000),
        methods=None if methods is None else frozenset(methods),
        path_regex=regex,
        params=params,
    )


@dataclass
class Faults:
    """Current rules plus armed stale reads. Thread-safe."""

    rules: dict[str, list[Rule]] = field(default_factory=dict)
    seed: int | None = None
    _rng: random.Random = field(default_factory=random.Random)
    _stale: dict[tuple[str, str], list[Any]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def configure(self, spec: Any) -> None:
        if not isinstance(spec, dict):
            raise invalid(None, "The fault spec must be a JSON object.")
        rules: dict[str, list[Rule]] = {}
        for kind, value in spec.items():
            if kind == "seed":
                continue
            if kind not in KINDS:
                raise invalid(kind, f"Unknown fault kind: {kind} (known: {', '.join(KINDS)}).")
            items = value if isinstance(value, list) else [value]
            rules[kind] = [
                parse_rule(kind, item, f"{kind}[{i}]" if isinstance(value, list) else kind)
                for i, item in enumerate(items)
            ]
        seed = spec.get("seed")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            raise invalid("seed", "seed must be an integer.")
        with self._lock:
            self.rules, self.seed = rules, seed
            self._rng = random.Random(seed)
            self._stale.clear()

    def describe(self) -> dict[str, Any]:
        with self._lock:
            out: dict[str, Any] = {kind: [r.describe() for r in rules] for kind, rules in self.rules.items()}
            if self.seed is not None:
                out["seed"] = self.seed
            out["armed_stale_reads"] = len(self._stale)
            return out

    def _fire(self, kind: str, method: str, path: str) -> Rule | None:
        for rule in self.rules.get(kind, ()):
            if rule.matches(method, path) and (
                rule.probability >= 1 or self._rng.random() < rule.probability
            ):
                if rule.remaining is not None:
                    rule.remaining -= 1
                rule.fired += 1
                return rule
        return None

    def plan(self, method: str, path: str) -> Plan:
        plan = Plan()
        if not self.rules:
            return plan
        with self._lock:
            if latency := self._fire("latency", method, path):
                plan.latency_ms = self._rng.uniform(latency.params["min_ms"], latency.params["max_ms"])
            if limited := self._fire("rate_limit", method, path):
                plan.rate_limit_retry_after = limited.params["retry_after"]
            elif error := self._fire("server_error", method, path):
                plan.error_status = error.params["status"]
                plan.error_after_commit = error.params["after_commit"]
            elif self._fire("drop_after_commit", method, path):
                plan.drop_after_commit = True
        return plan

    def arm_stale(self, method: str, path: str, writes: list[tuple[str, str, Any]]) -> bool:
        """After a successful write: maybe make the next GETs of the written objects stale."""
        if not writes or "stale_reads" not in self.rules:
            return False
        with self._lock:
            rule = self._fire("stale_reads", method, path)
            if rule is None:
                return False
            for account, object_id, previous in writes:
                key = (account, object_id)
                # Several writes in a row: readers keep seeing the oldest version.
                if key not in self._stale:
                    self._stale[key] = [previous, rule.params["reads"]]
            return True

    def stale_view(self, account: str, object_id: str) -> tuple[bool, Any]:
        """``(True, previous)`` when this GET must see the previous version (``None``: did not exist)."""
        if not self._stale:
            return False, None
        with self._lock:
            entry = self._stale.get((account, object_id))
            if entry is None:
                return False, None
            entry[1] -= 1
            if entry[1] <= 0:
                del self._stale[(account, object_id)]
            return True, entry[0]
