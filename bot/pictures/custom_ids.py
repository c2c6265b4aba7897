"""The "Picture" button's custom_id: ``confbot:picture:<day>:<track>:<room>``.

The state a press needs travels in it (:mod:`bot.custom_ids`), so the button on any old
``/schedule`` answer draws its picture after a restart: the day as the reader typed it
(empty: today or the next day with sessions, at the time of the press), and the track's and
room's ids, each a digest (``#`` + 24 hex digits) when it is long or holds a ``:``.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote, unquote

from bot.custom_ids import CUSTOM_ID_LIMIT, PREFIX, digest, id_from_custom_id

__all__ = ["PICTURE_TEMPLATE", "PictureRequest", "picture_custom_id", "picture_request"]

PICTURE_TEMPLATE = rf"{PREFIX}:picture:(?P<day>[^:]*):(?P<track>[^:]*):(?P<room>[^:]*)"
_SHORT_ID = 24


def _id_part(value: str | None) -> str:
    if not value:
        return ""
    if len(value) > _SHORT_ID or value.startswith("#") or ":" in value or "%" in value:
        return "#" + digest(value)
    return value


def picture_custom_id(day: str | None, track_id: str | None, room_id: str | None) -> str | None:
    """Return the button's custom_id, ``None`` when the typed day is too long to carry."""
    day_part = quote(day or "", safe="")
    custom_id = f"{PREFIX}:picture:{day_part}:{_id_part(track_id)}:{_id_part(room_id)}"
    return custom_id if len(custom_id) <= CUSTOM_ID_LIMIT else None


PictureRequest = tuple[str | None, str | None, str | None]


def picture_request(
    day: str, track: str, room: str, track_ids: Iterable[str], room_ids: Iterable[str]
) -> PictureRequest:
    """Return (day, track id, room id) from a custom_id's parts (an id gone: ``None``)."""
    return (
        unquote(day) or None,
        id_from_custom_id(track, track_ids) if track else None,
        id_from_custom_id(room, room_ids) if room else None,
    )
