"""Placing a frab event that gives only a time of day on the right calendar day.

frab, pentabarf and pretalx list events under a conference *day* that runs past
midnight (11:00 to 06:00 the next morning), so "00:30" under 27 December is the
night of the 27th, on the 28th. When an event carries its own ``date`` (with an
offset) that instant is used and none of this applies. Otherwise an event moves to
the next calendar day when its room's list goes back in time (23:00 then 00:30), or
when it starts no later than the day's declared end on the next morning. A time
before the declared ``day_start`` is *not* moved: an 10:00 workshop on a day said to
start at 11:00 is still on that day (voc/schedule 61).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

__all__ = ["DayClock"]

_TIME = re.compile(r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::\d{2})?")


@dataclass(slots=True)
class DayClock:
    """Turn one room's "HH:MM" starts under one conference day into wall times, in order."""

    day: date
    night_end: time | None = None  # the day's end on the next morning, if declared
    previous: datetime | None = None

    @classmethod
    def for_day(cls, day: date, day_end: object) -> DayClock:
        """Return a clock for ``day``; ``day_end`` is the day's declared end, if any."""
        night_end = None
        if isinstance(day_end, str):
            try:
                end = datetime.fromisoformat(day_end.strip().replace("Z", "+00:00"))
            except ValueError:
                end = None
            if end is not None and end.date() > day:
                night_end = end.time().replace(tzinfo=None)
        return cls(day=day, night_end=night_end)

    def wall(self, text: object) -> datetime | None:
        """Return the wall-clock start of the next event in this room, ``None`` if unreadable."""
        if not isinstance(text, str) or (match := _TIME.fullmatch(text.strip())) is None:
            return None
        hour, minute = int(match["hour"]), int(match["minute"])
        if hour > 23 or minute > 59:
            return None
        clock = time(hour, minute)
        wall = datetime.combine(self.day, clock)
        if (self.night_end is not None and clock < self.night_end) or (
            self.previous is not None and wall < self.previous
        ):
            wall += timedelta(days=1)
        self.previous = wall
        return wall
