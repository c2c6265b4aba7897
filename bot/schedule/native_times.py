"""The times a native schedule file writes: wall-clock times, offsets, DST gaps and folds.

A session's ``start`` and ``end`` are written as the conference zone's wall clock
("2021-02-24 16:00"), optionally with a UTC offset or ``Z`` (an exact instant), or as a
TOML date-time; ``end`` may be a time of day alone, or a ``duration`` may replace it.
These functions read them for :class:`bot.schedule.native_parser.NativeParser`,
recording each problem on the session's :class:`~bot.schedule.validation.Table`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.errors import AmbiguousTimeError, NonExistentTimeError
from bot.schedule.validation import Table, describe_type
from bot.timezones import localize_wall_time

__all__ = ["WallTime", "parse_duration", "read_wall_time", "session_end", "wall_instant"]

_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})?")
_TIME_OF_DAY = re.compile(r"\d{2}:\d{2}")
_DURATION = re.compile(r"(?:(?P<hours>\d+)\s*h)?\s*(?:(?P<minutes>\d+)\s*m(?:in)?)?")


@dataclass(frozen=True, slots=True)
class WallTime:
    """A time as written: the naive wall clock, plus the exact instant if an offset was given."""

    text: str
    wall: datetime
    instant: datetime | None


def _offset_text(delta: timedelta) -> str:
    minutes = int(delta.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


def _fold_offsets(wall: datetime, zone: str) -> tuple[str, str] | None:
    """Return the UTC offsets before and after the DST fold at ``wall``, to suggest them."""
    try:
        # Folds are hours apart from any other transition, so a day either side is clear.
        before = wall - timedelta(days=1)
        after = wall + timedelta(days=1)
        offset_before = before - localize_wall_time(before, zone).replace(tzinfo=None)
        offset_after = after - localize_wall_time(after, zone).replace(tzinfo=None)
    except (NonExistentTimeError, AmbiguousTimeError):
        return None
    return _offset_text(offset_before), _offset_text(offset_after)


def parse_duration(value: object) -> timedelta | str:
    """Return the duration written as minutes or ``"1h45m"``, or why it is not one."""
    if isinstance(value, int) and not isinstance(value, bool):
        minutes = value
    elif (
        isinstance(value, str)
        and (match := _DURATION.fullmatch(value.strip()))
        and (match["hours"] or match["minutes"])
    ):
        minutes = int(match["hours"] or 0) * 60 + int(match["minutes"] or 0)
    else:
        return (
            f"duration {value!r} is not a duration: write minutes (90) "
            'or hours and minutes ("1h30m")'
        )
    if minutes <= 0:
        return f"duration {value!r} must be more than zero minutes"
    return timedelta(minutes=minutes)


def read_wall_time(table: Table, key: str, *, start: WallTime | None = None) -> WallTime | None:
    """Return the time at ``key`` as written, or ``None`` (recording why on ``table``).

    An ``end`` of "HH:MM" alone is on ``start``'s day.
    """
    value = table.data.get(key)
    if value is None:
        table.problem(f'missing required key "{key}"')
        return None
    if isinstance(value, datetime):  # an unquoted TOML date-time
        text = value.isoformat(sep=" ")
        if value.tzinfo is None:
            return WallTime(text, value, None)
        return WallTime(text, value.replace(tzinfo=None), value.astimezone(UTC))
    if not isinstance(value, str):
        table.problem(
            f'{key} must be a date and time such as "2021-02-24 16:00", '
            f"not {describe_type(value)} ({value!r})"
        )
        return None
    text = value.strip()
    if key == "end" and _TIME_OF_DAY.fullmatch(text):
        if start is None:
            return None  # the start's problem is already recorded
        if start.instant is not None:
            table.problem(
                f'end "{text}" gives only a time of day: write the date too '
                "when start has a UTC offset"
            )
            return None
        text_with_day = f"{start.wall.date().isoformat()} {text}"
        try:
            return WallTime(text, datetime.fromisoformat(text_with_day), None)
        except ValueError:
            table.problem(f'end "{text}" is not a real time of day')
            return None
    if not _DATETIME.fullmatch(text):
        table.problem(
            f'{key} "{text}" is not a date and time: write "YYYY-MM-DD HH:MM" '
            "in the conference zone's local time"
        )
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        table.problem(f'{key} "{text}" is not a real date and time')
        return None
    if parsed.tzinfo is None:
        return WallTime(text, parsed, None)
    return WallTime(text, parsed.replace(tzinfo=None), parsed.astimezone(UTC))


def wall_instant(
    table: Table, key: str, written: WallTime | None, zone: str | None
) -> datetime | None:
    """Return the UTC instant of a time written in ``zone``, reporting DST gaps and folds."""
    if written is None:
        return None
    if written.instant is not None:
        return written.instant
    if zone is None:
        return None  # the zone's problem is already recorded
    try:
        return localize_wall_time(written.wall, zone)
    except NonExistentTimeError:
        table.problem(
            f"{key} {written.text} does not exist in {zone}: the clocks skip it "
            "when daylight saving time starts; pick a time outside the gap"
        )
    except AmbiguousTimeError:
        hint = ""
        offsets = _fold_offsets(written.wall, zone)
        if offsets is not None:
            wall = f"{written.wall:%Y-%m-%d %H:%M}"
            hint = f', e.g. "{wall}{offsets[0]}" (the first) or "{wall}{offsets[1]}" (the second)'
        table.problem(
            f"{key} {written.text} happens twice in {zone} (daylight saving time "
            f"ends): add the UTC offset to say which{hint}"
        )
    return None


def session_end(
    table: Table, start: WallTime | None, start_instant: datetime | None, zone: str | None
) -> datetime | None:
    """Return a session's end instant, from ``end`` or from ``duration`` (elapsed time).

    Every problem is recorded on ``table``; ``None`` means one was (here or for ``start``).
    """
    has_end = table.data.get("end") is not None
    has_duration = table.data.get("duration") is not None
    if has_end and has_duration:
        table.problem('give either "end" or "duration", not both')
        return None
    if not has_end and not has_duration:
        table.problem('missing required key "end" (or "duration")')
        return None
    if has_duration:
        duration = parse_duration(table.data["duration"])
        if isinstance(duration, str):
            table.problem(duration)
            return None
        return None if start_instant is None else start_instant + duration
    end = read_wall_time(table, "end", start=start)
    finish = wall_instant(table, "end", end, zone)
    if start is None or end is None or start_instant is None or finish is None:
        return None
    if finish <= start_instant:
        table.problem(f"end {end.text} is not after start {start.text}")
        return None
    return finish
