"""Tests for bot.schedule.native_times: the times and durations a native file writes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.schedule.native_times import (
    WallTime,
    parse_duration,
    read_wall_time,
    session_end,
    wall_instant,
)
from bot.schedule.validation import Problems, Table

NEW_YORK = "America/New_York"


def _table(data: dict[str, Any]) -> tuple[Table, Problems]:
    problems = Problems("test.toml")
    return Table(data, 'session "s"', problems, tuple(data)), problems


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (90, timedelta(minutes=90)),
        ("1h45m", timedelta(hours=1, minutes=45)),
        ("2h", timedelta(hours=2)),
        ("90min", timedelta(minutes=90)),
        ("0m", "must be more than zero minutes"),
        (True, "is not a duration"),
        ("soon", "is not a duration"),
    ],
)
def test_parse_duration(value: object, expected: timedelta | str) -> None:
    """Minutes or "1h45m" are durations; anything else says why not."""
    found = parse_duration(value)
    if isinstance(expected, str):
        assert isinstance(found, str)
        assert expected in found
    else:
        assert found == expected


def test_a_wall_time_and_an_exact_instant() -> None:
    """A time without an offset is a wall time; with one, also an exact instant."""
    table, problems = _table({"start": "2021-11-07 01:30", "end": "2021-11-07 01:30-05:00"})
    start = read_wall_time(table, "start")
    end = read_wall_time(table, "end")
    assert start is not None
    assert (start.text, start.instant) == ("2021-11-07 01:30", None)
    assert start.wall.isoformat(sep=" ", timespec="minutes") == "2021-11-07 01:30"
    assert start.wall.tzinfo is None
    assert end is not None
    assert end.instant == datetime(2021, 11, 7, 6, 30, tzinfo=UTC)
    assert not problems


def test_an_end_of_a_time_of_day_is_on_the_start_day() -> None:
    """end = "17:45" means 17:45 on the start's day."""
    table, problems = _table({"start": "2021-02-24 16:00", "end": "17:45"})
    start = read_wall_time(table, "start")
    end = read_wall_time(table, "end", start=start)
    assert end is not None
    assert end == WallTime("17:45", end.wall, None)
    assert end.wall.isoformat(sep=" ", timespec="minutes") == "2021-02-24 17:45"
    assert not problems


def test_a_fold_is_reported_with_both_offsets() -> None:
    """01:30 on the night clocks go back happens twice: the problem offers both offsets."""
    table, problems = _table({"start": "2021-11-07 01:30"})
    assert wall_instant(table, "start", read_wall_time(table, "start"), NEW_YORK) is None
    assert "-04:00" in problems.messages[0]
    assert "-05:00" in problems.messages[0]


def test_a_duration_is_elapsed_time() -> None:
    """A session across a DST change lasts what its duration says."""
    table, problems = _table({"start": "2021-11-07 00:30", "duration": "3h"})
    start = read_wall_time(table, "start")
    start_instant = wall_instant(table, "start", start, NEW_YORK)
    assert start_instant is not None
    assert session_end(table, start, start_instant, NEW_YORK) == start_instant + timedelta(hours=3)
    assert not problems


def test_end_and_duration_together_are_refused() -> None:
    """Only one of "end" and "duration" may be given."""
    table, problems = _table({"start": "2021-02-24 16:00", "end": "17:00", "duration": 60})
    start = read_wall_time(table, "start")
    assert (
        session_end(table, start, wall_instant(table, "start", start, NEW_YORK), NEW_YORK) is None
    )
    assert 'give either "end" or "duration", not both' in problems.messages[0]
