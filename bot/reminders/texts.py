"""The reminders' words: what a reminder, a digest and a room post say, and the replies.

Pure functions of the schedule, the reader and "now": the delivery engine renders
each row at send time, so a late send is worded as late and a retitled session
shows its current title. The replies to /remind, /forget, /agenda, /reminders settings,
/tracks and the buttons are here too, so the cog only sends them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from bot.answers.reader import Reader
from bot.reminders.leads import leads_text
from bot.rendering.relative import nearest_minute
from bot.rendering.sessions import minutes_text, place_of, speaker_names, title_of, when
from bot.rendering.text import human_join, neutralise, plural, truncate
from bot.schedule.index import ScheduleIndex
from bot.schedule.model import Session, Track
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
    """Return "Starts in 10 min (<t:…:R>)", or "Started 7 min ago" for a late send.

    ``now`` is the instant the message is sent; the minutes are rounded as the reader's
    client rounds the ``<t:…:R>`` beside them, so a reminder sent 30 ms before it is due
    says "Starts in 10 min (in 10 minutes)", not "11 min".
    """
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
    # A digest due at 07:00 may go out a moment before (the engine starts a fan-out early
    # so the last lands on time): say 07:00, not 06:59.
    sent = format_time(nearest_minute(now), reader.zone, clock=reader.clock)
    lines.append(f"Sent at {sent}.")
    return truncate("\n".join(lines), MESSAGE_LIMIT)


# Said once to each attendee whose reminder had to be a mention (their DMs are closed).
FALLBACK_HINT = (
    "You get this here because your DMs are closed to this server's members: allow direct "
    "messages from this server (its Privacy Settings), or choose /reminders settings "
    "delivery: Mention in the room's channel."
)

# -- buttons ---------------------------------------------------------------------------

REMIND_LABEL = "Remind me"
STOP_LABEL = "Stop reminding"
CALENDAR_LABEL = "Add to calendar"
PICK_PLACEHOLDER = "⏰ Remind me of…"
STOP_REMINDER_LABEL = "Stop reminders for this session"
OPEN_SESSION_LABEL = "Open session"


def stop_label(session: Session) -> str:
    """Return the label of a "Stop" button naming its session (under a list of them)."""
    return f"Stop: {session.title}"


# -- replies -----------------------------------------------------------------------------

SESSION_GONE = "That session is no longer in the schedule."
EMPTY_AGENDA = "Your agenda is empty: add sessions with /remind first."


def subscribed_text(
    session: Session, reader: Reader, due: Sequence[datetime], *, added: bool
) -> str:
    """Return "I'll remind you about **Title** (Wed 24 Feb 22:00, <t:…:R>) at 21:50 CET."."""
    times = ", ".join(format_time(instant, reader.zone, clock=reader.clock) for instant in due)
    verb = "I'll remind you" if added else "Updated: I'll remind you"
    return (
        f"{verb} about **{title_of(session)}** ({when(session, reader)}, "
        f"{discord_timestamp(session.start, 'R')}) at {times}."
    )


def already_subscribed_text(session: Session) -> str:
    """Return the answer to "Remind me" on a session already on the agenda."""
    return f"You already get reminders for **{title_of(session)}**."


def already_started_text(session: Session) -> str:
    """Return the answer to choosing a session that started since the menu was sent."""
    return f"**{title_of(session)}** has already started: nothing to remind."


def gone_text(gone: int) -> str:
    """Return the line saying how many chosen sessions left the schedule."""
    return (
        f"{plural(gone, 'session')} you chose {'is' if gone == 1 else 'are'} no longer "
        "in the schedule."
    )


def forgotten_text(session: Session, *, removed: bool) -> str:
    """Return the answer to /forget or "Stop reminding"."""
    if removed:
        return f"Done: no more reminders for **{title_of(session)}**."
    return f"**{title_of(session)}** was not on your agenda."


def agenda_file_text(count: int) -> str:
    """Return the line sent with agenda.ics."""
    return f"Your agenda: {plural(count, 'session')}. Open the file to add it to your calendar."


def session_file_text(session: Session) -> str:
    """Return the line sent with one session's .ics."""
    return f"**{title_of(session)}**: open the file to add it to your calendar."


def settings_text(leads: tuple[int, ...], delivery: str, digest_time: str | None) -> str:
    """Return how the attendee is reminded, in one sentence."""
    where = "a direct message" if delivery == "dm" else "a mention in the room's channel"
    morning = f"a morning digest at {digest_time} your time" if digest_time else "no morning digest"
    return f"Reminders {leads_text(leads)} each session, by {where}; {morning}."


# -- tracks ------------------------------------------------------------------------------

TRACK_GONE = "That track is no longer in the schedule."
NO_TRACK_ROLE = "This track has no role to follow yet: ask the organisers to set one."
CANNOT_CREATE_ROLES = (
    "I may not create track roles here: the organisers need to give me the "
    "Manage Roles permission (or map the track to a role)."
)
TRACKS_IN_SERVER_ONLY = "Tracks can only be followed in the conference server."


def followed_text(track: Track, role_mention: str) -> str:
    """Return the answer to /tracks follow."""
    return (
        f"You now follow **{neutralise(track.name)}**: each of its sessions' “starting "
        f"soon” post pings {role_mention}. /tracks unfollow stops it."
    )


def unfollowed_text(track: Track) -> str:
    """Return the answer to /tracks unfollow."""
    return f"You no longer follow **{neutralise(track.name)}**."


def not_following_text(track: Track) -> str:
    """Return the refusal of /tracks unfollow for a track not followed."""
    return f"You don't follow **{neutralise(track.name)}**."


def track_roles_taken_text(names: Sequence[str]) -> str:
    """Return what /forget-me took back: "your track role Track: Security"."""
    shown = human_join([f"“{neutralise(name)}”" for name in names])
    return f"your track {'role' if len(names) == 1 else 'roles'} {shown}"


def track_roles_kept_text(names: Sequence[str]) -> str:
    """Return why /forget-me left track roles: Discord refused to take them away."""
    shown = human_join([f"“{neutralise(name)}”" for name in names])
    return (
        f"I may not take away {shown} (my role must be above it and have Manage Roles): "
        f"please ask the organisers to remove {'it' if len(names) == 1 else 'them'}."
    )


def cannot_hand_out_text(role_mention: str) -> str:
    """Return the refusal when Discord forbids handing out a track's role."""
    return (
        f"I may not hand out {role_mention}: my role must be above it and have "
        "Manage Roles. Please tell the organisers."
    )
