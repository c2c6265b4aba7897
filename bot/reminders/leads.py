"""Reminder leads ("60, 10") and digest times ("08:00") as attendees type them."""

from __future__ import annotations

import re
from datetime import time

from bot.answers.schedule_lookup import echo
from bot.errors import UserError

# Discord's own reminder bots cap at a few leads; three covers "an hour, ten minutes, now".
MAX_LEADS = 3
MAX_LEAD_MINUTES = 24 * 60
_LEAD = re.compile(r"^(\d{1,5})\s*(m|min|mins|minutes?|h|hours?)?$")
_CLOCK = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*(a\.?m\.?|p\.?m\.?)?$")
OFF_WORDS = frozenset({"off", "none", "no", "never", "stop"})


def parse_leads(text: str) -> tuple[int, ...]:
    """Return the leads in minutes, longest first, from "60, 10" or "1h 10m".

    :raises UserError: a part is not a lead, or there are too many.
    """
    parts = [part for part in re.split(r"[,;\s]+(?=\d)", text.strip().lower()) if part.strip()]
    if not parts:
        raise UserError("Give one or more leads in minutes, for example “60, 10”.")
    leads: set[int] = set()
    for part in parts:
        match = _LEAD.match(part.strip().rstrip(","))
        if match is None:
            raise UserError(
                f"I can't read “{echo(part)}” as a lead: use minutes, "
                "for example “60, 10” or “1h, 10m”."
            )
        minutes = int(match[1]) * (60 if (match[2] or "m").startswith("h") else 1)
        if minutes > MAX_LEAD_MINUTES:
            raise UserError("A reminder can come at most 24 hours (1440 minutes) before.")
        leads.add(minutes)
    if len(leads) > MAX_LEADS:
        raise UserError(f"Pick at most {MAX_LEADS} leads.")
    return tuple(sorted(leads, reverse=True))


def leads_text(leads: tuple[int, ...]) -> str:
    """Return "60 and 10 minutes before" for display."""
    if not leads:
        return "no reminders"
    numbers = [str(lead) for lead in leads]
    joined = numbers[0] if len(numbers) == 1 else f"{', '.join(numbers[:-1])} and {numbers[-1]}"
    unit = "minute" if leads == (1,) else "minutes"
    return f"{joined} {unit} before"


def parse_digest_time(text: str) -> time | None:
    """Return the local time of the morning digest ("08:00", "8am"), ``None`` for "off".

    :raises UserError: the text is neither a time of day nor "off".
    """
    cleaned = text.strip().lower()
    if cleaned in OFF_WORDS:
        return None
    match = _CLOCK.match(cleaned)
    if match is not None:
        hour, minute = int(match[1]), int(match[2] or 0)
        meridiem = (match[3] or "").replace(".", "")
        if meridiem and not 1 <= hour <= 12:
            hour = 99
        elif meridiem == "am":
            hour %= 12
        elif meridiem == "pm":
            hour = hour % 12 + 12
        if hour < 24 and minute < 60:
            return time(hour, minute)
    raise UserError(
        f"I can't read “{echo(text)}” as a time of day: try “08:00”, “7:30am” or “off”."
    )
