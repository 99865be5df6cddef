"""The API the emulator answers as: one row of a small table of differences.

Only Qoder is served today. Another flavor (issue 11: Claude Managed Agents) is another
``Flavor`` value: its id prefixes, API prefixes, and the few behaviours that differ (auth
headers, list caps, manual runs while paused) as fields read by the backends, not forks of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .prefixes import API_PREFIXES


@dataclass(frozen=True)
class Flavor:
    name: str
    api_prefixes: tuple[str, ...]
    id_prefixes: Mapping[str, str]  # object kind -> id prefix (decision #19)


QODER = Flavor(
    name="qoder",
    api_prefixes=API_PREFIXES,
    id_prefixes={
        "deployment": "dep",
        "run": "drun",
        "agent": "agent",
        "environment": "env",
        "vault": "vault",
        "credential": "vcred",
        "session": "sess",
        "turn": "turn",
    },
)
