"""Loading the wire client ahead of the first API call, in a provider process that will call.

The first API call of a command pays for importing httpx and qca-sdk (about 0.5 s of CPU), and
it sits on the critical path: every create, read or delete of the command waits for it. The
engine tells a provider nothing about the command before that call, but a provider process is
the CLI's child, and the CLI's command line says it. Under ``up``, ``refresh``, ``destroy`` and
``import`` the client is imported in a background thread as soon as the provider is configured
(its first request),
overlapping the program's run, the checks and the diffs. Under ``preview`` (no call, unless an
``adopt_id`` is previewed) nothing is loaded ahead. Anywhere else (no ``/proc``, another parent,
a test process) nothing changes: the client loads on its first use, as it always did.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .errors import ConfigurationError
from .flavor import resolve_flavor

__all__ = ["calling_command", "start"]

# The CLI commands whose engine run calls providers' create/read/update/delete (``update`` is
# ``up``'s alias); ``preview`` and the rest decide "no".
CALLING_COMMANDS = frozenset({"up", "update", "refresh", "destroy", "import", "watch"})
OTHER_COMMANDS = frozenset({"preview", "pre", "stack", "state", "config", "cancel", "new", "install"})

_started = threading.Event()


def calling_command(argv: list[str]) -> bool:
    """Whether ``argv`` (a ``pulumi`` command line) runs a command that calls the API."""
    if not argv or Path(argv[0]).name not in ("pulumi", "pulumi.exe"):
        return False
    for arg in argv[1:]:
        if arg in CALLING_COMMANDS:
            return True
        if arg in OTHER_COMMANDS:
            return False
    return False


def _parent_argv() -> list[str]:
    try:
        raw = Path(f"/proc/{os.getppid()}/cmdline").read_bytes()
    except OSError:
        return []
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def _in_provider_process() -> bool:
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    return getattr(spec, "name", None) in ("pulumi.dynamic.__main__", "pulumi.dynamic")


def _load(flavor: str) -> None:
    try:
        if flavor == "cma":
            from . import cma  # noqa: F401  (the anthropic SDK only)
        else:
            from . import client  # noqa: F401
    except Exception:  # the first real use raises it again, where it is reported
        return


def start(config: Mapping[str, Any], *, provider_process: bool | None = None) -> None:
    """Start loading the client of the flavor ``config`` (``qoder:*`` keys, else the environment)
    selects, in the background, if this is a provider process of a command that calls the API
    (once per process; called from the providers' ``configure``, where the config is known).
    ``provider_process``: known by the caller (the native plugin), else detected (``python -m
    pulumi.dynamic``). A bad flavor loads nothing: the first call reports it."""
    if provider_process is None:
        provider_process = _in_provider_process()
    if _started.is_set() or not provider_process:
        return
    _started.set()
    try:
        flavor = resolve_flavor(config)[0]
    except ConfigurationError:
        return
    if calling_command(_parent_argv()):
        threading.Thread(target=_load, args=(flavor,), name="qoder-wire-warm", daemon=True).start()
