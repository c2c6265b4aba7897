"""The short summary ``confbot check`` prints for a valid schedule."""

from __future__ import annotations

from bot.schedule.index import ScheduleIndex


def summarise(index: ScheduleIndex, *, zone: str | None = None) -> str:
    """Return a few lines: conference, zone, days, and how many of each thing."""
    conference = index.conference
    zone = zone or conference.zone
    days = index.local_days(zone)
    if days:
        span = (
            f"{days[0]:%a %d %b %Y}"
            if len(days) == 1
            else f"{days[0]:%d %b %Y} to {days[-1]:%d %b %Y}"
        )
        days_line = f"{len(days)} ({span})"
    else:
        days_line = "0"
    schedule = index.schedule
    return "\n".join(
        [
            f"Conference: {conference.name}",
            f"Zone:       {zone}",
            f"Days:       {days_line}",
            f"Sessions:   {len(schedule.sessions)}",
            f"Speakers:   {len(schedule.speakers)}",
            f"Rooms:      {len(schedule.rooms)}",
            f"Tracks:     {len(schedule.tracks)}",
            "OK: the config and the schedule are valid.",
        ]
    )
