"""frab / pentabarf / wafer / c3voc ``schedule.xml`` (see the c3voc XSDs).

``<schedule><conference/><day date=...><room name=...><event guid= id=>``. The
``guid`` attribute is the stable id (pentabarf has none: then the ``id``). An event's
``<date>`` is its exact start: wafer writes it in UTC while ``<start>`` is local, so
the date wins; without one (pentabarf), the day's date and ``<start>`` are placed
past midnight by :mod:`.frab_days`. Abstracts are HTML. Parsing uses defusedxml, so
no entity expansion or external entity reaches the parser.
"""

from __future__ import annotations

from datetime import date
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from bot.errors import ConfigError
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

__all__ = ["FORMAT", "read"]

FORMAT = "schedule-xml"


def _text(element: Element | None, tag: str) -> str | None:
    if element is None:
        return None
    found = element.find(tag)
    if found is None or found.text is None:
        return None
    return found.text.strip() or None


def read(content: str | bytes, *, source: str, zone: str | None) -> ImportResult:
    """Return the schedule in ``schedule.xml`` text; ``zone`` if the file names none.

    :raises ConfigError: not well-formed XML, or not a ``<schedule>``.
    """
    try:
        root = fromstring(content)
    except ParseError as error:
        line, column = error.position
        raise ConfigError(
            [f"{source}: not well-formed XML (at line {line}, column {column})"]
        ) from None
    except DefusedXmlException:
        raise ConfigError([f"{source}: the XML declares entities; refused"]) from None
    if root.tag != "schedule":
        raise ConfigError([f"{source}: the XML root is <{root.tag}>, not <schedule>"])
    builder = ScheduleBuilder(source, FORMAT)
    conference = root.find("conference")
    builder.conference(
        _text(conference, "title") or _text(conference, "acronym"),
        url=_text(conference, "base_url"),
    )
    builder.use_zone(_text(conference, "time_zone_name"), zone, key="time_zone_name")
    if builder.zone is None:
        for event_date in root.iter("date"):
            if event_date.text and event_date.text.strip():
                builder.offset_zone(event_date.text.strip())
                break
    for day in root.iter("day"):
        day_text = day.get("date", "")
        try:
            day_date: date | None = date.fromisoformat(day_text[:10])
        except ValueError:
            day_date = None
        for room in day.iter("room"):
            room_name = room.get("name", "")
            builder.room(room_name)
            clock = DayClock.for_day(day_date, day.get("end")) if day_date else None
            for event in room.iter("event"):
                _read_event(builder, event, room_name, day_text, clock)
    return builder.build()


def _read_event(
    builder: ScheduleBuilder,
    event: Element,
    room_name: str,
    day_text: str,
    clock: DayClock | None,
) -> None:
    key = event.get("guid") or event.get("id") or _text(event, "slug")
    where = f'day {day_text}, room "{room_name}", event {event.get("id") or key}'
    if not key:
        builder.problem(where, "has no guid or id; left out")
        return
    wall = clock.wall(_text(event, "start")) if clock else None
    event_date = _text(event, "date")
    if event_date:
        start = builder.instant(event_date, where, key="date")
    elif wall is not None:
        start = builder.wall_instant(wall, where)
    else:
        builder.problem(where, f"start {_text(event, 'start')!r} is not a time such as 14:30")
        return
    duration = parse_duration(_text(event, "duration"))
    if duration is None:
        builder.problem(
            where, f'duration {_text(event, "duration")!r} is not a duration such as "0:45"'
        )
        return
    title = plain(_text(event, "title"))
    if title is None:
        builder.problem(where, "has no title; left out")
        return
    if start is None:
        return
    title, cancelled = cancelled_title(title)
    speaker_ids = []
    persons = event.find("persons")
    for person in persons.iter("person") if persons is not None else ():
        speaker_id = builder.speaker(person.get("guid") or person.get("id"), person.text)
        if speaker_id is not None and speaker_id not in speaker_ids:
            speaker_ids.append(speaker_id)
    builder.session(
        Session(
            id=stable_id(key),
            title=title,
            start=start,
            end=start + duration,
            abstract=discord_markdown(_text(event, "abstract"))
            or discord_markdown(_text(event, "description")),
            room_id=builder.room(_text(event, "room") or room_name),
            track_id=builder.track(_text(event, "track")),
            kind=plain(_text(event, "type"), limit=64),
            language=plain(_text(event, "language"), limit=32),
            speaker_ids=tuple(speaker_ids),
            url=web_address(_text(event, "url")),
            cancelled=cancelled,
        ),
        where,
    )
