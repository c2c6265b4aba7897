"""The whole schedule as plain text, for ``confbot schedule`` and the terminal."""

from __future__ import annotations

from bot.rendering.text import human_join
from bot.schedule.index import ScheduleIndex
from bot.timezones import ClockStyle, format_day, format_time_range


def schedule_as_text(
    index: ScheduleIndex, zone: str, *, conference_zone: str, clock: ClockStyle = "24h"
) -> str:
    """Return every session grouped by the reader's local day, in the reader's zone.

    A session whose local date differs from the conference's is marked ("+1 day"),
    so an organiser can see at a glance what Sydney will read.
    """
    conference = index.conference
    lines = [f"{conference.name}", f"Times in {zone} (conference zone: {conference_zone})"]
    days = index.local_days(zone)
    if not days:
        lines.append("")
        lines.append("No sessions yet.")
    for day in days:
        lines.append("")
        lines.append(f"== {format_day(day)} ==")
        for session in index.sessions_on_local_day(day, zone):
            when = format_time_range(
                session.start, session.end, zone, clock=clock, reference_zone=conference_zone
            )
            lines.append(f"  {when}  {session.title}")
            details = []
            room = index.room(session.room_id) if session.room_id else None
            if room is not None:
                details.append(f"room: {room.name}")
            speakers = [
                speaker.name
                for speaker_id in session.speaker_ids
                if (speaker := index.speaker(speaker_id)) is not None
            ]
            if speakers:
                details.append(f"with {human_join(speakers)}")
            if details:
                lines.append(f"      {'; '.join(details)}")
    return "\n".join(lines)
