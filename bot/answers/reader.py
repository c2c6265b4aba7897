"""Who is reading: their zone and clock preference, with the conference zone as default."""

from __future__ import annotations

from dataclasses import dataclass

from bot.storage.database import Database
from bot.timezones import Clock


@dataclass(frozen=True, slots=True)
class Reader:
    """How to show times to one person."""

    zone: str
    clock: Clock
    conference_zone: str
    zone_is_set: bool

    def in_zone(self, zone: str) -> Reader:
        """Return this reader asking about another zone ("…in Sydney?")."""
        return Reader(zone, self.clock, self.conference_zone, zone_is_set=True)


async def reader_for(database: Database, user_id: int, conference_zone: str) -> Reader:
    """Return the reader profile of ``user_id`` (the conference zone if they set none)."""
    profile = await database.users.get(user_id)
    if profile is None or profile.zone is None:
        clock: Clock = profile.clock if profile is not None else "24h"
        return Reader(conference_zone, clock, conference_zone, zone_is_set=False)
    return Reader(profile.zone, profile.clock, conference_zone, zone_is_set=True)


def zone_hint(reader: Reader) -> str | None:
    """Return the one-line hint for readers who have not set a zone, else ``None``."""
    if reader.zone_is_set:
        return None
    return (
        f"Times are in the conference's time zone ({reader.conference_zone}). "
        "Set yours with /timezone set."
    )
