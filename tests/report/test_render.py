"""The Markdown report as GitHub shows it: rendered to HTML, its structure checked; the Mermaid chart's syntax."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path

from markdown_it import MarkdownIt

from pulumi_qoder.report import analyze, parse_preview
from pulumi_qoder.report.render import render_markdown, render_terminal
from tests.report.previews import digest, inputs, step

NOW = datetime(2025, 3, 1, tzinfo=UTC)  # a Saturday
FIXTURES = Path(__file__).parent / "fixtures"

SEVEN_CHANGES = digest(
    step("update", "triage", inputs("triage", "0 9 * * *"), inputs("triage", "0 10 * * 1-5")),
    step(
        "update",
        "berlin",
        inputs("berlin", "30 2 * * *", "UTC"),
        inputs("berlin", "30 2 * * *", "Europe/Berlin"),
    ),
    step("create", "poller", new=inputs("poller", "*/30 * * * *", "UTC", agent="agt_poll")),
    step("update", "hold", inputs("hold"), inputs("hold", desired_status="paused")),
    step("update", "manual", inputs("manual", agent="agt_m"), inputs("manual", None, agent="agt_m")),
    step("delete", "old", inputs("old", "0 12 * * *"), None),
    step(
        "update",
        "docs",
        inputs("docs", agent="agt_docs"),
        inputs("docs", agent="agt_docs", description="Docs"),
    ),
)


def markdown_of(document: str) -> str:
    return render_markdown(analyze(parse_preview(document), NOW))


# --- HTML as GitHub renders the comment ---------------------------------------------------------


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None]
    text: str = ""
    children: list[Element] = field(default_factory=list)


class _Tree(HTMLParser):
    """Enough of a DOM to see what is on top, what is folded, and in which order."""

    VOID = frozenset({"br", "hr", "img", "input", "meta"})

    def __init__(self) -> None:
        super().__init__()
        self.root = Element("root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, dict(attrs))
        self.stack[-1].children.append(element)
        if tag not in self.VOID:
            self.stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        for element in self.stack[1:]:
            element.text += data


def html_tree(markdown: str) -> list[Element]:
    parser = _Tree()
    parser.feed(MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown))
    return parser.root.children


def cells(table: Element, row_tag: str) -> list[list[str]]:
    rows = [r for part in table.children for r in part.children if r.tag == "tr"]
    return [
        [c.text.strip() for c in r.children if c.tag == row_tag]
        for r in rows
        if any(c.tag == row_tag for c in r.children)
    ]


def test_summary_comes_first_then_warnings_and_chart_and_the_detail_is_folded() -> None:
    top = html_tree(markdown_of(SEVEN_CHANGES))
    tags = [e.tag for e in top]
    # Heading, one headline, the summary table: before anything else.
    assert tags[:3] == ["h3", "p", "table"]
    assert "7 days" in top[1].text
    summary = top[2]
    assert cells(summary, "th") == [["deployment", "change", "runs in 7 days", "warnings"]]
    rows = cells(summary, "td")
    assert [row[0] for row in rows] == [
        "~ triage",
        "~ berlin",
        "+ poller",
        "~ hold",
        "~ manual",
        "- old",
        "~ docs",
    ]
    by_name = {row[0].split()[-1]: row for row in rows}
    assert by_name["triage"][1:3] == [
        "at 09:00, every day → at 10:00, Monday to Friday (Asia/Shanghai)",
        "7 → 5 (5 moved, 2 lost)",
    ]
    assert by_name["berlin"][2] == "7 → 7 (7 moved)"
    assert by_name["hold"][1:] == [
        "at 09:00, every day (Asia/Shanghai) → paused",
        "7 → 0 (7 lost)",
        ":warning: paused",
    ]
    assert by_name["poller"][3] == ":warning: busy day"
    assert "daylight saving" in by_name["berlin"][3]

    # The warnings in full, then the chart, above every folded detail.
    chart = next(i for i, e in enumerate(top) if e.tag == "pre")
    assert top[chart].children[0].attrs["class"] == "language-mermaid"
    warnings = next(i for i, e in enumerate(top) if e.tag == "ul")
    folded = [i for i, e in enumerate(top) if e.tag == "details"]
    assert 2 < warnings < chart < min(folded)
    assert (
        "berlin: daylight saving: on Sun 2025-03-30 the 02:30 run (Europe/Berlin) is skipped"
        in top[warnings].text
    )

    # One collapsed <details> per deployment whose runs change; the "docs" edit has none.
    details = [top[i] for i in folded]
    assert all("open" not in d.attrs for d in details)
    summaries = [d.children[0].text for d in details]
    assert all(d.children[0].tag == "summary" for d in details)
    assert [s.split(":")[0] for s in summaries] == [
        "~ update triage",
        "~ update berlin",
        "+ create poller",
        "~ update hold",
        "~ update manual",
        "- archive old",
    ]
    assert not any("docs" in s for s in summaries)


def test_a_side_without_runs_gets_one_column_saying_why() -> None:
    top = html_tree(markdown_of(SEVEN_CHANGES))
    details = {d.children[0].text.split(":")[0].split()[-1]: d for d in top if d.tag == "details"}

    def runs_table(name: str) -> list[list[str]]:
        tables = [e for e in details[name].children if e.tag == "table"]
        return cells(tables[1], "th") + cells(tables[1], "td")

    hold = runs_table("hold")
    assert hold[0] == ["", "before (Asia/Shanghai)", "before (UTC)", "after"]
    assert hold[1][3] == "none (paused)"
    manual = runs_table("manual")
    assert manual[0][-1] == "after" and manual[1][-1] == "none (manual only)"
    # A UTC schedule is not shown twice.
    assert runs_table("poller")[0] == ["", "after (UTC)"]
    assert all("after (UTC) | after (UTC)" not in line for line in markdown_of(SEVEN_CHANGES).splitlines())


def test_the_moved_runs_are_listed_as_moves() -> None:
    markdown = markdown_of(SEVEN_CHANGES)
    assert "- moved: Mon 2025-03-03 09:00 +08:00 → 10:00; Tue 2025-03-04 09:00 +08:00 → 10:00;" in markdown
    assert "- moved: Sat 2025-03-01 02:30 +00:00 → Sat 2025-03-01 02:30 +01:00;" in markdown
    assert "gained, -" not in markdown and "+7 gained" not in markdown


# --- the Mermaid chart --------------------------------------------------------------------------

_DIRECTIVES = {
    "title": re.compile(r"title [^#;:\n]+"),
    "dateFormat": re.compile(r"dateFormat YYYY-MM-DD HH:mm"),
    "axisFormat": re.compile(r"axisFormat [%\w ]+"),
    "tickInterval": re.compile(r"tickInterval \d+(minute|hour|day|week|month)"),
    "todayMarker": re.compile(r"todayMarker off"),
}
_DATE = r"(\d{4}-\d\d-\d\d \d\d:\d\d)"
_TASK = re.compile(
    rf"(?P<label>[^:#;\n]+?) ?:(?P<tags>(?:(?:crit|active|done), )*){_DATE}, (?:(?P<minutes>\d+)m|{_DATE})"
)


@dataclass
class Gantt:
    sections: dict[str, list[tuple[str, str, datetime, datetime]]]  # name -> (label, tags, start, end)


def parse_gantt(source: str) -> Gantt:
    """Check the chart the way Mermaid's gantt grammar reads it; fail on anything it would reject."""
    lines = source.splitlines()
    assert lines[:3] == ["---", "displayMode: compact", "---"], (
        "compact mode is what makes one row per deployment"
    )
    assert lines[3] == "gantt"
    sections: dict[str, list[tuple[str, str, datetime, datetime]]] = {}
    current: list[tuple[str, str, datetime, datetime]] | None = None
    for line in lines[4:]:
        assert line.startswith("    ") and not line.startswith("     "), f"indentation: {line!r}"
        text = line.strip()
        keyword = text.split(" ", 1)[0]
        if keyword in _DIRECTIVES:
            assert current is None, f"{keyword} after the first section"
            assert _DIRECTIVES[keyword].fullmatch(text), f"bad directive: {text!r}"
        elif keyword == "section":
            name = text[len("section ") :]
            assert name and not re.search(r"[:#;]", name), f"bad section name {name!r}"
            current = sections.setdefault(name, [])
        else:
            match = _TASK.fullmatch(text)
            assert match and current is not None, f"not a task line Mermaid accepts: {text!r}"
            assert match["label"].strip(), "Mermaid rejects an empty task label"
            start = datetime.strptime(match[3], "%Y-%m-%d %H:%M").replace(tzinfo=UTC)
            end = (
                datetime.strptime(match[5], "%Y-%m-%d %H:%M").replace(tzinfo=UTC)
                if match[5]
                else start + timedelta(minutes=int(match["minutes"]))
            )
            assert start < end
            current.append((match["label"], match["tags"].rstrip(", "), start, end))
    assert sections and all(sections.values()), "every section needs a task"
    return Gantt(sections)


def chart_of(markdown: str) -> Gantt:
    blocks = re.findall(r"^```mermaid\n(.*?)^```$", markdown, re.S | re.M)
    assert len(blocks) == 1
    return parse_gantt(blocks[0])


def test_the_chart_has_one_row_per_deployment_whose_runs_change() -> None:
    gantt = chart_of(markdown_of(SEVEN_CHANGES))
    # "docs" changes no run and is left out; "manual" and "hold" lose all of theirs, drawn in red.
    assert list(gantt.sections) == ["triage", "berlin", "poller", "hold", "manual", "old"]
    triage = gantt.sections["triage"]
    stops = [start for _, tags, start, _ in triage if tags == "crit"]
    starts = [start for _, tags, start, _ in triage if tags == "active"]
    assert stops == [datetime(2025, 3, day, 1, tzinfo=UTC) for day in range(1, 8)]
    assert starts == [datetime(2025, 3, day, 2, tzinfo=UTC) for day in range(3, 8)]
    # In one row (compact mode): no two bars of a deployment overlap.
    for bars in gantt.sections.values():
        spans = sorted((start, end) for _, _, start, end in bars)
        assert all(a[1] <= b[0] for a, b in pairwise(spans))
    assert {tags for _, tags, _, _ in gantt.sections["hold"]} == {"crit"}


def test_a_busy_schedule_is_drawn_one_bar_a_day_with_its_count() -> None:
    gantt = chart_of(markdown_of(SEVEN_CHANGES))
    poller = gantt.sections["poller"]
    assert [label for label, *_ in poller][:2] == ["+47", "+48"]
    assert sum(int(label[1:]) for label, *_ in poller) == 336
    assert all(end.hour == 0 or start.date() == end.date() for _, _, start, end in poller)


def test_unchanged_runs_are_grey_and_the_chart_is_left_out_without_runs() -> None:
    both = digest(step("update", "t", inputs("t", "0 9 * * *", "UTC"), inputs("t", "0,30 9 * * *", "UTC")))
    [bars] = chart_of(markdown_of(both)).sections.values()
    assert sorted({tags for _, tags, _, _ in bars}) == ["active", "done"]
    only_words = digest(step("update", "d", inputs("d", None), inputs("d", None, description="x")))
    assert "```mermaid" not in markdown_of(only_words)


def test_odd_deployment_names_cannot_break_the_chart() -> None:
    odd = digest(step("create", "a:b#c;d", new=inputs("a:b#c;d", "0 9 * * *", "UTC")))
    assert list(chart_of(markdown_of(odd)).sections) == ["a b c d"]


# --- failures and pauses ------------------------------------------------------------------------


def test_a_failed_preview_says_so_first_and_never_that_nothing_changes() -> None:
    report = analyze(parse_preview((FIXTURES / "engine-preview-failed.json").read_text()), NOW)
    markdown = render_markdown(report)
    top = html_tree(markdown)
    assert [e.tag for e in top[:3]] == ["h3", "p", "blockquote"]
    assert "The preview failed" in top[1].text
    assert "schedule.expression" in top[2].text
    for text in (markdown, render_terminal(report)):
        assert "error: error:" not in text.lower()
        assert "No Qoder deployment" not in text
    assert render_terminal(report).splitlines()[2] == "The preview failed:"


def test_a_multi_line_preview_error_stays_inside_the_quote() -> None:
    document = (
        '{"steps": [], "diagnostics": [{"severity": "error", "message": '
        '"error: Program failed:\\nTraceback (most recent call last):\\n  File \\"x.py\\"\\nNameError: boom\\n"},'
        '{"severity": "error", "message": "error: second"}]}'
    )
    markdown = render_markdown(analyze(parse_preview(document), NOW))
    top = html_tree(markdown)
    assert [e.tag for e in top] == ["h3", "p", "blockquote"]
    assert "NameError: boom" in top[2].text and "second" in top[2].text
    terminal = render_terminal(analyze(parse_preview(document), NOW)).splitlines()
    assert terminal[2:7] == [
        "The preview failed:",
        "  Program failed:",
        "  Traceback (most recent call last):",
        '    File "x.py"',
        "  NameError: boom",
    ]


def test_deployments_paused_by_the_service_are_listed() -> None:
    entry = step("same", "nightly", inputs("nightly"), inputs("nightly"))
    entry["oldState"]["outputs"].update(
        status="paused", paused_reason={"type": "error", "error": {"type": "agent_archived_error"}}
    )
    markdown = markdown_of(digest(entry))
    assert (
        "- :warning: **nightly**: paused by the service after a failed run (agent\\_archived\\_error: "
        "its agent is archived); it starts no scheduled runs until the cause is fixed and it is resumed"
    ) in markdown
    assert "1 warning" in render_terminal(analyze(parse_preview(digest(entry)), NOW))
