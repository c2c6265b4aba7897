"""Calendar files (RFC 5545) of chosen sessions, through the icalendar library.

UIDs are stable (the session id and the conference), so importing the file again
updates the events instead of duplicating them; times are UTC, which every calendar
shows in its owner's zone; each event carries an alarm at the attendee's lead.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from icalendar import Alarm, Calendar, Event

from bot.rendering.calendar_ids import event_uid, slug
from bot.schedule.index import ScheduleIndex
from bot.schedule.model import Session

PRODUCT_ID = "-//confbot//conference companion//EN"


def _description(session: Session, index: ScheduleIndex) -> str:
    parts: list[str] = []
    names = [s.name for i in session.speaker_ids if (s := index.speaker(i)) is not None]
    if names:
        parts.append("Speakers: " + ", ".join(names))
    room = index.room(session.room_id) if session.room_id else None
    stream = session.stream_url or (room.stream_url if room else None)
    if stream:
        parts.append(f"Stream: {stream}")
    if session.abstract:
        parts.append(" ".join(session.abstract.split()))
    return "\n\n".join(parts)


def calendar_bytes(
    sessions: Sequence[Session],
    index: ScheduleIndex,
    *,
    leads: Sequence[int],
    now: datetime,
) -> bytes:
    """Return an .ics file with one VEVENT per session and a VALARM per lead (minutes)."""
    conference = index.conference
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", conference.name)
    stamp = now.astimezone(UTC)
    for session in sorted(sessions, key=lambda s: (s.start, s.id)):
        event = Event()
        event.add("uid", event_uid(session, conference.name))
        event.add("dtstamp", stamp)
        event.add("dtstart", session.start.astimezone(UTC))
        event.add("dtend", session.end.astimezone(UTC))
        event.add("summary", session.title)
        room = index.room(session.room_id) if session.room_id else None
        if room is not None:
            event.add("location", room.name)
        description = _description(session, index)
        if description:
            event.add("description", description)
        link = session.url or session.stream_url or (room.stream_url if room else None)
        if link:
            event.add("url", link)
        for lead in leads:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", f"{session.title} starts in {lead} minutes")
            alarm.add("trigger", timedelta(minutes=-lead))
            event.add_component(alarm)
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def calendar_filename(session: Session | None) -> str:
    """Return "agenda.ics" for an agenda, "<session>.ics" for one session."""
    if session is None:
        return "agenda.ics"
    return f"{slug(session.id)[:60]}.ics"
