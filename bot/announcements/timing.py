"""When an announcement goes out: "now", or a time typed in the moderator's own zone."""

from __future__ import annotations

from datetime import datetime

from bot.answers.reader import Reader
from bot.errors import UserError
from bot.timezones import discord_timestamp, format_time, parse_user_time

NOW_WORDS = frozenset({"", "now", "right now", "immediately"})


class PastTimeError(UserError):
    """The moderator asked for a time that has already passed."""


def parse_when(text: str | None, reader: Reader, *, now: datetime) -> datetime | None:
    """Return the UTC instant typed in the reader's zone, or ``None`` for "now".

    :raises TimeParseError: the text is not a time (the sentence lists examples).
    :raises NonExistentTimeError: the local time is skipped by a DST change.
    :raises AmbiguousTimeError: the local time happens twice; the offset settles it.
    :raises PastTimeError: the time has already passed.
    """
    typed = " ".join((text or "").split())
    if typed.casefold() in NOW_WORDS:
        return None
    instant = parse_user_time(typed, reader.zone, now=now)
    if instant <= now:
        raise PastTimeError(
            f"“{typed}” is {read_back(instant, reader)}, which has already passed: "
            "pick a time ahead, or leave “when” empty to post now."
        )
    return instant


def read_back(instant: datetime | None, reader: Reader) -> str:
    """Return "Thu 25 Feb 07:50 AEDT (<t:…:F>)" in the reader's zone, or "now"."""
    if instant is None:
        return "now"
    local = format_time(instant, reader.zone, clock=reader.clock)
    return f"{local} ({discord_timestamp(instant, 'F')})"
