"""Who is reading: the zone and clock style to show times in, with the conference zone."""

from __future__ import annotations

from dataclasses import dataclass

from bot.timezones import ClockStyle

__all__ = ["Reader", "zone_hint"]


@dataclass(frozen=True, slots=True)
class Reader:
    """How to show times to one person."""

    zone: str
    clock: ClockStyle
    conference_zone: str
    zone_is_set: bool

    def in_zone(self, zone: str) -> Reader:
        """Return this reader asking about another zone ("…in Sydney?")."""
        return Reader(zone, self.clock, self.conference_zone, zone_is_set=True)


def zone_hint(reader: Reader) -> str | None:
    """Return the one-line hint for readers who have not set a zone, else ``None``."""
    if reader.zone_is_set:
        return None
    return (
        f"Times are in the conference's time zone ({reader.conference_zone}). "
        "Set yours with /timezone set."
    )
