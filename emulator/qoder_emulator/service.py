"""The emulated service: shared state (storage, clock, faults, accounts, request log) and one
backend per kind of object. Routes only translate HTTP; backends return response JSON (via
``mapping``). Writes run inside one storage transaction, so a rejected request changes nothing.
"""

from __future__ import annotations

import hashlib
import threading
from collections import deque
from datetime import datetime
from typing import Any

from .backends.agents import Agents
from .backends.collection import (
    CURRENT_REQUEST,
    Account,
    CreatedRange,
    PageParams,
    RequestContext,
    page_params,
)
from .backends.deployments import Deployments
from .backends.environments import Environments
from .backends.runs import Runs
from .backends.vaults import Vaults
from .clocks import Clock, ManualClock, RealClock
from .faults import Faults
from .firing import Firing
from .flavor import Flavor, flavor_named
from .ids import new_id
from .settings import Settings
from .storage import Storage

__all__ = [
    "CURRENT_REQUEST",
    "Account",
    "CreatedRange",
    "Emulator",
    "PageParams",
    "RequestContext",
    "page_params",
]


class Emulator:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.flavor: Flavor = flavor_named(settings.flavor)
        self.storage = Storage(settings.db_path)
        self.clock: Clock = (
            ManualClock(settings.start) if settings.clock == "manual" else RealClock(settings.start)
        )
        self.faults = Faults()
        self.faults.configure(dict(settings.faults))
        self.accounts = {
            token: Account(
                i, hashlib.sha256(settings.same_account_as.get(token, token).encode()).hexdigest()[:24]
            )
            for i, token in enumerate(settings.tokens)
        }
        self.request_log: deque[dict[str, Any]] = deque(maxlen=settings.request_log_size)
        self.log_lock = threading.Lock()
        self.deployments = Deployments(self)
        self.runs = Runs(self)
        self.agents = Agents(self)
        self.environments = Environments(self)
        self.vaults = Vaults(self)
        self.firing = Firing(self)

    def close(self) -> None:
        self.storage.close()

    def now(self) -> datetime:
        return self.clock.now()

    def new_id(self, kind: str) -> str:
        """A new id for an object of ``kind``, with the flavor's prefix."""
        return new_id(self.flavor.id_prefixes[kind])

    def fire_due(self) -> int:
        return self.firing.fire_due()
