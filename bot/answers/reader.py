"""Who is reading: a person's stored profile as the :class:`Reader` times are shown to."""

from __future__ import annotations

from bot.rendering.reader import Reader, zone_hint
from bot.storage.database import Database
from bot.timezones import ClockStyle

__all__ = ["Reader", "reader_for", "zone_hint"]


async def reader_for(database: Database, user_id: int, conference_zone: str) -> Reader:
    """Return the reader profile of ``user_id`` (the conference zone if they set none)."""
    profile = await database.users.get(user_id)
    if profile is None or profile.zone is None:
        clock: ClockStyle = profile.clock if profile is not None else "24h"
        return Reader(conference_zone, clock, conference_zone, zone_is_set=False)
    return Reader(profile.zone, profile.clock, conference_zone, zone_is_set=True)
