"""The schedule in words: what a reviewer reads in `preview --diff` and in the schedule report."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

import pytest

from qoder_cron import ScheduleError, describe, dst_effects

WORDING = [
    ("0 9 * * *", "at 09:00, every day"),
    ("0 10 * * 1-5", "at 10:00, Monday to Friday"),
    ("0 9 * * MON-FRI", "at 09:00, Monday to Friday"),
    ("30 9 * * 1-5", "at 09:30, Monday to Friday"),
    ("*/15 * * * *", "every 15 minutes"),
    ("* * * * *", "every minute"),
    ("0 * * * *", "every hour"),
    ("0 */2 * * *", "every 2 hours"),
    ("10,40 * * * *", "at 10 and 40 minutes past the hour"),
    ("*/5 9-17 * * *", "every 5 minutes, between 09:00 and 17:59, every day"),
    ("0 9-17 * * 1-5", "on the hour, between 09:00 and 17:59, Monday to Friday"),
    ("0 9,21 * * *", "at 09:00 and 21:00, every day"),
    # Day-of-week 0 and 7 are both Sunday; names are case-insensitive.
    ("0 0 * * 0", "at 00:00, only on Sunday"),
    ("0 0 * * 7", "at 00:00, only on Sunday"),
    ("0 0 * * 7-7", "at 00:00, only on Sunday"),
    ("5 4 * * sun", "at 04:05, only on Sunday"),
    ("0 9 * * 5-7", "at 09:00, Friday to Sunday"),
    ("0 9 * * 0-6", "at 09:00, every day"),
    ("0 9 * * 1-7", "at 09:00, every day"),
    ("0 9 * * */2", "at 09:00, only on Sunday, Tuesday, Thursday, and Saturday"),
    ("0 9 * * 1-5/2", "at 09:00, only on Monday, Wednesday, and Friday"),
    ("0 12 * * 1,3,5", "at 12:00, only on Monday, Wednesday, and Friday"),
    ("0 9 1,15 * *", "at 09:00, on day 1 and 15 of the month"),
    ("0 9 * JAN,JUL *", "at 09:00, only in January and July"),
    ("0 0,12 1 */2 *", "at 00:00 and 12:00, on day 1 of the month, every 2 months"),
    # Day-of-month and day-of-week both restricted: cron fires when either matches.
    ("0 9 1-7 * 1", "at 09:00, between day 1 and 7 of the month, or on Monday"),
]


@pytest.mark.parametrize(("expression", "words"), WORDING)
def test_wording(expression: str, words: str) -> None:
    assert describe(expression) == words


def test_timezone_is_named_and_whitespace_does_not_matter() -> None:
    assert describe("0  9 * *\t*", "Asia/Shanghai") == "at 09:00, every day (Asia/Shanghai)"


def test_wording_does_not_follow_the_process_locale() -> None:
    # A German CI runner must not produce "Um 09:00, Monday bis Friday": that would be a diff. The
    # locale is faked because the machine may not have de_DE installed.
    code = (
        "import locale; locale.getlocale = lambda *args: ('de_DE', 'UTF-8');"
        "from qoder_cron import describe; print(describe('0 9 * * 1-5'))"
    )
    out = subprocess.run(
        [sys.executable, "-W", "error", "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "at 09:00, Monday to Friday"


def test_invalid_expression_is_a_schedule_error() -> None:
    with pytest.raises(ScheduleError, match="not allowed"):
        describe("0 9 L * *")


def _year(start: int) -> tuple[datetime, datetime]:
    return datetime(start, 1, 1, tzinfo=UTC), datetime(start + 1, 1, 1, tzinfo=UTC)


def test_new_york_spring_forward_skips_and_fall_back_doubles() -> None:
    effects = dst_effects("30 1,2 * * *", "America/New_York", *_year(2025))
    assert [(e.local_time, e.kind) for e in effects] == [
        (datetime(2025, 3, 9, 2, 30), "skipped"),
        (datetime(2025, 11, 2, 1, 30), "doubled"),
    ]
    assert effects[0].instants == ()
    assert effects[1].instants == (
        datetime(2025, 11, 2, 5, 30, tzinfo=UTC),
        datetime(2025, 11, 2, 6, 30, tzinfo=UTC),
    )


def test_berlin_changes_at_two_and_three_local() -> None:
    effects = dst_effects("30 2 * * *", "Europe/Berlin", *_year(2025))
    assert [(e.local_time, e.kind) for e in effects] == [
        (datetime(2025, 3, 30, 2, 30), "skipped"),
        (datetime(2025, 10, 26, 2, 30), "doubled"),
    ]


def test_no_dst_effects_outside_the_changing_hour_or_without_dst() -> None:
    assert dst_effects("0 9 * * *", "Europe/Berlin", *_year(2025)) == []
    assert dst_effects("30 2 * * *", "Asia/Shanghai", *_year(2025)) == []
    assert dst_effects("0 0 30 2 *", "Europe/Berlin", *_year(2025)) == []  # never fires at all


def test_weekly_schedule_only_hit_when_the_change_falls_on_its_day() -> None:
    # 2025-03-09 (New York spring forward) is a Sunday; Monday runs are untouched.
    assert dst_effects("30 2 * * 1", "America/New_York", *_year(2025)) == []
    assert len(dst_effects("30 2 * * 0", "America/New_York", *_year(2025))) == 1
