"""Time zones: the one module that imports pytz.

UTC inside, the reader's IANA zone only at the edges. pytz zones must only be used
through ``localize()`` (wall time -> aware) and ``normalize()`` (after arithmetic);
``datetime(..., tzinfo=pytz_zone)`` silently picks the zone's first historical
offset (LMT), which is why nothing outside this module touches pytz.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from functools import lru_cache

import pytz

from bot.errors import AmbiguousTimeError, NonExistentTimeError, UnknownZoneError

__all__ = ["UTC", "get_zone", "is_valid_zone", "localize_wall_time", "to_local"]


@lru_cache(maxsize=1024)
def _zone(name: str) -> tzinfo:
    return pytz.timezone(name)


def is_valid_zone(name: str) -> bool:
    """Return whether ``name`` is an IANA zone name pytz knows (exact spelling)."""
    try:
        _zone(name)
    except pytz.UnknownTimeZoneError:
        return False
    return True


def get_zone(name: str) -> tzinfo:
    """Return the pytz zone for an exact IANA name.

    :raises UnknownZoneError: the name is not an IANA zone.
    """
    try:
        return _zone(name)
    except pytz.UnknownTimeZoneError:
        raise UnknownZoneError(f"“{name}” is not a time zone I know.") from None


def localize_wall_time(naive: datetime, zone_name: str) -> datetime:
    """Return the aware UTC instant of a local wall-clock time in ``zone_name``.

    :raises NonExistentTimeError: the time falls in a DST gap (it never happens).
    :raises AmbiguousTimeError: the time falls in a DST fold (it happens twice).
    """
    if naive.tzinfo is not None:
        raise ValueError("localize_wall_time expects a naive wall-clock time")
    zone = get_zone(zone_name)
    try:
        local = zone.localize(naive, is_dst=None)  # type: ignore[attr-defined]
    except pytz.NonExistentTimeError:
        raise NonExistentTimeError(
            f"{naive:%Y-%m-%d %H:%M} does not exist in {zone_name}: "
            "the clocks skip it for daylight saving time."
        ) from None
    except pytz.AmbiguousTimeError:
        raise AmbiguousTimeError(
            f"{naive:%Y-%m-%d %H:%M} happens twice in {zone_name} "
            "(daylight saving time ends): give the UTC offset too."
        ) from None
    return local.astimezone(UTC)


def to_local(instant: datetime, zone_name: str) -> datetime:
    """Return ``instant`` (aware) as wall-clock time in ``zone_name``."""
    if instant.tzinfo is None:
        raise ValueError("to_local expects an aware datetime")
    zone = get_zone(zone_name)
    return zone.normalize(instant.astimezone(zone))  # type: ignore[attr-defined]
