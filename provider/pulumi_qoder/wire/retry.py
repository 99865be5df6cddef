"""What both wire clients share and neither SDK provides: the retry policy, which answers are
retried, and which SDK keyword arguments are body fields. No SDK is imported here, so the CMA
client (on ``anthropic``) does not load ``qca-sdk`` and the Qoder client does not load
``anthropic``."""

from __future__ import annotations

import inspect
import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

__all__ = ["RETRY_STATUSES", "SAFE_ACTIONS", "RetryPolicy", "body_params"]

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504, 529})
# Object actions whose repeat is harmless (409: already done), so they may be retried.
SAFE_ACTIONS = frozenset({"archive", "pause", "unpause"})
# The SDKs' keyword arguments that are not body fields.
_NOT_BODY = frozenset(
    {"self", "workspace_id", "betas", "extra_headers", "extra_query", "extra_body", "timeout"}
)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry. Delays are full-jitter: uniform(0, min(cap, base * 2**n))."""

    max_attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 30.0

    def delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_retry_after)
        return random.uniform(0, min(self.max_delay, self.base_delay * 2**attempt))


@cache
def body_params(method: Callable[..., Any]) -> frozenset[str]:
    """The body fields the SDK method takes as typed keyword arguments."""
    return frozenset(inspect.signature(method).parameters) - _NOT_BODY
