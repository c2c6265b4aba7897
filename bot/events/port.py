"""The Discord side of the events feature, as a protocol the cog implements.

Each method is one request (``users`` one page). Failures are raised as
:class:`~bot.delivery.DeliveryError`, classified the way the delivery engine's sender
classifies them (``ambiguous``: the request may have landed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol

from bot.events.plan import EventSpec

EventStatus = Literal["scheduled", "active", "completed", "canceled"]
# topics/opcodes-and-status-codes: the event is gone (deleted by someone, or never made).
UNKNOWN_EVENT = 10070
# "Cannot update a finished event": it is COMPLETED or CANCELED already.
FINISHED_EVENT = 180000


@dataclass(frozen=True, slots=True)
class SeenEvent:
    """A scheduled event as Discord lists it."""

    id: int
    creator_id: int | None
    name: str
    description: str
    status: EventStatus
    start: datetime
    end: datetime | None
    location: str | None
    channel_id: int | None = None

    @property
    def open(self) -> bool:
        """Return whether it counts toward Discord's 100 (SCHEDULED or ACTIVE)."""
        return self.status in ("scheduled", "active")


_STATUSES: dict[int, EventStatus] = {1: "scheduled", 2: "active", 3: "completed", 4: "canceled"}


def _time(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def seen_from_payload(data: dict[str, Any]) -> SeenEvent | None:
    """Return the event of a GUILD_SCHEDULED_EVENT_UPDATE payload (``None`` if malformed)."""
    start = _time(data.get("scheduled_start_time"))
    if start is None or "id" not in data:
        return None
    creator = data.get("creator_id")
    channel = data.get("channel_id")
    return SeenEvent(
        id=int(data["id"]),
        creator_id=int(creator) if creator else None,
        name=str(data.get("name") or ""),
        description=str(data.get("description") or ""),
        status=_STATUSES.get(int(data.get("status") or 1), "scheduled"),
        start=start,
        end=_time(data.get("scheduled_end_time")),
        location=(data.get("entity_metadata") or {}).get("location"),
        channel_id=int(channel) if channel else None,
    )


class EventsPort(Protocol):
    """The requests the events feature makes to Discord."""

    @property
    def bot_user_id(self) -> int | None:
        """Return the bot's user id (its events are the ones it created)."""
        ...

    def guild_id(self) -> int | None:
        """Return the conference server's id, once the gateway is ready."""
        ...

    def missing_permission(self, guild_id: int) -> str | None:
        """Return the name of a permission the mirror needs and lacks, or ``None``."""
        ...

    async def create(self, guild_id: int, spec: EventSpec) -> SeenEvent:
        """Create ``spec``'s event; return it."""
        ...

    async def edit(self, guild_id: int, event_id: int, spec: EventSpec) -> SeenEvent:
        """Write ``spec``'s fields to the event; return it."""
        ...

    async def set_status(self, guild_id: int, event_id: int, status: EventStatus) -> None:
        """Start, end or cancel the event."""
        ...

    async def delete(self, guild_id: int, event_id: int) -> None:
        """Delete the event."""
        ...

    async def events(self, guild_id: int) -> list[SeenEvent]:
        """Return every scheduled event of the server."""
        ...

    async def interested(self, guild_id: int, event_id: int, after: int) -> list[int]:
        """Return up to 100 ids of the users Interested in the event, above ``after``."""
        ...
