"""The demo's flags: --at and --speed, read strictly, refused in one line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from confbot_dev.demo.run import parse_at, parse_speed


def test_parse_at_reads_a_time_without_offset_as_utc() -> None:
    """--at without an offset is UTC."""
    assert parse_at("2021-02-24T13:45") == datetime(2021, 2, 24, 13, 45, tzinfo=UTC)


def test_parse_at_keeps_an_explicit_offset() -> None:
    """--at with an offset keeps it."""
    minus_five = timezone(timedelta(hours=-5))
    assert parse_at("2021-02-24T08:45-05:00") == datetime(2021, 2, 24, 8, 45, tzinfo=minus_five)


BAD_AT = [
    ("garbage", "is not an ISO date-time"),
    ("", "is not an ISO date-time"),
    ("2021-02-30T10:00", "is not an ISO date-time"),
    ("2021-02-24T10:00+25:00", "is not an ISO date-time"),
    ("0001-01-01T00:00", "outside the span the demo can show"),
    ("0001-01-01T00:00+05:00", "outside the span the demo can show"),
    ("9999-12-31T23:59", "outside the span the demo can show"),
    ("9999-12-31T23:59-05:00", "outside the span the demo can show"),
]


@pytest.mark.parametrize(("text", "message"), BAD_AT, ids=[b[0] or "blank" for b in BAD_AT])
def test_parse_at_refuses_what_the_clock_cannot_show(text: str, message: str) -> None:
    """--at garbage, year 1 or year 9999 (naive or with an offset) is one clear error."""
    with pytest.raises(ValueError, match=message):
        parse_at(text)


@pytest.mark.parametrize("text", ["0", "1", "60", "2.5", "10000"])
def test_parse_speed_accepts_a_stopped_or_running_clock(text: str) -> None:
    """--speed from 0 to 10000 is read as a number."""
    assert parse_speed(text) == float(text)


BAD_SPEED = [
    ("-1", "from 0"),
    ("nan", "from 0"),
    ("inf", "from 0"),
    ("-inf", "from 0"),
    ("1e300", "from 0"),
    ("10001", "from 0"),
    ("fast", "is not a number"),
]


@pytest.mark.parametrize(("text", "message"), BAD_SPEED, ids=[b[0] for b in BAD_SPEED])
def test_parse_speed_refuses_absurd_values(text: str, message: str) -> None:
    """Negative, not-a-number, infinite, huge or non-numeric speeds are one clear error."""
    with pytest.raises(ValueError, match=message):
        parse_speed(text)
