"""What a reminder, a morning digest and a room's "starting soon" post say.

Pure functions of the schedule, the reader and "now": the delivery engine renders
each row at send time, so a late send is worded as late and a retitled session
shows its current title.
"""

from __future__ import annotations

from datetime import date, datetime

from bot.answers.reader import Reader
from bot.rendering.sessions import minutes_text, place_of, speaker_names, title_of, when
from bot.rendering.text import plural, truncate
from bot.schedule.index import ScheduleIndex
from bot.schedule.model import Session
from bot.timezones import discord_timestamp, format_day, format_time

MESSAGE_LIMIT = 2000
# Lines of a digest before "…and N more" keeps it inside one message.
DIGEST_LINES = 20


def _stream(session: Session, index: ScheduleIndex) -> str | None:
    room = index.room(session.room_id) if session.room_id else None
    url = session.stream_url or (room.stream_url if room else None)
    if url and url.startswith(("https://", "http://")) and " " not in url and len(url) <= 512:
        return url
    return None


def starts_line(session: Session, now: datetime) -> str:
    """Return "Starts in 10 min (<t:…:R>)", or "Started 7 min ago" for a late send."""
    seconds = (session.start - now).total_seconds()
    relative = discord_timestamp(session.start, "R")
    if seconds >= 30:
        return f"Starts in {minutes_text(seconds)} ({relative})."
    if seconds > -30:
        return f"Starting now ({relative})."
    return f"Started {minutes_text(-seconds)} ago ({relative}): sorry, this reminder is late."


def reminder_text(
    session: Session,
    index: ScheduleIndex,
    reader: Reader,
    *,
    now: datetime,
    room_channel_id: int | None,
) -> str:
    """Return the reminder DM: title, time in the reader's zone, room, stream, speakers."""
    lines = [f"⏰ **{title_of(session)}**", f"{when(session, reader)}", starts_line(session, now)]
    place = place_of(session, index)
    if room_channel_id is not None:
        lines.append(f"Room: <#{room_channel_id}>" + (f" ({place})" if place else ""))
    elif place:
        lines.append(f"Room: {place}")
    stream = _stream(session, index)
    if stream:
        lines.append(f"Stream: <{stream}>")
    speakers = speaker_names(session, index, limit=5)
    if speakers:
        lines.append(f"With {speakers}")
    return truncate("\n".join(lines), MESSAGE_LIMIT)


def room_post_text(session: Session, index: ScheduleIndex, *, now: datetime) -> str:
    """Return a room channel's "starting soon" post (times self-localise in each client)."""
    lines = [
        f"🔔 Starting soon: **{title_of(session)}**",
        f"{discord_timestamp(session.start, 'F')} · {starts_line(session, now)}",
    ]
    speakers = speaker_names(session, index, limit=5)
    if speakers:
        lines.append(f"With {speakers}")
    stream = _stream(session, index)
    if stream:
        lines.append(f"Stream: <{stream}>")
    return truncate("\n".join(lines), MESSAGE_LIMIT)


def digest_text(
    day: date, sessions: list[Session], index: ScheduleIndex, reader: Reader, *, now: datetime
) -> str:
    """Return the morning digest: the reader's sessions on their local ``day``."""
    heading = f"☀️ Your day, {format_day(day)} ({reader.zone})"
    if not sessions:
        return f"{heading}: nothing on your agenda today. /schedule shows the whole programme."
    lines = [f"{heading}: {plural(len(sessions), 'session')}."]
    for session in sessions[:DIGEST_LINES]:
        lines.append(f"• **{when(session, reader)}** {title_of(session, 90)}")
    if len(sessions) > DIGEST_LINES:
        lines.append(f"…and {len(sessions) - DIGEST_LINES} more: see /agenda show.")
    lines.append(f"Sent at {format_time(now, reader.zone, clock=reader.clock)}.")
    return truncate("\n".join(lines), MESSAGE_LIMIT)
