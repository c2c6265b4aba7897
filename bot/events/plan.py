"""Which sessions are mirrored now, and what each one's scheduled event says (plain data).

Discord's rules (resources/guild-scheduled-event): name 1-100 characters, description
1-1000, location 1-100; an EXTERNAL event needs a location and an end; at most 100
SCHEDULED or ACTIVE events per server (the configured cap stays under it).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Literal

from bot.events.texts import event_description, event_location
from bot.rendering.text import truncate
from bot.schedule.model import Session

EntityType = Literal["external", "voice", "stage"]
NAME_LIMIT, DESCRIPTION_LIMIT, LOCATION_LIMIT = 100, 1000, 100


@dataclass(frozen=True, slots=True)
class EventSpec:
    """What one session's event should say; ``fields()`` is what is compared and written."""

    session_id: str
    name: str
    description: str
    start: datetime
    end: datetime
    entity_type: EntityType
    location: str | None = None
    channel_id: int | None = None

    def fields(self) -> dict[str, object]:
        """Return the written fields as JSON-able data (times as ISO strings)."""
        data = asdict(self)
        data["start"] = self.start.isoformat()
        data["end"] = self.end.isoformat()
        return data

    def fingerprint(self) -> str:
        """Return a short digest of the fields (one outbox row per distinct version)."""
        encoded = json.dumps(self.fields(), sort_keys=True).encode()
        return hashlib.sha256(encoded).hexdigest()[:12]


def session_marker(session_id: str) -> str:
    """Return the tag that ends the description of the bot's event for ``session_id``.

    Discord events carry no nonce: after an answer was lost, the bot lists the server's
    events and finds its own by this tag (with itself as the creator) before creating one.
    """
    digest = hashlib.sha256(session_id.encode()).hexdigest()[:10]
    return f"[confbot:{digest}]"


_MARKER = re.compile(r"\[confbot:[0-9a-f]{10}\]")


def marker_in(description: str) -> str | None:
    """Return the session marker a description ends with (the last one), or ``None``."""
    found = _MARKER.findall(description)
    return found[-1] if found else None


@dataclass(frozen=True, slots=True)
class Venue:
    """Where a session's event points: the room's type, channel link or stream, name."""

    entity_type: EntityType = "external"
    channel_id: int | None = None
    channel_link: str | None = None
    stream_url: str | None = None
    room_name: str | None = None


def spec_for(session: Session, venue: Venue, speakers: Iterable[str] = ()) -> EventSpec:
    """Return ``session``'s event, fitted to Discord's limits."""
    marker = session_marker(session.id)
    description = event_description(
        session, list(speakers), venue.channel_link, DESCRIPTION_LIMIT - len(marker) - 2
    )
    location = None
    if venue.entity_type == "external":
        location = event_location(
            venue.channel_link, session.stream_url or venue.stream_url, venue.room_name
        )
        location = truncate(location, LOCATION_LIMIT)
    return EventSpec(
        session_id=session.id,
        name=truncate(session.title.strip() or session.id, NAME_LIMIT),
        description=f"{description}\n\n{marker}" if description else marker,
        start=session.start,
        end=session.end,
        entity_type=venue.entity_type,
        location=location,
        channel_id=venue.channel_id if venue.entity_type != "external" else None,
    )


def in_window(
    sessions: Iterable[Session], now: datetime, window: timedelta, cap: int
) -> list[Session]:
    """Return the sessions to mirror at ``now``: not ended, starting within ``window``.

    The first ``cap`` by start time (then id), so the list never exceeds the cap.
    """
    until = now + window
    chosen = [s for s in sessions if s.end > now and s.start < until and not s.cancelled]
    chosen.sort(key=lambda s: (s.start, s.id))
    return chosen[:cap]
