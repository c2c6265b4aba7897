"""iCalendar (``.ics``): one session per VEVENT, recurring ones expanded.

Parsed with icalendar, RRULE/RDATE expanded with recurring-ical-events. Times may
carry a TZID (read as wall time in that IANA zone), be UTC, or float (wall time in
the conference zone: ``X-WR-TIMEZONE``, else ``--tz``/the config's zone, else the
first TZID). Expansion stops at :data:`MAX_OCCURRENCES` (an RRULE may never end). The UID is
the stable id; an occurrence of a recurring event adds its original start.
``STATUS:CANCELLED`` marks the session cancelled. Speakers come from ATTENDEE CNs,
else from a first DESCRIPTION line "Speaker: A, B" (or German "von: A").
"""

from __future__ import annotations

import itertools
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import icalendar
import recurring_ical_events

from bot.errors import ConfigError
from bot.schedule.formats.builder import (
    ImportResult,
    ScheduleBuilder,
    cancelled_title,
    stable_id,
    web_address,
)
from bot.schedule.formats.markup import discord_markdown, plain
from bot.schedule.model import Session
from bot.timezones import is_valid_zone, localize_wall_time

__all__ = ["FORMAT", "MAX_OCCURRENCES", "read"]

FORMAT = "ical"
MAX_OCCURRENCES = 10_000

_SPEAKER_LINE = re.compile(r"^\s*(?:speakers?|presenters?|presented by|by|von)\s*:\s*(.+)$", re.I)
_NAME_SEPARATORS = re.compile(r"\s*(?:,|;|\band\b|\bund\b|&)\s*")


def read(content: bytes, *, source: str, zone: str | None) -> ImportResult:
    """Return the schedule in iCalendar ``content``; floating times are wall time in ``zone``.

    :raises ConfigError: not an iCalendar file.
    """
    try:
        calendar = icalendar.Calendar.from_ical(content)
    except ValueError as error:
        raise ConfigError([f"{source}: not a valid iCalendar file: {error}"]) from None
    builder = ScheduleBuilder(source, FORMAT)
    builder.conference(
        calendar.get("X-WR-CALNAME") or calendar.get("X-WR-CALDESC"),
        description=calendar.get("X-WR-CALDESC"),
    )
    builder.use_zone(calendar.get("X-WR-TIMEZONE"), zone, key="X-WR-TIMEZONE")
    components = list(calendar.walk("VEVENT"))
    if builder.zone is None and not builder.problems:
        _zone_from_tzid(builder, components)
    recurring = {
        str(component.get("UID"))
        for component in components
        if component.get("RRULE") or component.get("RDATE") or component.get("RECURRENCE-ID")
    }
    if builder.zone is None:
        _zone_from_offsets(builder, components)
    # An RRULE without COUNT or UNTIL never ends: stop at a number no programme reaches.
    occurrences = recurring_ical_events.of(calendar).all()
    for event in itertools.islice(occurrences, MAX_OCCURRENCES):
        _read_event(builder, event, recurring)
    if next(iter(occurrences), None) is not None:
        builder.note(f"more than {MAX_OCCURRENCES} events (an endless RRULE?); the rest left out")
    return builder.build()


def _zone_from_tzid(builder: ScheduleBuilder, components: list[Any]) -> None:
    """Without X-WR-TIMEZONE, the conference zone is the first event's TZID (noted)."""
    for component in components:
        start = component.get("DTSTART")
        tzid = start.params.get("TZID") if start is not None else None
        if isinstance(tzid, str) and is_valid_zone(tzid):
            builder.zone = tzid
            builder.note(f"the calendar names no zone (X-WR-TIMEZONE); using {tzid}, its TZID")
            return


def _zone_from_offsets(builder: ScheduleBuilder, components: list[Any]) -> None:
    """Without any zone, fall back to the first event's UTC offset."""
    for component in components:
        start = component.get("DTSTART")
        if start is not None and isinstance(start.dt, datetime) and start.dt.tzinfo:
            builder.offset_zone(start.dt.isoformat())
            return


def _instant(builder: ScheduleBuilder, value: object, where: str) -> datetime | None:
    if not isinstance(value, datetime):
        return None
    if value.tzinfo is None:
        return builder.wall_instant(value, where)
    name = getattr(value.tzinfo, "key", None)
    if isinstance(name, str) and name != "UTC" and is_valid_zone(name):
        # Read the wall time through bot.timezones, as every other zone in confbot is.
        return localize_wall_time(value.replace(tzinfo=None), name)
    return value.astimezone(UTC)


def _speakers(event: Any, description: str | None) -> tuple[list[str], str | None]:
    """Return the speakers' names and the description without its "Speaker:" line."""
    attendees = event.get("ATTENDEE")
    if attendees is not None:
        attendees = attendees if isinstance(attendees, list) else [attendees]
        names = [str(a.params.get("CN")) for a in attendees if a.params.get("CN")]
        if names:
            return names, description
    if description:
        first, _, rest = description.partition("\n")
        if match := _SPEAKER_LINE.match(first):
            names = [name for name in _NAME_SEPARATORS.split(match[1].strip()) if name]
            return names, rest.strip() or None
    return [], description


def _read_event(builder: ScheduleBuilder, event: Any, recurring: set[str]) -> None:
    uid = str(event.get("UID") or "")
    summary = plain(str(event.get("SUMMARY") or ""))
    where = f"event {uid or summary}"
    start_value = event.get("DTSTART")
    start_raw = start_value.dt if start_value is not None else None
    if isinstance(start_raw, date) and not isinstance(start_raw, datetime):
        builder.note(f'{where}: "{summary}" is an all-day event; left out')
        return
    if not uid or summary is None:
        builder.problem(where, "has no UID or no SUMMARY; left out")
        return
    start = _instant(builder, start_raw, where)
    end_value = event.get("DTEND")
    if end_value is not None:
        end = _instant(builder, end_value.dt, where)
    elif event.get("DURATION") is not None:
        end = start + event.get("DURATION").dt if start is not None else None
    else:
        end = start + timedelta(0) if start is not None else None
    if start is None or end is None:
        if start_raw is None:
            builder.problem(where, "has no DTSTART; left out")
        return
    key = uid
    if uid in recurring:
        key = f"{uid}-{start.astimezone(UTC):%Y%m%dT%H%MZ}"
        recurrence = event.get("RECURRENCE-ID")
        if recurrence is not None and isinstance(recurrence.dt, datetime):
            original = _instant(builder, recurrence.dt, where) or start
            key = f"{uid}-{original.astimezone(UTC):%Y%m%dT%H%MZ}"
    raw_description = event.get("DESCRIPTION")
    description = str(raw_description).replace("\r\n", "\n") if raw_description else None
    names, description = _speakers(event, description)
    speaker_ids = [sid for name in names if (sid := builder.speaker(None, name)) is not None]
    categories = event.get("CATEGORIES")
    track = None
    if categories is not None:
        first = categories[0] if isinstance(categories, list) else categories
        track = next(iter(getattr(first, "cats", [])), None)
    title, cancelled = cancelled_title(summary)
    status = str(event.get("STATUS") or "").upper()
    builder.session(
        Session(
            id=stable_id(key),
            title=title,
            start=start,
            end=end,
            abstract=discord_markdown(description),
            room_id=builder.room(str(event.get("LOCATION") or "")),
            track_id=builder.track(track),
            speaker_ids=tuple(speaker_ids),
            url=web_address(str(event.get("URL") or "")),
            cancelled=cancelled or status == "CANCELLED",
        ),
        where,
    )
