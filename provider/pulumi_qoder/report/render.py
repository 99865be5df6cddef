"""A :class:`ScheduleReport` as terminal text or as Markdown for a pull-request comment."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

import qoder_cron as cron
from pulumi_qoder.report.analysis import (
    RUN_WINDOW,
    Action,
    Collision,
    DeploymentReview,
    Schedule,
    ScheduleReport,
    Side,
)

__all__ = ["MARKDOWN_MARKER", "render_markdown", "render_terminal"]

# The GitHub workflow finds its previous comment by this line and edits it instead of adding one.
MARKDOWN_MARKER = "<!-- pulumi-qoder:schedule-report -->"
_SYMBOL = {Action.CREATE: "+", Action.UPDATE: "~", Action.REPLACE: "+-", Action.ARCHIVE: "-"}
_COLOR = {Action.CREATE: "32", Action.UPDATE: "33", Action.REPLACE: "35", Action.ARCHIVE: "31"}
_LISTED_RUNS = 5  # gained/lost instants listed before "and N more"


def _local(instant: datetime, timezone: str) -> str:
    local = instant.astimezone(cron.zone(timezone))
    offset = local.strftime("%z")
    return f"{local:%a %Y-%m-%d %H:%M} {offset[:3]}:{offset[3:]}"


def _utc(instant: datetime) -> str:
    return f"{instant:%Y-%m-%d %H:%M} UTC"


def _days() -> str:
    return f"{RUN_WINDOW.days} days"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _timezone(side: Side | None) -> str:
    firing = side.firing if side is not None else None
    return firing.timezone if firing is not None else "UTC"


def _expression(side: Side | None) -> str:
    return side.schedule.expression if side is not None and isinstance(side.schedule, Schedule) else ""


def _run_counts(review: DeploymentReview) -> str:
    if review.before is None:
        return _plural(review.runs_after, "run")
    if review.after is None:
        return f"{_plural(review.runs_before, 'run')}, all lost"
    return (
        f"{_plural(review.runs_before, 'run')} -> {_plural(review.runs_after, 'run')} "
        f"(+{len(review.gained)} gained, -{len(review.lost)} lost)"
    )


def _listed(instants: Sequence[datetime], timezone: str) -> str:
    shown = [_local(i, timezone) for i in instants[:_LISTED_RUNS]]
    more = len(instants) - len(shown)
    return "; ".join(shown) + (f"; and {more} more" if more else "")


def _none(row: int) -> str:
    return "none" if row == 0 else ""


def _collision_text(collision: Collision) -> str:
    return (
        f"agent {collision.agent_id}: {', '.join(collision.deployments)} start in the same minute "
        f"{_plural(len(collision.minutes), 'time')} in the next {_days()}, "
        f"first at {_utc(collision.minutes[0])}"
    )


def _no_change_text(review: DeploymentReview) -> str:
    changed = f" (changes {', '.join(review.changed)})" if review.changed else ""
    return f"no schedule change{changed}"


# --- terminal -------------------------------------------------------------------------------


def _paint(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color else text


def _terminal_runs(review: DeploymentReview) -> list[str]:
    columns = [
        (title, runs, _timezone(side))
        for title, runs, side in (
            ("before", review.next_before, review.before),
            ("after", review.next_after, review.after),
        )
        if side is not None
    ]
    width = 51
    header = "".join(f"{f'next runs {title}':<{width}}" for title, _, _ in columns).rstrip()
    lines = [f"    {header}"]
    for row in range(max((len(runs) for _, runs, _ in columns), default=0)):
        cells = [
            f"{_local(runs[row], tz) + '  ' + _utc(runs[row]) if row < len(runs) else _none(row):<{width}}"
            for _, runs, tz in columns
        ]
        lines.append(("      " + "".join(cells)).rstrip())
    if len(lines) == 1:
        lines[0] += "  (none)"
    return lines


def _terminal_review(review: DeploymentReview, color: bool) -> list[str]:
    title = f"{_SYMBOL[review.action]} {review.action.value} {review.name}"
    if not review.touches_schedule:
        return [f"{_paint(title, _COLOR[review.action], color)}: {_no_change_text(review)}"]
    lines = [_paint(title, _COLOR[review.action], color)]
    for label, side in (("before", review.before), ("after", review.after)):
        if side is not None:
            cron_text = f"   [{_expression(side)}]" if _expression(side) else ""
            lines.append(f"    {label:<7}{side.words}{cron_text}")
    lines.extend(_terminal_runs(review))
    lines.append(f"    next {_days()}: {_run_counts(review)}")
    if review.gained and review.before is not None:
        lines.append(_paint(f"      gained: {_listed(review.gained, _timezone(review.after))}", "32", color))
    if review.lost and review.after is not None:
        lines.append(_paint(f"      lost:   {_listed(review.lost, _timezone(review.before))}", "31", color))
    lines.extend(_paint(f"    ! {w.message}", "33", color) for w in review.warnings)
    return lines


def render_terminal(report: ScheduleReport, *, color: bool = False) -> str:
    lines = [
        _paint("Qoder schedule review", "1", color)
        + f" at {_utc(report.now)}; runs counted over the next {_days()}",
        "",
    ]
    if not report.reviews:
        lines.append("No Qoder deployment is created, changed or archived in this preview.")
    for review in report.reviews:
        lines.extend([*_terminal_review(review, color), ""])
    if report.collisions:
        lines.append("Same-minute runs of one agent:")
        lines.extend(_paint(f"    ! {_collision_text(c)}", "33", color) for c in report.collisions)
    lines.extend(_paint(f"! the preview reported an error: {e}", "31", color) for e in report.preview_errors)
    if report.unchanged_hidden:
        lines.append(
            "note: this preview omits unchanged resources; run `pulumi preview --json --show-sames` "
            "to check same-minute runs against them too"
        )
    lines.append(_plural(report.warning_count, "warning"))
    return "\n".join(lines).rstrip() + "\n"


# --- markdown -------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|#])")


def _md(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def _markdown_runs(review: DeploymentReview) -> list[str]:
    sides = [
        (t, runs, side)
        for t, runs, side in (
            ("before", review.next_before, review.before),
            ("after", review.next_after, review.after),
        )
        if side is not None
    ]
    rows = max((len(runs) for _, runs, _ in sides), default=0)
    if not rows:
        return ["No scheduled runs."]
    header = "| # | " + " | ".join(f"{t} ({_md(_timezone(side))}) | {t} (UTC)" for t, _, side in sides) + " |"
    lines = [header, "|---|" + "---|---|" * len(sides)]
    for row in range(rows):
        cells = []
        for _, runs, side in sides:
            if row < len(runs):
                cells += [_local(runs[row], _timezone(side)), _utc(runs[row])]
            else:
                cells += [_none(row), ""]
        lines.append(f"| {row + 1} | " + " | ".join(cells) + " |")
    return lines


def _markdown_review(review: DeploymentReview) -> list[str]:
    lines = [f"#### `{_SYMBOL[review.action]}` {review.action.value} `{_md(review.name)}`", ""]
    lines += ["| | schedule | cron |", "|---|---|---|"]
    for label, side in (("before", review.before), ("after", review.after)):
        if side is not None:
            expression = f"`{_expression(side)}`" if _expression(side) else ""
            lines.append(f"| {label} | {_md(side.words)} | {expression} |")
    lines += ["", f"**Next {_days()}:** {_run_counts(review)}", ""]
    lines += _markdown_runs(review)
    if review.warnings:
        lines.append("")
        lines += [f"- :warning: {_md(w.message)}" for w in review.warnings]
    if review.before is not None and review.after is not None and (review.gained or review.lost):
        lines += ["", f"<details><summary>Runs gained and lost in the next {_days()}</summary>", ""]
        if review.gained:
            lines.append(f"- gained: {_listed(review.gained, _timezone(review.after))}")
        if review.lost:
            lines.append(f"- lost: {_listed(review.lost, _timezone(review.before))}")
        lines += ["", "</details>"]
    return [*lines, ""]


def render_markdown(report: ScheduleReport) -> str:
    warnings = _plural(report.warning_count, "warning")
    lines = [
        MARKDOWN_MARKER,
        "### Qoder schedule review",
        "",
        f"Reviewed at {_utc(report.now)}, runs counted over the next {_days()}: "
        + (f"**:warning: {warnings}**" if report.warning_count else "no warnings"),
        "",
    ]
    if not report.reviews:
        lines += ["No Qoder deployment is created, changed or archived in this preview.", ""]
    unchanged = [r for r in report.reviews if not r.touches_schedule]
    for review in report.reviews:
        if review.touches_schedule:
            lines += _markdown_review(review)
    if unchanged:
        lines += [
            f"- `{_SYMBOL[r.action]}` {r.action.value} `{_md(r.name)}`: {_md(_no_change_text(r))}"
            for r in unchanged
        ]
        lines.append("")
    if report.collisions:
        lines += ["#### Same-minute runs of one agent", ""]
        lines += [f"- :warning: {_md(_collision_text(c))}" for c in report.collisions]
        lines.append("")
    lines += [f"- :x: the preview reported an error: {_md(e)}" for e in report.preview_errors]
    if report.unchanged_hidden:
        lines += [
            "_This preview omits unchanged resources; run `pulumi preview --json --show-sames` "
            "to check same-minute runs against them too._",
            "",
        ]
    return "\n".join(lines).rstrip() + "\n"
