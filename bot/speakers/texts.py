"""What the speakers feature says: the heads-up DM, and the replies and log lines of links."""

from __future__ import annotations

from bot.answers.reader import Reader
from bot.answers.speaker_cards import safe_url
from bot.rendering.sessions import when
from bot.rendering.text import neutralise, truncate
from bot.schedule.model import Session, Speaker
from bot.timezones import discord_timestamp

__all__ = [
    "link_log_line",
    "linked_reply",
    "replaced_words",
    "speaker_heads_up",
    "unlink_log_line",
    "unlinked_reply",
]


def speaker_heads_up(
    speaker: Speaker,
    session: Session,
    reader: Reader,
    *,
    room_name: str | None,
    room_channel_mention: str | None,
    stream_url: str | None,
) -> str:
    """Return the DM a speaker gets shortly before their session."""
    lines = [
        f"Hello {neutralise(speaker.name)}, your session starts "
        f"{discord_timestamp(session.start, 'R')}:",
        f"**{neutralise(session.title)}**",
        f"When: {when(session, reader)} ({discord_timestamp(session.start, 'F')})",
    ]
    if room_channel_mention:
        lines.append(f"Room: {room_channel_mention}")
    elif room_name:
        lines.append(f"Room: {neutralise(room_name)}")
    if safe_url(stream_url):
        lines.append(f"Stream: <{stream_url}>")
    lines.append("Good luck!")
    return truncate("\n".join(lines), 2000)


def replaced_words(previous: int | None, member_id: int) -> str:
    """Return ", replacing <@previous>" when a link replaced another member, else nothing."""
    return f", replacing <@{previous}>" if previous not in (None, member_id) else ""


def link_log_line(speaker: Speaker, member_id: int, replaced: str) -> str:
    """Return the moderation log's words for a speaker linked to a member."""
    return f"linked speaker {neutralise(speaker.name)} to <@{member_id}>{replaced}"


def linked_reply(
    speaker: Speaker, member_id: int, replaced: str, *, lead_minutes: int, planned: int
) -> str:
    """Return what the moderator who linked a speaker reads."""
    return (
        f"Linked {neutralise(speaker.name)} to <@{member_id}>{replaced}. They will get a DM "
        f"{lead_minutes} minutes before each of their sessions ({planned} planned now)."
    )


def unlink_log_line(speaker: Speaker) -> str:
    """Return the moderation log's words for a speaker unlinked."""
    return f"unlinked speaker {neutralise(speaker.name)}"


def unlinked_reply(speaker: Speaker, *, removed: bool) -> str:
    """Return what the moderator who unlinked a speaker reads (whether there was a link)."""
    text = "Unlinked" if removed else "There was no link for"
    return f"{text} {neutralise(speaker.name)}."
