"""The short summary ``confbot check`` prints for a valid schedule."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.schedule.index import ScheduleIndex


def days_line(days: Sequence[date]) -> str:
    """Return "2 (24 Feb 2021 to 25 Feb 2021)", "1 (Wed 24 Feb 2021)" or "0"."""
    if not days:
        return "0"
    if len(days) == 1:
        return f"1 ({days[0]:%a %d %b %Y})"
    return f"{len(days)} ({days[0]:%d %b %Y} to {days[-1]:%d %b %Y})"


def summarise(index: ScheduleIndex, *, zone: str | None = None) -> str:
    """Return a few lines: conference, zone, days, and how many of each thing."""
    conference = index.conference
    zone = zone or conference.zone
    days = index.local_days(zone)
    schedule = index.schedule
    return "\n".join(
        [
            f"Conference: {conference.name}",
            f"Zone:       {zone}",
            f"Days:       {days_line(days)}",
            f"Sessions:   {len(schedule.sessions)}",
            f"Speakers:   {len(schedule.speakers)}",
            f"Rooms:      {len(schedule.rooms)}",
            f"Tracks:     {len(schedule.tracks)}",
            "OK: the config and the schedule are valid.",
        ]
    )
