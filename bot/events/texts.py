"""The events feature's words: event descriptions and locations, log and status lines."""

from __future__ import annotations

from collections.abc import Sequence

from bot.rendering.text import human_join, plural, truncate
from bot.schedule.model import Session

EVENT_URL = "https://discord.com/events/{guild_id}/{event_id}"
CHANNEL_URL = "https://discord.com/channels/{guild_id}/{channel_id}"


def event_url(guild_id: int, event_id: int) -> str:
    """Return the link that opens a scheduled event in Discord."""
    return EVENT_URL.format(guild_id=guild_id, event_id=event_id)


def channel_url(guild_id: int, channel_id: int) -> str:
    """Return the link that opens a channel in Discord."""
    return CHANNEL_URL.format(guild_id=guild_id, channel_id=channel_id)


def event_description(
    session: Session, speakers: Sequence[str], channel_link: str | None, limit: int
) -> str:
    """Return the event's description: speakers, the room channel's link, the abstract."""
    lines = []
    if speakers:
        lines.append(f"With {human_join(list(speakers))}")
    if channel_link:
        lines.append(f"Room channel: {channel_link}")
    head = "\n".join(lines)
    abstract = (session.abstract or "").strip()
    if not abstract:
        return truncate(head, limit)
    room = limit - len(head) - 2 if head else limit
    body = truncate(abstract, room) if room > 20 else ""
    return truncate(f"{head}\n\n{body}" if head and body else head or body, limit)


def event_location(channel_link: str | None, stream_url: str | None, room: str | None) -> str:
    """Return an EXTERNAL event's location: the room channel, else the stream, else the room."""
    return channel_link or stream_url or room or "Online"


def reverted_text(title: str, changed: Sequence[str]) -> str:
    """Return the moderation-log line for an edit to one of the bot's events, undone."""
    return (
        f"put back the schedule's {human_join(list(changed))} on the Discord event "
        f"“{title}”: the programme's events follow the schedule (change the schedule instead)"
    )


def recreated_text(title: str) -> str:
    """Return the moderation-log line for one of the bot's events, removed by someone."""
    return (
        f"made the Discord event “{title}” again after someone deleted or cancelled it: "
        "the programme's events follow the schedule"
    )


def missing_permission_text(permission: str) -> str:
    """Return the one log line (and status line) for a permission the mirror lacks."""
    return (
        f"The programme is not mirrored into Discord's events: the bot lacks the "
        f"“{permission}” permission in this server. Give it, then restart the bot."
    )


def status_line(mirrored: int, window_hours: int, cap: int, missing: str | None) -> str:
    """Return ``/conference status``'s line about the event list."""
    if missing is not None:
        return f"Discord events: off (missing “{missing}”)"
    return (
        f"Discord events: {plural(mirrored, 'session')} mirrored "
        f"(next {window_hours} h, at most {cap})"
    )
