"""Print the demo stack's deployments as a short table (reads `pulumi stack output --json`).

Expects an output ``deployments``: a list of objects with ``name``, ``schedule_summary``,
``timezone``, ``upcoming_runs_at`` and ``status`` (what examples/daily-report exports).
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from zoneinfo import ZoneInfo


def _next_run(row: dict[str, object]) -> tuple[str, str]:
    runs = row.get("upcoming_runs_at") or []
    if not isinstance(runs, list) or not runs:
        return ("-", "-")
    instant = datetime.fromisoformat(str(runs[0]).replace("Z", "+00:00"))
    tz = str(row.get("timezone") or "UTC")
    local = instant.astimezone(ZoneInfo(tz))
    return (f"{local:%a %Y-%m-%d %H:%M} {tz}", f"{instant:%Y-%m-%d %H:%MZ}")


def main() -> int:
    outputs = json.load(sys.stdin)
    rows = outputs.get("deployments") or []
    table = [("DEPLOYMENT", "SCHEDULE", "NEXT RUN (LOCAL)", "NEXT RUN (UTC)", "STATUS")]
    for row in rows:
        local, utc = _next_run(row)
        table.append((str(row["name"]), str(row.get("schedule_summary")), local, utc, str(row.get("status"))))
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    print()
    for r in table:
        print("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
