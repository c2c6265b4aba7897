"""Who is looking at the demo's transcript, and what their Discord client would show them.

A Discord client renders ``<t:1614200400:F>`` in its user's own zone and language,
and ``<@123>`` as that person's name. :class:`Viewer` carries what that takes: the
acting attendee's zone and 12/24-hour preference, the simulated now (for relative
times) and a way to name the ids a mention refers to.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.timezones import ClockStyle, to_local

# Name an id of a kind ("user", "role", "channel"); ``None`` when it is unknown.
NameLookup = Callable[[str, int], str | None]

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
TIMESTAMP_STYLES = "tTdDfFR"


def _no_names(kind: str, identifier: int) -> str | None:
    return None


@dataclass(frozen=True)
class Viewer:
    """The acting attendee as their Discord client sees things.

    ``clock`` "12h" stands for a US-English client (``02/24/2021``, ``4:00 PM``),
    "24h" for a British-English one (``24/02/2021``, ``16:00``).
    """

    zone: str
    now: datetime
    clock: ClockStyle = "24h"
    names: NameLookup = field(default=_no_names, compare=False)

    def timestamp(self, seconds: int, style: str = "f") -> str | None:
        """Return ``<t:seconds:style>`` as the client would show it; ``None`` if out of range."""
        try:
            instant = datetime.fromtimestamp(seconds, UTC)
            local = to_local(instant, self.zone)
        except (OverflowError, ValueError, OSError):
            return None
        if style == "R":
            return relative_time(instant, self.now)
        us = self.clock == "12h"
        time_short = _time(local, seconds=False, us=us)
        time_long = _time(local, seconds=True, us=us)
        month = _MONTHS[local.month - 1]
        date_long = (
            f"{month} {local.day}, {local.year}" if us else f"{local.day} {month} {local.year}"
        )
        weekday = _WEEKDAYS[local.weekday()]
        forms = {
            "t": time_short,
            "T": time_long,
            "d": f"{local:%m/%d/%Y}" if us else f"{local:%d/%m/%Y}",
            "D": date_long,
            "f": f"{date_long} at {time_short}",
            "F": f"{weekday}, {date_long} at {time_short}"
            if us
            else (f"{weekday} {date_long} at {time_short}"),
        }
        return forms.get(style)


def _time(local: datetime, *, seconds: bool, us: bool) -> str:
    tail = f":{local:%S}" if seconds else ""
    if not us:
        return f"{local:%H:%M}{tail}"
    meridiem = "AM" if local.hour < 12 else "PM"
    return f"{(local.hour - 1) % 12 + 1}:{local:%M}{tail} {meridiem}"


# Thresholds as Discord's client words them (the moment.js rules): below each bound, a form.
_MINUTE, _HOUR, _DAY = 60, 3600, 86400


def relative_time(instant: datetime, now: datetime) -> str:
    """Return ``instant`` relative to ``now`` the way Discord words it: "in 2 hours"."""
    seconds = (instant - now) / timedelta(seconds=1)
    span = abs(seconds)
    if span < 45:
        words = "a few seconds"
    elif span < 90:
        words = "a minute"
    elif span < 45 * _MINUTE:
        words = f"{round(span / _MINUTE)} minutes"
    elif span < 90 * _MINUTE:
        words = "an hour"
    elif span < 22 * _HOUR:
        words = f"{round(span / _HOUR)} hours"
    elif span < 36 * _HOUR:
        words = "a day"
    elif span < 26 * _DAY:
        words = f"{round(span / _DAY)} days"
    elif span < 45 * _DAY:
        words = "a month"
    elif span < 320 * _DAY:
        words = f"{round(span / (30.4375 * _DAY))} months"
    elif span < 548 * _DAY:
        words = "a year"
    else:
        words = f"{round(span / (365.25 * _DAY))} years"
    return f"in {words}" if seconds >= 0 else f"{words} ago"
