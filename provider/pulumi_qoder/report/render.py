"""A :class:`ScheduleReport` as terminal text or as Markdown for a pull-request comment.

Both start with a summary (one line per changed deployment: the change, runs a week before ->
after, warnings), then the warnings in full, then the detail. The Markdown form draws the week's
runs as a Mermaid chart and folds each deployment's detail into ``<details>``, so a long preview
still reads as one screen.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from datetime import datetime

import qoder_cron as cron
from pulumi_qoder.report.analysis import (
    RUN_WINDOW,
    Action,
    Collision,
    DeploymentReview,
    Schedule,
    ScheduleReport,
    ServicePause,
    Side,
)
from pulumi_qoder.report.chart import CHART_LEGEND, MAX_CHART_ROWS, gantt_lines

__all__ = ["MARKDOWN_MARKER", "render_markdown", "render_terminal"]

# The GitHub workflow finds its previous comment by this line and edits it instead of adding one.
MARKDOWN_MARKER = "<!-- pulumi-qoder:schedule-report -->"
_SYMBOL = {Action.CREATE: "+", Action.UPDATE: "~", Action.REPLACE: "+-", Action.ARCHIVE: "-"}
_COLOR = {Action.CREATE: "32", Action.UPDATE: "33", Action.REPLACE: "35", Action.ARCHIVE: "31"}
_LISTED_RUNS = 5  # moved/gained/lost instants listed before "and N more"
# Short names of warning kinds for the summary; the full sentence follows the summary.
_WARNING_LABELS = {
    "dst": "daylight saving",
    "runs-per-day": "busy day",
    "paused": "paused",
    "manual-only": "manual only",
    "archive": "irreversible",
    "invalid": "invalid schedule",
    "never-fires": "never fires",
    "same-minute": "same minute",
    "service-paused": "paused by the service",
}


# --- wording shared by both formats ------------------------------------------------------------


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


def _schedule_timezone(side: Side | None) -> str:
    """The timezone runs are shown in: the side's own, even while paused; UTC when it has none."""
    if side is not None and isinstance(side.schedule, Schedule):
        return side.schedule.timezone
    return "UTC"


def _expression(side: Side | None) -> str:
    return side.schedule.expression if side is not None and isinstance(side.schedule, Schedule) else ""


def _no_runs_reason(side: Side) -> str:
    if side.paused:
        return "paused"
    if side.service_pause is not None:
        return "paused by the service"
    if side.schedule is None:
        return "manual only"
    if not isinstance(side.schedule, Schedule):
        return side.words  # known only after apply, hidden (secret), invalid: ...
    return "never fires"


def _change(review: DeploymentReview, report: ScheduleReport, arrow: str) -> str:
    """What changes, in one line: the schedule in words before and after, or what else changed."""
    before, after = review.before, review.after
    if review.action is Action.CREATE and after is not None:
        return f"new: {after.words}"
    if review.action is Action.ARCHIVE and before is not None:
        return f"archived (was {before.words})"
    if before is None or after is None:
        return review.action.value
    prefix = "replaced: " if review.action is Action.REPLACE else ""
    if review.touches_schedule:
        return prefix + _words_pair(before, after, arrow)
    if review.agent_changed:
        old = report.agent_label(before.agent_id) if before.agent_id else "unknown"
        new = report.agent_label(after.agent_id) if after.agent_id else "known after apply"
        return f"{prefix}agent {old} {arrow} {new}; schedule unchanged"
    changed = f" (changes {', '.join(review.changed)})" if review.changed else ""
    return f"{prefix}no schedule change{changed}"


def _words_pair(before: Side, after: Side, arrow: str) -> str:
    b, a = before.schedule, after.schedule
    # One timezone said once: "at 09:00, every day -> at 10:00, Monday to Friday (Asia/Shanghai)".
    if isinstance(b, Schedule) and isinstance(a, Schedule) and b.timezone == a.timezone:
        if b == a:
            if before.paused != after.paused:
                return f"{before.words} {arrow} {'paused' if after.paused else 'resumed'}"
            return f"schedule unchanged: {after.words}"
        old = cron.describe(b.expression) + _pause_suffix(before)
        return f"{old} {arrow} {cron.describe(a.expression)}{_pause_suffix(after)} ({a.timezone})"
    return f"{before.words} {arrow} {after.words}"


def _pause_suffix(side: Side) -> str:
    if side.paused:
        return ", paused"
    return ", paused by the service" if side.service_pause is not None else ""


def _run_counts(review: DeploymentReview, arrow: str) -> str:
    """``7 -> 5 (5 moved, 2 lost)``: runs in the window, and how they differ."""
    parts = []
    if review.moved:
        parts.append(f"{len(review.moved)} moved")
    if review.gained and review.before is not None:
        parts.append(f"{len(review.gained)} gained")
    if review.lost and review.after is not None:
        parts.append(f"{len(review.lost)} lost")
    detail = f" ({', '.join(parts)})" if parts else ""
    return f"{review.runs_before} {arrow} {review.runs_after}{detail}"


def _listed(instants: Sequence[datetime], timezone: str) -> str:
    shown = [_local(i, timezone) for i in instants[:_LISTED_RUNS]]
    more = len(instants) - len(shown)
    return "; ".join(shown) + (f"; and {more} more" if more else "")


def _moved_listed(review: DeploymentReview, arrow: str) -> str:
    tz_before, tz_after = _schedule_timezone(review.before), _schedule_timezone(review.after)
    shown = []
    for old, new in review.moved[:_LISTED_RUNS]:
        old_text, new_local = _local(old, tz_before), new.astimezone(cron.zone(tz_after))
        same_day = new_local.date() == old.astimezone(cron.zone(tz_before)).date() and tz_before == tz_after
        shown.append(
            f"{old_text} {arrow} {new_local:%H:%M}"
            if same_day
            else f"{old_text} {arrow} {_local(new, tz_after)}"
        )
    more = len(review.moved) - len(shown)
    return "; ".join(shown) + (f"; and {more} more" if more else "")


def _collision_text(collision: Collision, report: ScheduleReport) -> str:
    return (
        f"agent {report.agent_label(collision.agent_id)}: {', '.join(collision.deployments)} start in the "
        f"same minute {_plural(len(collision.minutes), 'time')} in the next {_days()}, "
        f"first at {_utc(collision.minutes[0])}"
    )


def _pause_text(pause: ServicePause) -> str:
    return (
        f"paused by the service after a failed run ({pause.error_type}: {pause.cause}); "
        "it starts no scheduled runs until the cause is fixed and it is resumed"
    )


def _warning_labels(review: DeploymentReview, report: ScheduleReport) -> list[str]:
    kinds = [w.kind for w in review.warnings]
    if any(review.name in c.deployments for c in report.collisions):
        kinds.append("same-minute")
    if any(p.name == review.name for p in report.service_paused):
        kinds.append("service-paused")
    return [_WARNING_LABELS.get(kind, kind) for kind in dict.fromkeys(kinds)]


def _all_warnings(report: ScheduleReport) -> Iterable[tuple[str | None, str]]:
    """Every warning as (deployment or None, sentence), in report order."""
    for pause in report.service_paused:
        yield pause.name, _pause_text(pause)
    for review in report.reviews:
        for warning in review.warnings:
            yield review.name, warning.message
    for collision in report.collisions:
        yield None, _collision_text(collision, report)


def _headline(report: ScheduleReport) -> str:
    changed = sum(1 for r in report.reviews if r.touches_schedule)
    others = len(report.reviews) - changed
    parts = [f"{_plural(changed, 'deployment')} with schedule changes"]
    if others:
        parts.append(f"{others} other {'change' if others == 1 else 'changes'}")
    parts.append(_plural(report.warning_count, "warning"))
    return ", ".join(parts)


# --- terminal ----------------------------------------------------------------------------------


def _paint(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color else text


def _terminal_summary(report: ScheduleReport) -> list[str]:
    rows = [
        (
            f"{_SYMBOL[r.action]} {r.name}",
            _change(r, report, "->"),
            _run_counts(r, "->"),
            ", ".join(_warning_labels(r, report)),
        )
        for r in report.reviews
    ]
    header = ("DEPLOYMENT", "CHANGE", f"RUNS/{RUN_WINDOW.days}D", "WARNINGS")
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(4)]
    return [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in (header, *rows)
    ]


def _terminal_runs(review: DeploymentReview) -> list[str]:
    """The next runs before and after side by side, local time and UTC (UTC once when local is UTC)."""
    columns: list[tuple[str, list[str]]] = []
    for title, runs, side in (
        ("before", review.next_before, review.before),
        ("after", review.next_after, review.after),
    ):
        if side is None:
            continue
        tz = _schedule_timezone(side)
        cells = [_local(i, tz) + (f"  {_utc(i)}" if tz != "UTC" else "") for i in runs]
        columns.append((f"next runs {title}", cells or [f"none ({_no_runs_reason(side)})"]))
    width = max(len(text) for title, cells in columns for text in (title, *cells)) + 3
    lines = ["      " + "".join(f"{title:<{width}}" for title, _ in columns).rstrip()]
    for row in range(max(len(cells) for _, cells in columns)):
        lines.append(
            (
                "      "
                + "".join(f"{cells[row] if row < len(cells) else '':<{width}}" for _, cells in columns)
            ).rstrip()
        )
    return lines


def _terminal_review(review: DeploymentReview, report: ScheduleReport, color: bool) -> list[str]:
    lines = [
        _paint(f"{_SYMBOL[review.action]} {review.action.value} {review.name}", _COLOR[review.action], color)
    ]
    for label, side in (("before", review.before), ("after", review.after)):
        if side is not None:
            cron_text = f"   [{_expression(side)}]" if _expression(side) else ""
            agent = f"   agent {report.agent_label(side.agent_id)}" if side.agent_id else ""
            lines.append(f"    {label:<7}{side.words}{cron_text}{agent}")
    lines.extend(_terminal_runs(review))
    lines.append(f"    runs in the next {_days()}: {_run_counts(review, '->')}")
    if review.moved:
        lines.append(f"      moved:  {_moved_listed(review, '->')}")
    if review.gained and review.before is not None:
        lines.append(
            _paint(f"      gained: {_listed(review.gained, _schedule_timezone(review.after))}", "32", color)
        )
    if review.lost and review.after is not None:
        lines.append(
            _paint(f"      lost:   {_listed(review.lost, _schedule_timezone(review.before))}", "31", color)
        )
    return lines


def render_terminal(report: ScheduleReport, *, color: bool = False) -> str:
    lines = [
        _paint("Qoder schedule review", "1", color)
        + f" at {_utc(report.now)}; runs counted over the next {_days()}",
        "",
    ]
    if report.preview_failed:
        lines.append(_paint("The preview failed:", "31", color))
        lines.extend(
            _paint(f"  {line}", "31", color) for e in report.preview_errors for line in e.splitlines()
        )
        if report.reviews:
            lines.append("Only the changes the engine planned before it stopped are reviewed below.")
        lines.append("")
    if not report.reviews and not report.preview_failed:
        lines += ["No Qoder deployment is created, changed or archived in this preview.", ""]
    if report.reviews:
        lines += [*_terminal_summary(report), ""]
    warnings = list(_all_warnings(report))
    if warnings:
        lines.append("Warnings:")
        lines.extend(
            _paint(f"  ! {f'{name}: ' if name else ''}{text}", "33", color) for name, text in warnings
        )
        lines.append("")
    for review in report.reviews:
        if review.touches_schedule:
            lines += [*_terminal_review(review, report, color), ""]
    if report.unchanged_hidden:
        lines.append(
            "note: this preview omits unchanged resources; run `pulumi preview --json --show-sames` "
            "to check same-minute runs against them too"
        )
    lines.append(_plural(report.warning_count, "warning"))
    return "\n".join(lines).rstrip() + "\n"


# --- markdown ----------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|#])")


def _md(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def _markdown_summary(report: ScheduleReport) -> list[str]:
    lines = [f"| deployment | change | runs in {_days()} | warnings |", "|---|---|---|---|"]
    for review in report.reviews:
        labels = _warning_labels(review, report)
        lines.append(
            f"| `{_SYMBOL[review.action]}` **{_md(review.name)}** | {_md(_change(review, report, '→'))} "
            f"| {_run_counts(review, '→')} | {':warning: ' + ', '.join(labels) if labels else ''} |"
        )
    return lines


def _markdown_runs(review: DeploymentReview) -> list[str]:
    """The next runs before and after side by side; one column per side without runs or in UTC."""
    columns: list[tuple[str, list[str]]] = []
    for title, runs, side in (
        ("before", review.next_before, review.before),
        ("after", review.next_after, review.after),
    ):
        if side is None:
            continue
        if not runs:
            columns.append((title, [f"none ({_no_runs_reason(side)})"]))
            continue
        tz = _schedule_timezone(side)
        columns.append((f"{title} ({_md(tz)})", [_local(i, tz) for i in runs]))
        if tz != "UTC":
            columns.append((f"{title} (UTC)", [_utc(i) for i in runs]))
    rows = max(len(cells) for _, cells in columns)
    lines = ["| | " + " | ".join(title for title, _ in columns) + " |", "|---|" + "---|" * len(columns)]
    for row in range(rows):
        cells = [cells[row] if row < len(cells) else "" for _, cells in columns]
        lines.append(f"| {row + 1} | " + " | ".join(cells) + " |")
    return lines


def _markdown_details(review: DeploymentReview, report: ScheduleReport) -> list[str]:
    title = f"<code>{html.escape(_SYMBOL[review.action])}</code> {review.action.value} <b>{html.escape(review.name)}</b>"
    lines = [f"<details><summary>{title}: next runs and what moves</summary>", ""]
    lines += ["| | schedule | cron | agent |", "|---|---|---|---|"]
    for label, side in (("before", review.before), ("after", review.after)):
        if side is not None:
            expression = f"`{_expression(side)}`" if _expression(side) else ""
            agent = _md(report.agent_label(side.agent_id)) if side.agent_id else "known after apply"
            lines.append(f"| {label} | {_md(side.words)} | {expression} | {agent} |")
    lines += ["", *_markdown_runs(review)]
    listed = []
    if review.moved:
        listed.append(f"- moved: {_moved_listed(review, '→')}")
    if review.gained and review.before is not None:
        listed.append(f"- gained: {_listed(review.gained, _schedule_timezone(review.after))}")
    if review.lost and review.after is not None:
        listed.append(f"- lost: {_listed(review.lost, _schedule_timezone(review.before))}")
    if listed:
        lines += ["", f"Runs in the next {_days()}:", "", *listed]
    return [*lines, "", "</details>", ""]


def render_markdown(report: ScheduleReport) -> str:
    lines = [MARKDOWN_MARKER, "### Qoder schedule review", ""]
    if report.preview_failed:
        lines += [":x: **The preview failed**, so this review is incomplete:", ""]
        for error in report.preview_errors:  # a program's traceback spans lines: quote every one
            lines += [f"> {_md(line)}".rstrip() for line in error.splitlines()] + [">"]
        lines[-1] = ""
    if not report.reviews:
        if not report.preview_failed:
            lines += ["No Qoder deployment is created, changed or archived in this preview.", ""]
    else:
        lines += [f"**{_headline(report)}**; runs counted over the {_days()} from {_utc(report.now)}.", ""]
        lines += [*_markdown_summary(report), ""]
    warnings = list(_all_warnings(report))
    if warnings:
        lines += [f"- :warning: {f'**{_md(name)}**: ' if name else ''}{_md(text)}" for name, text in warnings]
        lines.append("")
    chart = gantt_lines(report.reviews)
    if chart:
        lines += ["```mermaid", *chart, "```", "", CHART_LEGEND]
        charted = sum(1 for r in report.reviews if r.touches_schedule and (r.runs_before or r.runs_after))
        if charted > MAX_CHART_ROWS:
            lines[-1] += f" The first {MAX_CHART_ROWS} of {charted} deployments are drawn."
        lines.append("")
    for review in report.reviews:
        if review.touches_schedule:
            lines += _markdown_details(review, report)
    if report.unchanged_hidden:
        lines += [
            "_This preview omits unchanged resources; run `pulumi preview --json --show-sames` "
            "to check same-minute runs against them too._",
            "",
        ]
    return "\n".join(lines).rstrip() + "\n"
