"""frab / pretalx / c3voc ``schedule.json``, and frab's legacy 0.8 JSON.

``schedule.conference.days[].rooms{room name: [event, ...]}``. Each event's ``guid``
is its stable id (numeric ``id``s repeat in merged c3voc schedules and change when
wafer reschedules); without a guid, the pretalx ``code``, then the ``id``. An event's
``date`` (ISO 8601 with offset) is its exact start; legacy files without one get
the day's date and ``start``, placed past midnight by :mod:`.frab_days`.
Durations are "H:MM" (hours may exceed 23) or ISO 8601.
"""

from __future__ import annotations

import html
from datetime import date
from typing import Any

from bot.schedule.formats.builder import (
    ImportResult,
    ScheduleBuilder,
    cancelled_title,
    stable_id,
    web_address,
)
from bot.schedule.formats.durations import parse_duration
from bot.schedule.formats.frab_days import DayClock
from bot.schedule.formats.markup import discord_markdown, plain
from bot.schedule.model import Session

__all__ = ["FORMAT", "looks_like", "read"]

FORMAT = "schedule-json"


def looks_like(data: object) -> bool:
    """Return whether parsed JSON ``data`` is a frab-family schedule."""
    schedule = data.get("schedule") if isinstance(data, dict) else None
    conference = schedule.get("conference") if isinstance(schedule, dict) else None
    return isinstance(conference, dict) and isinstance(conference.get("days"), list)


def _legacy_text(text: object) -> object:
    """Undo frab 0.8's escaping: entities, and the literal quotes wrapped around the text."""
    if not isinstance(text, str):
        return text
    value = html.unescape(text).strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    return value


def _as_is(value: object) -> object:
    return value


def _person_name(person: dict[str, Any]) -> object:
    return person.get("public_name") or person.get("name") or person.get("full_public_name")


def read(data: Any, *, source: str, zone: str | None) -> ImportResult:
    """Return the schedule in parsed ``schedule.json`` ``data``; ``zone`` if it names none."""
    builder = ScheduleBuilder(source, FORMAT)
    conference = data["schedule"]["conference"]
    legacy = str(data["schedule"].get("version", "")).startswith("0.")
    builder.conference(
        conference.get("title") or conference.get("acronym"),
        url=conference.get("url") or data["schedule"].get("base_url"),
    )
    builder.use_zone(conference.get("time_zone_name"), zone, key="time_zone_name")
    days = [day for day in conference["days"] if isinstance(day, dict)]
    if builder.zone is None:
        for day in days:
            for events in (day.get("rooms") or {}).values():
                for event in events if isinstance(events, list) else ():
                    if isinstance(event, dict) and isinstance(event.get("date"), str):
                        builder.offset_zone(event["date"])
    # The declared room and track lists keep the organisers' order.
    for room in conference.get("rooms") or ():
        if isinstance(room, dict):
            builder.room(room.get("name"))
    for track in conference.get("tracks") or ():
        if isinstance(track, dict):
            builder.track(track.get("name"))
    for day in days:
        _read_day(builder, day, legacy)
    return builder.build()


def _read_day(builder: ScheduleBuilder, day: dict[str, Any], legacy: bool) -> None:
    day_text = str(day.get("date") or "")
    try:
        day_date: date | None = date.fromisoformat(day_text[:10])
    except ValueError:
        day_date = None
    rooms = day.get("rooms")
    if not isinstance(rooms, dict):
        builder.problem(f"day {day_text or day.get('index')}", "rooms must be an object")
        return
    for room_name, events in rooms.items():
        if not isinstance(events, list):
            builder.problem(f'day {day_text}, room "{room_name}"', "events must be a list")
            continue
        clock = DayClock.for_day(day_date, day.get("day_end")) if day_date else None
        for event in events:
            if isinstance(event, dict):
                _read_event(builder, event, room_name, day_text, clock, legacy)


def _read_event(
    builder: ScheduleBuilder,
    event: dict[str, Any],
    room_name: str,
    day_text: str,
    clock: DayClock | None,
    legacy: bool,
) -> None:
    key = event.get("guid") or event.get("code") or event.get("id") or event.get("slug")
    where = f'day {day_text}, room "{room_name}", event {event.get("id") or key}'
    if key in (None, ""):
        builder.problem(where, "has no guid, code or id; left out")
        return
    # Read the listed start first so the room's clock advances even when date is given.
    wall = clock.wall(event.get("start")) if clock else None
    if isinstance(event.get("date"), str) and event["date"].strip():
        start = builder.instant(event["date"], where, key="date")
    elif wall is not None:
        start = builder.wall_instant(wall, where)
    else:
        builder.problem(where, f"start {event.get('start')!r} is not a time such as 14:30")
        return
    duration = parse_duration(event.get("duration"))
    if duration is None:
        builder.problem(
            where, f'duration {event.get("duration")!r} is not a duration such as "0:45"'
        )
        return
    title = plain(event.get("title"))
    if title is None:
        builder.problem(where, "has no title; left out")
        return
    if start is None:
        return
    title, cancelled = cancelled_title(title)
    text = _legacy_text if legacy else _as_is
    speaker_ids = []
    for person in event.get("persons") or ():
        if not isinstance(person, dict):
            continue
        speaker_id = builder.speaker(
            person.get("guid") or person.get("code") or person.get("id"),
            _person_name(person),
            bio=text(person.get("biography")),
            avatar_url=person.get("avatar"),
            url=person.get("url"),
            links=tuple(
                link.get("url") if isinstance(link, dict) else link
                for link in person.get("links") or ()
            ),
        )
        if speaker_id is not None and speaker_id not in speaker_ids:
            speaker_ids.append(speaker_id)
    abstract = discord_markdown(text(event.get("abstract"))) or discord_markdown(
        text(event.get("description"))
    )
    language = plain(event.get("language"), limit=32)
    builder.session(
        Session(
            id=stable_id(key),
            title=title,
            start=start,
            end=start + duration,
            abstract=abstract,
            room_id=builder.room(event.get("room") or room_name),
            track_id=builder.track(event.get("track")),
            kind=plain(event.get("type"), limit=64),
            language=language,
            speaker_ids=tuple(speaker_ids),
            url=web_address(event.get("url")),
            cancelled=cancelled,
        ),
        where,
    )
