"""Sessionize's "All" API JSON: ``sessions``, ``speakers``, ``rooms``, ``categories``.

``startsAt``/``endsAt`` are naive local times: they are read in the conference zone
(``--tz`` or the config's ``guild.zone``), and refused without one. Service sessions
(breaks, lunch) keep the kind "service" and plenum sessions "plenum". The track is
the item of the category named like a track (else of the first session category).
"""

from __future__ import annotations

from typing import Any

from bot.schedule.formats.builder import (
    ImportResult,
    ScheduleBuilder,
    cancelled_title,
    stable_id,
    web_address,
)
from bot.schedule.formats.markup import discord_markdown, plain
from bot.schedule.model import Session

__all__ = ["FORMAT", "looks_like", "read"]

FORMAT = "sessionize"


def looks_like(data: object) -> bool:
    """Return whether parsed JSON ``data`` is a Sessionize "All" export."""
    if not isinstance(data, dict) or not isinstance(data.get("sessions"), list):
        return False
    if "speakers" not in data or "rooms" not in data:
        return False
    first = next((item for item in data["sessions"] if isinstance(item, dict)), None)
    return first is None or "startsAt" in first


def _track_items(categories: object) -> dict[object, str]:
    """Return category item id -> name for the category that holds the tracks."""
    lists = [c for c in categories if isinstance(c, dict)] if isinstance(categories, list) else []
    lists = [c for c in lists if c.get("type", "session") == "session"]
    chosen = next(
        (c for c in lists if "track" in str(c.get("title", "")).casefold()),
        lists[0] if lists else None,
    )
    if chosen is None:
        return {}
    return {
        item.get("id"): str(item.get("name"))
        for item in chosen.get("items") or ()
        if isinstance(item, dict) and item.get("name")
    }


def read(data: dict[str, Any], *, source: str, zone: str | None) -> ImportResult:
    """Return the schedule in a Sessionize export; naive times are wall time in ``zone``."""
    builder = ScheduleBuilder(source, FORMAT)
    builder.use_zone(None, zone, key="zone")
    rooms = {
        room.get("id"): builder.room(room.get("name"))
        for room in data.get("rooms") or ()
        if isinstance(room, dict)
    }
    tracks = _track_items(data.get("categories"))
    for name in tracks.values():
        builder.track(name)
    speakers: dict[str, str] = {}
    for person in data.get("speakers") or ():
        if not isinstance(person, dict) or person.get("id") is None:
            continue
        name = person.get("fullName") or " ".join(
            str(part) for part in (person.get("firstName"), person.get("lastName")) if part
        )
        speaker_id = builder.speaker(
            person["id"],
            name,
            affiliation=person.get("tagLine"),
            bio=person.get("bio"),
            avatar_url=person.get("profilePicture"),
            links=tuple(
                link.get("url") for link in person.get("links") or () if isinstance(link, dict)
            ),
        )
        if speaker_id is not None:
            speakers[str(person["id"])] = speaker_id
    for item in data["sessions"]:
        if isinstance(item, dict):
            _read_session(builder, item, rooms, tracks, speakers)
    return builder.build()


def _read_session(
    builder: ScheduleBuilder,
    item: dict[str, Any],
    rooms: dict[object, str | None],
    tracks: dict[object, str],
    speakers: dict[str, str],
) -> None:
    key = item.get("id")
    where = f"session {key}"
    title = plain(item.get("title"))
    if key in (None, "") or title is None:
        builder.problem(where, "has no id or no title; left out")
        return
    if item.get("startsAt") is None:
        builder.problem(where, f'"{title}" is not scheduled yet (no startsAt); left out')
        return
    start = builder.instant(item.get("startsAt"), where, key="startsAt")
    end = builder.instant(item.get("endsAt"), where, key="endsAt")
    if start is None or end is None:
        return
    speaker_ids = []
    for speaker_key in item.get("speakers") or ():
        # The "All" export lists ids; the per-session endpoints list {id, name}.
        speaker_key = speaker_key.get("id") if isinstance(speaker_key, dict) else speaker_key
        speaker_id = speakers.get(str(speaker_key))
        if speaker_id is None:
            builder.problem(where, f"speaker {speaker_key} is not in speakers; not linked")
        else:
            speaker_ids.append(speaker_id)
    track = next(
        (tracks[item_id] for item_id in item.get("categoryItems") or () if item_id in tracks),
        None,
    )
    if item.get("isServiceSession"):
        kind: str | None = "service"
    elif item.get("isPlenumSession"):
        kind = "plenum"
    else:
        kind = None
    title, cancelled = cancelled_title(title)
    status = str(item.get("status") or "").casefold()
    builder.session(
        Session(
            id=stable_id(key),
            title=title,
            start=start,
            end=end,
            abstract=discord_markdown(item.get("description")),
            room_id=rooms.get(item.get("roomId")),
            track_id=builder.track(track),
            kind=kind,
            speaker_ids=tuple(speaker_ids),
            stream_url=web_address(item.get("liveUrl")),
            cancelled=cancelled or status.startswith(("cancel", "declined")),
        ),
        where,
    )
