"""Durations as schedule exports write them: "0:30", "25:00", "00:05:00", "PT1H30M", 45."""

from __future__ import annotations

import re
from datetime import timedelta

__all__ = ["parse_duration"]

# Hours are not bounded: frab writes a 26-hour hackathon as "26:00" (voc/schedule keeps
# days apart from hours only in ISO-8601 durations).
_CLOCK = re.compile(r"(?P<hours>\d+):(?P<minutes>[0-5]\d)(?::(?P<seconds>[0-5]\d))?")
_ISO = re.compile(
    r"P(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?",
    re.IGNORECASE,
)
_MINUTES = re.compile(r"\d+")


def parse_duration(value: object) -> timedelta | None:
    """Return the elapsed time ``value`` describes, or ``None`` if it is not a duration.

    Accepts "H:MM" / "HH:MM" with any number of hours, "HH:MM:SS", ISO-8601 durations
    ("PT1H30M", "P1DT2H") and whole minutes (``45`` or ``"45"``). Zero ("00:00") is a
    duration: exports write it for markers ("Doors open"), kept as moments.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        duration = timedelta(minutes=value)
    elif isinstance(value, str):
        text = value.strip()
        if match := _CLOCK.fullmatch(text):
            duration = timedelta(
                hours=int(match["hours"]),
                minutes=int(match["minutes"]),
                seconds=int(match["seconds"] or 0),
            )
        elif (match := _ISO.fullmatch(text)) and any(match.groupdict().values()):
            duration = timedelta(
                weeks=int(match["weeks"] or 0),
                days=int(match["days"] or 0),
                hours=int(match["hours"] or 0),
                minutes=int(match["minutes"] or 0),
                seconds=float(match["seconds"] or 0),
            )
        elif _MINUTES.fullmatch(text):
            duration = timedelta(minutes=int(text))
        else:
            return None
    else:
        return None
    return duration if duration >= timedelta() else None
