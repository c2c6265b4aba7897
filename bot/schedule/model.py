"""The conference model: immutable values, all instants aware and in UTC."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class Conference:
    """The event: its name, its home IANA zone, and where to read more."""

    name: str
    zone: str
    url: str | None = None
    description: str | None = None
    organisers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Room:
    """A place (physical or a stream) where sessions happen."""

    id: str
    name: str
    stream_url: str | None = None


@dataclass(frozen=True, slots=True)
class Track:
    """A thematic group of sessions."""

    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Speaker:
    """A person who speaks; ``discord_user_id`` links them to a Discord account."""

    id: str
    name: str
    affiliation: str | None = None
    bio: str | None = None
    avatar_url: str | None = None
    links: tuple[str, ...] = ()
    discord_user_id: int | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Session:
    """One scheduled item. ``start``/``end`` are aware UTC datetimes, ``end >= start``.

    ``end == start`` is a moment (an export's 0:00 marker such as "Doors open"): never
    running, reminded of at its start like any session.

    ``cancelled`` marks a session its source still lists as cancelled (iCalendar
    ``STATUS:CANCELLED``, a "CANCELLED" title); the bot's loader leaves those out.
    """

    id: str
    title: str
    start: datetime
    end: datetime
    abstract: str | None = None
    room_id: str | None = None
    track_id: str | None = None
    kind: str | None = None
    language: str | None = None
    speaker_ids: tuple[str, ...] = ()
    url: str | None = None
    stream_url: str | None = None
    # Kept (not dropped) so a re-import can tell "cancelled" from "removed".
    cancelled: bool = False

    @property
    def duration(self) -> timedelta:
        """Return the true (elapsed) duration, which DST changes do not alter."""
        return self.end - self.start

    def overlaps(self, instant: datetime) -> bool:
        """Return whether the session is running at ``instant`` (start inclusive)."""
        return self.start <= instant < self.end


@dataclass(frozen=True, slots=True)
class Schedule:
    """A whole conference programme: the model the rest of confbot reads."""

    conference: Conference
    sessions: tuple[Session, ...] = ()
    speakers: tuple[Speaker, ...] = ()
    rooms: tuple[Room, ...] = ()
    tracks: tuple[Track, ...] = field(default=())
