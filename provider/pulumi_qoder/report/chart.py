"""The week's runs before and after a change as a Mermaid gantt chart, which GitHub draws in a comment.

One row per changed deployment (``displayMode: compact`` packs a section's tasks into one row
while they do not overlap). Each run is a short bar, coloured by Mermaid's task states, which keep
their hue in GitHub's light and dark themes: red (``crit``) a run that stops, blue (``active``) a
new run, grey (``done``) a run that stays. A one-run bar is a few pixels wide on a week's axis, too
narrow for text, and Mermaid would print a label beside it, over its neighbour; so it is labelled
with a zero-width space (the grammar needs some text). A deployment with more than
``_RUNS_PER_BAR_LIMIT`` bars in the window gets one bar per UTC day and kind instead, labelled
with its sign and count (``+48``), so a busy schedule stays readable.

Mermaid cannot show time zones: the chart is in UTC and says so. Task labels and section names
avoid ``:``, ``#`` and ``;``, which end a label or start a comment in Mermaid's gantt grammar.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta

from pulumi_qoder.report.analysis import RUN_WINDOW, DeploymentReview

__all__ = ["CHART_LEGEND", "MAX_CHART_ROWS", "gantt_lines"]

MAX_CHART_ROWS = 20
CHART_LEGEND = (
    "One row per deployment, in UTC: red, a run that stops; blue, a new run; grey, a run that stays. "
    "A labelled bar is one day's runs: `-48` stop, `+48` new, `=48` stay."
)
_BAR = timedelta(hours=1)  # a run has no length here; an hour is a bar one can see on a week's axis
_NO_LABEL = "\u200b"
_RUNS_PER_BAR_LIMIT = 3 * RUN_WINDOW.days  # beyond about three a day, bars merge per day
_KINDS = (("-", "crit, "), ("+", "active, "), ("=", "done, "))  # sign, Mermaid task tags
_UNSAFE = re.compile(r"[:#;\n\r]+")


def _when(instant: datetime) -> str:
    return f"{instant:%Y-%m-%d %H:%M}"


def _section(name: str) -> str:
    return _UNSAFE.sub(" ", name).strip() or "deployment"


def _runs_by_kind(review: DeploymentReview) -> dict[str, tuple[datetime, ...]]:
    before_only = (*review.lost, *(b for b, _ in review.moved))
    after_only = (*review.gained, *(a for _, a in review.moved))
    return {"-": tuple(sorted(before_only)), "+": tuple(sorted(after_only)), "=": review.kept}


def _bars(runs: Sequence[datetime], label: str, tags: str, per_day: bool) -> Iterable[str]:
    if not per_day:
        for instant in runs:
            yield f"    {_NO_LABEL} :{tags}{_when(instant)}, {_BAR.seconds // 60}m"
        return
    days: dict[date, list[datetime]] = defaultdict(list)
    for instant in runs:
        days[instant.date()].append(instant)
    for day, day_runs in days.items():
        # Ends by midnight: a bar into the next day would overlap that day's and take a second row.
        midnight = datetime.combine(day + timedelta(days=1), time(), tzinfo=day_runs[0].tzinfo)
        start, end = day_runs[0], min(day_runs[-1] + _BAR, midnight)
        yield f"    {label}{len(day_runs)} :{tags}{_when(start)}, {_when(end)}"


def gantt_lines(reviews: Sequence[DeploymentReview]) -> list[str]:
    """The chart's Mermaid source (without the code fence), or [] when no changed deployment runs."""
    charted = [r for r in reviews if r.touches_schedule and (r.runs_before or r.runs_after)]
    if not charted:
        return []
    lines = [
        "---",
        "displayMode: compact",
        "---",
        "gantt",
        f"    title Runs in the next {RUN_WINDOW.days} days (UTC)",
        "    dateFormat YYYY-MM-DD HH:mm",
        "    axisFormat %a %d",
        "    tickInterval 1day",
        "    todayMarker off",
    ]
    for review in charted[:MAX_CHART_ROWS]:
        lines.append(f"    section {_section(review.name)}")
        runs = _runs_by_kind(review)
        per_day = sum(len(r) for r in runs.values()) > _RUNS_PER_BAR_LIMIT
        for label, tags in _KINDS:
            lines.extend(_bars(runs[label], label, tags, per_day))
    return lines
