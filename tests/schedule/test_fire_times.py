"""`schedule.fire_times` answers from a per-minute cache; it must equal the exact computation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from qoder_cron import _fire_times_after_minute, fire_times

EXPRESSIONS = ["0 9 * * *", "*/7 * * * *", "30 1 * * *", "30 2 * * 0", "15 */3 1,15 * *", "* * * * *"]
ZONES = ["America/New_York", "Europe/Berlin", "Asia/Shanghai", "UTC", "Australia/Lord_Howe", "Asia/Kolkata"]
uncached = _fire_times_after_minute.__wrapped__


@settings(max_examples=300, deadline=None)
@given(
    expression=st.sampled_from(EXPRESSIONS),
    timezone=st.sampled_from(ZONES),
    seconds=st.integers(min_value=0, max_value=2 * 366 * 86400),
)
def test_cached_answer_equals_the_exact_one_for_any_instant(
    expression: str, timezone: str, seconds: int
) -> None:
    after = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds, microseconds=seconds % 7 * 1000)
    assert fire_times(expression, timezone, after) == list(uncached(expression, timezone, after, 5))


def test_within_one_minute_the_boundary_itself_is_excluded() -> None:
    nine = datetime(2026, 6, 15, 1, 0, tzinfo=UTC)  # 09:00 Asia/Shanghai
    assert fire_times("0 9 * * *", "Asia/Shanghai", nine - timedelta(seconds=1))[0] == nine
    for later in (nine, nine + timedelta(seconds=30)):
        assert fire_times("0 9 * * *", "Asia/Shanghai", later)[0] == nine + timedelta(days=1)
