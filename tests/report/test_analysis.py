"""The schedule review of a preview: what runs gained and lost, and what the reviewer is warned about."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from pulumi_qoder.report import analyze, parse_preview
from pulumi_qoder.report.analysis import Action, DeploymentReview, ScheduleReport
from tests.report.previews import UNKNOWN, digest, inputs, step

NOW = datetime(2025, 3, 1, tzinfo=UTC)  # a Saturday
FIXTURES = Path(__file__).parent / "fixtures"


def review_of(*steps: dict[str, object], now: datetime = NOW, **options: int) -> ScheduleReport:
    return analyze(parse_preview(digest(*steps)), now, **options)


def only(report: ScheduleReport) -> DeploymentReview:
    assert len(report.reviews) == 1
    return report.reviews[0]


def kinds(review: DeploymentReview) -> list[str]:
    return [w.kind for w in review.warnings]


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_captured_engine_preview_with_sames() -> None:
    # Captured from engine v3.274.1: one update, one manual-only create, one delete, one unchanged.
    report = analyze(parse_preview((FIXTURES / "engine-preview-show-sames.json").read_text()), NOW)
    by_name = {r.name: r for r in report.reviews}
    assert [(r.name, r.action) for r in report.reviews] == [
        ("triage", Action.UPDATE),
        ("fresh", Action.CREATE),
        ("old", Action.ARCHIVE),
    ]
    triage = by_name["triage"]
    assert triage.before is not None and triage.after is not None
    assert triage.before.words == "at 09:00, every day (Asia/Shanghai)"
    assert triage.after.words == "at 10:00, Monday to Friday (Asia/Shanghai)"
    # Weekdays move from 09:00 to 10:00; the weekend runs stop.
    assert (triage.runs_before, triage.runs_after) == (7, 5)
    assert (len(triage.moved), len(triage.gained), len(triage.lost)) == (5, 0, 2)
    assert by_name["fresh"].after is not None and by_name["fresh"].after.words == "manual only"
    assert by_name["old"].runs_before == 7 * 48 and kinds(by_name["old"]) == ["archive"]
    # "steady" is unchanged but fires at 10:00 Shanghai on weekdays with the same agent as "triage".
    [collision] = report.collisions
    assert (collision.agent_id, collision.deployments) == ("agt_1", ("steady", "triage"))
    assert collision.minutes == tuple(utc(2025, 3, day, 2) for day in range(3, 8))
    assert not report.unchanged_hidden


def test_captured_engine_preview_without_sames_says_collisions_may_be_missed() -> None:
    report = analyze(parse_preview((FIXTURES / "engine-preview.json").read_text()), NOW)
    assert report.collisions == ()
    assert report.unchanged_hidden


def test_weekday_change_loses_weekend_runs_and_moves_the_hour() -> None:
    old = inputs("triage", "0 9 * * *")
    review = only(review_of(step("update", "triage", old, inputs("triage", "0 10 * * 1-5"))))
    assert review.next_before == tuple(utc(2025, 3, day, 1) for day in range(1, 6))
    assert review.next_after == tuple(utc(2025, 3, day, 2) for day in range(3, 8))
    # Monday to Friday each run moves an hour later; Saturday and Sunday lose theirs.
    assert review.moved == tuple((utc(2025, 3, day, 1), utc(2025, 3, day, 2)) for day in range(3, 8))
    assert review.gained == ()
    assert review.lost == (utc(2025, 3, 1, 1), utc(2025, 3, 2, 1))
    assert review.kept == ()
    assert review.changed == ("schedule",)
    assert review.warnings == ()


def test_added_evening_run_is_only_gained() -> None:
    old, new = inputs("triage", "0 9 * * *"), inputs("triage", "0 9,21 * * *")
    review = only(review_of(step("update", "triage", old, new)))
    assert (review.runs_before, review.runs_after) == (7, 14)
    assert review.lost == ()
    assert review.gained == tuple(utc(2025, 3, day, 13) for day in range(1, 8))


def test_timezone_change_alone_moves_every_run() -> None:
    old = inputs("triage", "0 9 * * *", "Asia/Shanghai")
    new = inputs("triage", "0 9 * * *", "Europe/Berlin")
    review = only(review_of(step("update", "triage", old, new)))
    assert review.after is not None and review.after.words == "at 09:00, every day (Europe/Berlin)"
    assert review.next_after[0] == utc(2025, 3, 1, 8)  # CET is UTC+1 in March
    # The old "+7 gained, -7 lost" read as two changes; it is one: every run moves 7 hours later.
    assert review.moved == tuple((utc(2025, 3, day, 1), utc(2025, 3, day, 8)) for day in range(1, 8))
    assert (review.gained, review.lost, review.kept) == ((), (), ())


def test_runs_further_apart_than_a_day_are_not_a_move() -> None:
    # Weekly on Monday -> weekly on Thursday: one run stops and another starts, three days apart.
    old, new = inputs("weekly", "0 9 * * 1", "UTC"), inputs("weekly", "0 9 * * 4", "UTC")
    review = only(review_of(step("update", "weekly", old, new)))
    assert (review.moved, review.lost, review.gained) == ((), (utc(2025, 3, 3, 9),), (utc(2025, 3, 6, 9),))


def test_unchanged_runs_are_kept_and_only_the_extra_ones_move() -> None:
    # 09:00 daily -> 09:00 and 09:30 daily: the 09:00 runs stay, seven 09:30 runs are new.
    old, new = inputs("t", "0 9 * * *", "UTC"), inputs("t", "0,30 9 * * *", "UTC")
    review = only(review_of(step("update", "t", old, new)))
    assert review.kept == tuple(utc(2025, 3, day, 9) for day in range(1, 8))
    assert (review.moved, len(review.gained), review.lost) == ((), 7, ())


@pytest.mark.parametrize(
    ("expression", "timezone", "messages"),
    [
        (
            "30 2 * * *",
            "America/New_York",
            ["daylight saving: on Sun 2025-03-09 the 02:30 run (America/New_York) is skipped"],
        ),
        (
            "30 1 * * *",
            "America/New_York",
            ["daylight saving: on Sun 2025-11-02 the 01:30 run (America/New_York) fires twice"],
        ),
        (
            "30 2 * * *",
            "Europe/Berlin",
            [
                "daylight saving: on Sun 2025-03-30 the 02:30 run (Europe/Berlin) is skipped",
                "daylight saving: on Sun 2025-10-26 the 02:30 run (Europe/Berlin) fires twice",
            ],
        ),
        (
            "0,20,40 2 * * 0",
            "Europe/Berlin",
            [
                "daylight saving: on Sun 2025-03-30 the 02:00, 02:20, 02:40 runs (Europe/Berlin) are skipped",
                "daylight saving: on Sun 2025-10-26 the 02:00, 02:20, 02:40 runs (Europe/Berlin) fire twice",
            ],
        ),
        (
            "*/10 2 * * 0",
            "Europe/Berlin",
            [
                "daylight saving: on Sun 2025-03-30 the 6 runs from 02:00 to 02:50 (Europe/Berlin) are skipped",
                "daylight saving: on Sun 2025-10-26 the 6 runs from 02:00 to 02:50 (Europe/Berlin) fire twice",
            ],
        ),
        ("0 9 * * *", "Europe/Berlin", []),
        ("30 2 * * *", "Asia/Shanghai", []),
    ],
)
def test_dst_warnings_within_a_year(expression: str, timezone: str, messages: list[str]) -> None:
    review = only(review_of(step("create", "nightly", new=inputs("nightly", expression, timezone))))
    assert [w.message for w in review.warnings if w.kind == "dst"] == messages


def test_dst_warnings_are_for_the_coming_year_only() -> None:
    # After the 2025 fall-back, the next Berlin effect is the 2026 spring forward.
    review = only(
        review_of(
            step("create", "nightly", new=inputs("nightly", "30 2 * * *", "Europe/Berlin")),
            now=utc(2025, 11, 1),
        )
    )
    assert [w.message for w in review.warnings] == [
        "daylight saving: on Sun 2026-03-29 the 02:30 run (Europe/Berlin) is skipped",
        "daylight saving: on Sun 2026-10-25 the 02:30 run (Europe/Berlin) fires twice",
    ]


def test_more_runs_a_day_than_the_limit() -> None:
    create = step("create", "poller", new=inputs("poller", "*/30 * * * *", "UTC"))
    review = only(review_of(create))
    assert kinds(review) == ["runs-per-day"]
    assert "more than the limit of 24 a day" in review.warnings[0].message
    assert only(review_of(create, max_runs_per_day=48)).warnings == ()


def test_runs_a_day_counts_wall_clock_times_so_hourly_survives_fall_back() -> None:
    create = step("create", "hourly", new=inputs("hourly", "0 * * * *", "Europe/Berlin"))
    review = only(review_of(create, now=utc(2025, 10, 1)))
    assert "runs-per-day" not in kinds(review)
    assert "daylight saving: on Sun 2025-10-26 the 02:00 run (Europe/Berlin) fires twice" in [
        w.message for w in review.warnings
    ]


def test_busy_days_months_away_are_found() -> None:
    review = only(review_of(step("create", "advent", new=inputs("advent", "*/10 * * 12 *", "UTC"))))
    assert [w.message for w in review.warnings] == [
        "144 runs on Mon 2025-12-01 (UTC), more than the limit of 24 a day"
    ]
    assert review.runs_after == 0 and review.next_after[0] == utc(2025, 12, 1, 0, 0)


def test_switch_to_paused_loses_every_run() -> None:
    old = inputs("triage")
    new = inputs("triage", desired_status="paused")
    review = only(review_of(step("update", "triage", old, new)))
    assert review.touches_schedule
    assert review.after is not None and review.after.words == "at 09:00, every day (Asia/Shanghai), paused"
    assert (review.runs_after, len(review.lost), review.next_after) == (0, 7, ())
    assert kinds(review) == ["paused"]


def test_resuming_is_not_a_warning() -> None:
    old = inputs("triage", desired_status="paused")
    review = only(review_of(step("update", "triage", old, inputs("triage"))))
    assert (review.runs_before, review.runs_after, review.warnings) == (0, 7, ())


def test_switch_to_manual_only() -> None:
    review = only(review_of(step("update", "triage", inputs("triage"), inputs("triage", None))))
    assert review.after is not None and review.after.words == "manual only"
    assert kinds(review) == ["manual-only"]
    assert len(review.lost) == 7


def test_created_paused_is_flagged() -> None:
    review = only(review_of(step("create", "later", new=inputs("later", desired_status="paused"))))
    assert kinds(review) == ["paused"]


def test_change_that_touches_no_schedule() -> None:
    old = inputs("triage")
    new = inputs("triage", description="Triage new issues")
    review = only(review_of(step("update", "triage", old, new)))
    assert not review.touches_schedule
    assert review.changed == ("description",)
    assert (review.warnings, review.gained, review.lost) == ((), (), ())


def test_replacement_steps_are_merged_into_one_review() -> None:
    # `pulumi preview --json --show-replacement-steps` shows all three steps of one replacement.
    old, new = inputs("triage"), inputs("triage-v2", "0 10 * * *")
    report = review_of(
        step("create-replacement", "triage", old, new),
        step("replace", "triage", old, new),
        step("delete-replaced", "triage", old, None),
    )
    review = only(report)
    assert review.action is Action.REPLACE
    assert review.before is not None and review.before.words == "at 09:00, every day (Asia/Shanghai)"
    assert review.after is not None and review.after.words == "at 10:00, every day (Asia/Shanghai)"
    assert kinds(review) == ["archive"]


def test_values_only_known_after_apply_or_secret_are_tolerated() -> None:
    report = review_of(
        step("create", "a", new=inputs("a", agent=UNKNOWN)),
        step("create", "b", new=inputs("b", schedule=UNKNOWN)),
        step("create", "c", new=inputs("c", schedule="[secret]")),
        step("create", "d", new=inputs("d", schedule={"expression": UNKNOWN, "timezone": "UTC"})),
        step("create", "e", new=inputs("e", agent={"id": "agt_triage", "version": 3})),
    )
    words = {r.name: r.after.words for r in report.reviews if r.after is not None}
    assert words == {
        "a": "at 09:00, every day (Asia/Shanghai)",
        "b": "known only after apply",
        "c": "hidden (secret)",
        "d": "known only after apply",
        "e": "at 09:00, every day (Asia/Shanghai)",
    }
    # "a"'s agent is unknown, so only "e" could collide, and with nobody.
    assert report.collisions == ()


def test_invalid_or_never_firing_schedules_are_warned_about() -> None:
    report = review_of(
        step("create", "bad", new=inputs("bad", "0 9 L * *")),
        step("create", "never", new=inputs("never", "0 0 30 2 *")),
    )
    assert [kinds(r) for r in report.reviews] == [["invalid"], ["never-fires"]]


def test_same_minute_runs_of_one_agent() -> None:
    report = review_of(
        step("create", "new-triage", new=inputs("new-triage", "0 9 * * *", agent="agt_triage")),
        step("same", "triage", inputs("triage", "0 9 * * *"), inputs("triage", "0 9 * * *")),
        # Same minute in UTC, different local spelling: still a clash.
        step(
            "same",
            "tokyo",
            inputs("tokyo", "0 10 * * *", "Asia/Tokyo"),
            inputs("tokyo", "0 10 * * *", "Asia/Tokyo"),
        ),
        # Another agent at the same minute is fine.
        step("same", "other", inputs("other", agent="agt_docs"), inputs("other", agent="agt_docs")),
        # An old clash between untouched deployments is not news.
        step("same", "x", inputs("x", "0 3 * * *", agent="agt_x"), inputs("x", "0 3 * * *", agent="agt_x")),
        step("same", "y", inputs("y", "0 3 * * *", agent="agt_x"), inputs("y", "0 3 * * *", agent="agt_x")),
    )
    [collision] = report.collisions
    assert collision.agent_id == "agt_triage"
    assert collision.deployments == ("new-triage", "tokyo", "triage")
    assert collision.minutes == tuple(utc(2025, 3, day, 1) for day in range(1, 8))
    assert report.warning_count == 1


def test_archived_deployment_does_not_collide() -> None:
    report = review_of(
        step("delete", "old", inputs("old"), None),
        step("update", "triage", inputs("triage", "0 8 * * *"), inputs("triage", "0 9 * * *")),
    )
    assert report.collisions == ()


def test_other_resource_types_are_ignored() -> None:
    report = review_of(
        step("create", "agent", new={"name": "agent"}, type_="pulumi-python:dynamic/qoder:Agent")
    )
    assert report.reviews == ()


def test_preview_errors_are_carried_without_the_engines_prefix() -> None:
    document = parse_preview(
        '{"steps": [], "diagnostics": [{"message": "error: boom\\n", "severity": "error"},'
        '{"message": "error: error: twice", "severity": "error"},'
        '{"message": "hi", "severity": "info"}]}'
    )
    report = analyze(document, NOW)
    assert report.preview_errors == ("boom", "twice")
    assert report.preview_failed


def test_captured_failed_preview() -> None:
    # Captured from engine v3.274.1: check rejected a cron; every step reads "same", nothing is planned.
    report = analyze(parse_preview((FIXTURES / "engine-preview-failed.json").read_text()), NOW)
    assert report.preview_failed and report.reviews == ()
    assert report.preview_errors[0].startswith(
        "pulumi-python:dynamic/qoder:Deployment resource 'triage' has a problem: schedule.expression:"
    )


def _error_paused(name: str, error: object, description: str | None = None) -> dict[str, Any]:
    """A `same` step of a deployment whose state (from refresh) records an automatic pause."""
    new = inputs(name) if description is None else inputs(name, description=description)
    entry = step("same", name, inputs(name), new)
    entry["oldState"]["outputs"].update(status="paused", paused_reason={"type": "error", "error": error})
    return entry


def test_deployments_paused_by_the_service_are_listed_and_do_not_run() -> None:
    # Refresh turns a manual pause into the intent desired_status="paused"; the program agrees.
    held = inputs("held", desired_status="paused")
    manual = step("same", "held", held, held)
    manual["oldState"]["outputs"].update(status="paused", paused_reason={"type": "manual"})
    report = review_of(
        _error_paused("nightly", {"type": "agent_archived_error"}),
        _error_paused("flaky", {}),
        manual,
        # Same agent and minute as "nightly", which does not run while paused: no clash.
        step("create", "twin", new=inputs("twin")),
    )
    assert [(p.name, p.error_type, p.cause) for p in report.service_paused] == [
        ("nightly", "agent_archived_error", "its agent is archived"),
        ("flaky", "unknown_error", "its runs kept failing"),
    ]
    assert report.collisions == ()
    assert report.warning_count == 2  # one per automatic pause; a manual pause is the owner's choice


def test_an_update_of_a_deployment_paused_by_the_service_keeps_it_paused() -> None:
    entry = _error_paused("nightly", {"type": "environment_archived_error"}, description="new words")
    entry["op"] = "update"
    review = only(review_of(entry))
    assert review.before is not None and review.after is not None
    assert (
        review.before.words
        == "at 09:00, every day (Asia/Shanghai), paused by the service (environment_archived_error)"
    )
    assert (review.runs_before, review.runs_after, review.touches_schedule) == (0, 0, False)


def test_agents_of_the_stack_are_named() -> None:
    agent = step(
        "same",
        "reporter",
        {"name": "daily-reporter"},
        {"name": "daily-reporter"},
        type_="pulumi-python:dynamic/qoder:Agent",
    )
    for state in (agent["oldState"], agent["newState"]):
        state["id"] = state["outputs"]["id"] = "agt_triage"
    report = review_of(agent, step("create", "a", new=inputs("a")), step("create", "b", new=inputs("b")))
    assert report.agent_names == {"agt_triage": "daily-reporter"}
    assert report.agent_label("agt_triage") == "daily-reporter (agt_triage)"
    assert report.agent_label("agt_other") == "agt_other"


def test_now_must_be_aware() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        analyze(parse_preview(digest()), datetime(2025, 3, 1))
