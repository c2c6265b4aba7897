"""Conversions at the SQL boundary: aware UTC datetimes <-> stored ISO-8601 text.

Every timestamp column holds fixed-width ISO-8601 text in UTC with an explicit
offset and microseconds, e.g. ``2025-05-01T14:00:00.000000+00:00``. Fixed width
means text order is time order, so ``ORDER BY`` and ``<=`` work in SQL. Naive
datetimes are refused: callers only ever pass and receive aware datetimes.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any


def to_db_time(moment: datetime) -> str:
    """Return the stored text for an aware datetime (converted to UTC).

    :raises ValueError: ``moment`` is naive.
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"storage needs an aware datetime, got naive {moment!r}")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def to_db_time_or_none(moment: datetime | None) -> str | None:
    """Like :func:`to_db_time`, passing ``None`` through."""
    return None if moment is None else to_db_time(moment)


def from_db_time(text: str) -> datetime:
    """Return the aware UTC datetime for stored text."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:  # not written by us; treat as UTC rather than guess
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def from_db_time_or_none(text: str | None) -> datetime | None:
    """Like :func:`from_db_time`, passing ``None`` through."""
    return None if text is None else from_db_time(text)


def to_json(payload: dict[str, Any]) -> str:
    """Return compact, key-sorted JSON text for a payload."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def from_json(text: str) -> dict[str, Any]:
    """Return the payload dict stored as JSON text."""
    value = json.loads(text)
    if not isinstance(value, dict):
        raise ValueError(f"stored payload is not a JSON object: {text[:80]!r}")
    return value
