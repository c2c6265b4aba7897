"""What the mirror's parts (actions, interest) read of the mirror, as a protocol.

Keeps ``actions.py`` and ``interest.py`` from importing ``service.py``, which builds them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.events.plan import EventSpec
from bot.events.port import EventsPort
from bot.schedule.model import Session


class MirrorView(Protocol):
    """The mirror as its parts see it."""

    port: EventsPort | None
    guild_id: int | None

    @property
    def active(self) -> bool:
        """Return whether the mirror runs (enabled, connected, permitted)."""
        ...

    def spec(self, session: Session) -> EventSpec:
        """Return what ``session``'s event should say."""
        ...

    async def plan(self, now: datetime) -> dict[str, int]:
        """Write one row for each session whose event must change."""
        ...

    def note_event(self, session_id: str, event_id: int | None) -> None:
        """Remember the session's event (its link), or that it has none."""
        ...

    async def created(self, session_id: str, event_id: int) -> None:
        """Note a new (or found) event of the session: presses kept for it, the sweep."""
        ...

    async def queue(
        self,
        guild_id: int,
        session_id: str,
        generation: int,
        revision: int,
        *,
        revert: bool = False,
    ) -> None:
        """Make one row the session's only pending one."""
        ...
