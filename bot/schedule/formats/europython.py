"""EuroPython's programapi JSON: ``sessions.json`` (+ ``speakers.json``) or a day file.

* sessions: ``{code: {code, title, speakers: [code], start, end, room, ...}}``; the
  speakers are read from the ``speakers`` file next to it (same name with
  "speakers" for "sessions"). Sessions not scheduled yet (``start: null``) are listed
  as problems.
* day file: ``{events: [...], rooms: [...]}`` with speakers embedded, integer-minute
  durations and breaks (no code) across several rooms.

The pretalx ``code`` is the stable id. Tutorials split into two halves share a code;
the later half gets ``CODE-2``. A break's id is made of its start and title.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from bot.schedule.formats.builder import (
    ImportResult,
    ScheduleBuilder,
    cancelled_title,
    slug,
    stable_id,
    web_address,
)
from bot.schedule.formats.durations import parse_duration
from bot.schedule.formats.markup import discord_markdown, plain
from bot.schedule.model import Session

__all__ = ["FORMAT", "looks_like", "read"]

FORMAT = "europython"


def _is_day(data: object) -> bool:
    return isinstance(data, dict) and isinstance(data.get("events"), list) and "rooms" in data


def _entries(data: object, required: str) -> bool:
    if not isinstance(data, dict) or not data:
        return False
    return all(isinstance(v, dict) and "code" in v and required in v for v in data.values())


def looks_like(data: object) -> bool:
    """Return whether parsed JSON ``data`` is a programapi sessions, speakers or day file."""
    return _is_day(data) or _entries(data, "title") or _entries(data, "submissions")


def read(data: Any, *, source: str, zone: str | None, path: Path | None = None) -> ImportResult:
    """Return the schedule in programapi ``data`` (``path`` finds the companion file)."""
    builder = ScheduleBuilder(source, FORMAT)
    builder.conference(None)
    builder.use_zone(None, zone, key="zone")
    if _is_day(data):
        _read_day(builder, data)
        return builder.build()
    if _entries(data, "submissions"):  # given the speakers file: read its sessions twin
        speakers_data = data
        sessions_data = _companion(builder, path, "speakers", "sessions")
    else:
        sessions_data = data
        speakers_data = _companion(builder, path, "sessions", "speakers")
    _read_sessions(builder, sessions_data or {}, speakers_data or {})
    return builder.build()


def _companion(builder: ScheduleBuilder, path: Path | None, this: str, other: str) -> Any:
    if path is None or this not in path.name:
        builder.problem("", f"no {other} file next to it (name it like this one, with {other})")
        return None
    twin = path.with_name(path.name.replace(this, other))
    try:
        return json.loads(twin.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        builder.problem("", f"cannot read {twin.name}: {error}")
        return None


def _distinct_ids(codes: list[str]) -> list[str]:
    """Return ids for ``codes`` in order: repeats of a code get "-2", "-3"..."""
    seen: Counter[str] = Counter()
    ids = []
    for code in codes:
        seen[code] += 1
        ids.append(code if seen[code] == 1 else f"{code}-{seen[code]}")
    return ids


def _read_day(builder: ScheduleBuilder, data: dict[str, Any]) -> None:
    for room in data.get("rooms") or ():
        builder.room(room)
    events = [event for event in data["events"] if isinstance(event, dict)]
    events.sort(key=lambda event: str(event.get("start")))
    first = next((e["start"] for e in events if isinstance(e.get("start"), str)), None)
    if first is not None:
        builder.offset_zone(first)
    keys = [
        str(event.get("code") or f"{str(event.get('start'))[:16]}-{slug(str(event.get('title')))}")
        for event in events
    ]
    for event, key in zip(events, _distinct_ids(keys), strict=True):
        where = f"event {event.get('code') or event.get('title')}"
        start = builder.instant(event.get("start"), where)
        duration = parse_duration(event.get("duration"))
        title = plain(event.get("title"))
        if start is None or duration is None or title is None:
            if duration is None and start is not None:
                builder.problem(where, f"duration {event.get('duration')!r} is not minutes")
            continue
        speaker_ids = []
        for person in event.get("speakers") or ():
            if isinstance(person, dict):
                speaker_id = builder.speaker(
                    person.get("code"),
                    person.get("name"),
                    avatar_url=person.get("avatar"),
                    url=person.get("website_url"),
                )
                if speaker_id is not None:
                    speaker_ids.append(speaker_id)
        rooms = [room for room in event.get("rooms") or () if isinstance(room, str)]
        title, cancelled = cancelled_title(title)
        builder.session(
            Session(
                id=stable_id(key),
                title=title,
                start=start,
                end=start + duration,
                # A break or an announcement spans several rooms; the model has one room.
                room_id=builder.room(rooms[0]) if len(rooms) == 1 else None,
                track_id=builder.track(event.get("track")),
                kind=plain(event.get("session_type") or event.get("event_type"), limit=64),
                speaker_ids=tuple(speaker_ids),
                url=web_address(event.get("website_url")),
                cancelled=cancelled,
            ),
            where,
        )


def _read_sessions(
    builder: ScheduleBuilder, sessions: dict[str, Any], speakers: dict[str, Any]
) -> None:
    known: dict[str, str] = {}
    for code, person in speakers.items():
        if not isinstance(person, dict):
            continue
        speaker_id = builder.speaker(
            person.get("code") or code,
            person.get("name"),
            affiliation=person.get("affiliation"),
            bio=person.get("biography"),
            avatar_url=person.get("avatar"),
            url=person.get("website_url"),
            links=tuple(
                person.get(key)
                for key in ("homepage", "gitx", "linkedin_url", "mastodon_url", "twitter_url")
            ),
        )
        if speaker_id is not None:
            known[str(code)] = speaker_id
    for code, item in sessions.items():
        if not isinstance(item, dict):
            continue
        where = f"session {code}"
        title = plain(item.get("title"))
        if title is None:
            builder.problem(where, "has no title; left out")
            continue
        if item.get("start") is None:
            builder.problem(where, f'"{title}" is not scheduled yet (start is null); left out')
            continue
        start = builder.instant(item.get("start"), where)
        if start is None:
            continue
        if builder.zone is None:
            builder.offset_zone(str(item["start"]))
        end = builder.instant(item["end"], where, key="end") if item.get("end") else None
        duration = parse_duration(item.get("duration"))
        if end is None and duration is not None:
            end = start + duration
        if end is None:
            builder.problem(where, "has neither an end nor a duration; left out")
            continue
        speaker_ids = []
        for speaker_code in item.get("speakers") or ():
            if str(speaker_code) in known:
                speaker_ids.append(known[str(speaker_code)])
            else:
                builder.problem(where, f"speaker {speaker_code} is not in the speakers file")
        title, cancelled = cancelled_title(title)
        builder.session(
            Session(
                id=stable_id(item.get("code") or code),
                title=title,
                start=start,
                end=end,
                abstract=discord_markdown(item.get("abstract")),
                room_id=builder.room(item.get("room")),
                track_id=builder.track(item.get("track")),
                kind=plain(item.get("session_type"), limit=64),
                speaker_ids=tuple(speaker_ids),
                url=web_address(item.get("website_url")),
                cancelled=cancelled,
            ),
            where,
        )
