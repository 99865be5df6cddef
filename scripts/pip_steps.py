"""Condense `pip install` output to one line per step, with the elapsed time (for `make venv`).

    pip install --progress-bar off ... | python3 scripts/pip_steps.py

A fresh install fetches about a hundred packages over minutes: one line each says that it moves;
requirements already satisfied are counted, not listed. Warnings and errors pass through as they
are. Standard library only: it runs before the virtualenv has anything in it.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator

_STEPS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^Collecting (\S+)"), "collecting {0}"),
    (re.compile(r"^Obtaining (\S+)"), "building the editable install of {0}"),
    (re.compile(r"^\s*Building wheel for (\S+)"), "building {0}"),
    (re.compile(r"^Installing collected packages: (.*)"), "installing {n} packages"),
    (re.compile(r"^Successfully installed (.*)"), "installed {n} packages"),
)
_PASS_THROUGH = re.compile(r"^(ERROR|WARNING|error|warning)\b")


def steps(lines: Iterable[str], clock: Callable[[], float] = time.monotonic) -> Iterator[str]:
    start = clock()
    satisfied = 0
    for raw in lines:
        line = raw.rstrip("\n")
        now = clock()
        if line.startswith("Requirement already satisfied"):
            satisfied += 1
            continue
        if _PASS_THROUGH.match(line):
            yield line
            continue
        for pattern, template in _STEPS:
            if m := pattern.match(line):
                n = len(m.group(1).replace(",", " ").split())
                yield f"venv: [{now - start:4.0f}s] {template.format(m.group(1), n=n)}"
                break
    if satisfied:
        yield f"venv: {satisfied} requirements already satisfied"


def main() -> int:
    for line in steps(sys.stdin):
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
