"""Durations and relative times worded the way a Discord client words ``<t:…:R>``.

A reminder says "Starts in 10 min (<t:…:R>)": the number is ours, the parenthesis is
the reader's client's, counted from the moment they read it. Both must round the same
way or a message sent a few milliseconds before its due time reads "Starts in 11 min
(in 10 minutes)". Discord's client words relative timestamps like moment.js's
``fromNow()`` (developers/reference, "Message Formatting": style ``R``, "4 years ago"):
whole units rounded to the nearest, "a few seconds", "a minute", "an hour"… Rounding
here is to the nearest too, halves up (JavaScript's ``Math.round``), never Python's
round-half-to-even.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta

__all__ = ["nearest_minute", "relative_phrase", "rounded_minutes", "spell_relative_timestamps"]

_RELATIVE_MARKUP = re.compile(r"<t:(-?\d+):R>")


def _round(value: float) -> int:
    """Return ``value`` rounded to the nearest whole number, halves up (``Math.round``)."""
    return math.floor(value + 0.5)


def rounded_minutes(seconds: float) -> int:
    """Return ``seconds`` in whole minutes, rounded to the nearest (at least 1)."""
    return max(1, _round(seconds / 60))


def nearest_minute(instant: datetime) -> datetime:
    """Return ``instant`` rounded to the nearest whole minute (06:59:59.97 → 07:00)."""
    floor = instant.replace(second=0, microsecond=0)
    return floor + timedelta(minutes=1) if instant - floor >= timedelta(seconds=30) else floor


# moment.js's thresholds, after rounding each unit: (below this many seconds, the unit's
# seconds, the words for one, the words for many).
_MONTH = 30.436875 * 86400
_YEAR = 365.25 * 86400
_UNITS = (
    (44.5, 1, "a few seconds", ""),
    (90, 60, "a minute", ""),
    (44.5 * 60, 60, "", "{} minutes"),
    (90 * 60, 3600, "an hour", ""),
    (21.5 * 3600, 3600, "", "{} hours"),
    (36 * 3600, 86400, "a day", ""),
    (25.5 * 86400, 86400, "", "{} days"),
    (1.5 * _MONTH, _MONTH, "a month", ""),
    (10.5 * _MONTH, _MONTH, "", "{} months"),
    (1.5 * _YEAR, _YEAR, "a year", ""),
)


def relative_phrase(instant: datetime, at: datetime) -> str:
    """Return how a Discord client at ``at`` words ``<t:instant:R>``: "in 10 minutes"."""
    seconds = (instant - at).total_seconds()
    span = abs(seconds)
    words = f"{max(2, _round(span / _YEAR))} years"
    for below, unit, one, many in _UNITS:
        if span < below:
            words = one or many.format(max(1, _round(span / unit)))
            break
    return f"in {words}" if seconds >= 0 else f"{words} ago"


def spell_relative_timestamps(text: str, at: datetime) -> str:
    """Return ``text`` with each ``<t:…:R>`` replaced by its words as read at ``at``.

    For a preview of a message to be sent later: left as markup, the client would count
    from the moment the preview is read, not from the moment the message will be.
    """
    tz = at.tzinfo

    def spelled(match: re.Match[str]) -> str:
        return relative_phrase(datetime.fromtimestamp(int(match.group(1)), tz), at)

    return _RELATIVE_MARKUP.sub(spelled, text)
