"""iCalendar (``.ics``): one session per VEVENT, recurring ones expanded.

Parsed with icalendar, RRULE/RDATE expanded with recurring-ical-events. Times may
carry a TZID (read as wall time in that IANA zone), be UTC, or float (wall time in
the conference zone: ``X-WR-TIMEZONE``, else ``--tz``/the config's zone, else the
first TZID). Expansion stops at :data:`MAX_OCCURRENCES` (an RRULE may never end). The UID is
the stable id; an occurrence of a recurring event adds its original start.

Events are read per UID, as RFC 5545 (3.8.4.4) groups them: one master (with or
without an RRULE) and the overrides whose RECURRENCE-ID replaces one of its instances.
Exports also write several unrelated events under one UID (no RECURRENCE-ID): each is
kept, under its UID and start (then its room, if two start together), and a note says
so; an override that matches no instance is kept as the event it describes. An exact
repeat of an event is kept once, noted. Nothing is left out without a note or a problem.
``STATUS:CANCELLED`` marks the session cancelled. Speakers come from ATTENDEE CNs,
else from a first DESCRIPTION line "Speaker: A, B" (or German "von: A").
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import icalendar
import recurring_ical_events

from bot.errors import ConfigError
from bot.schedule.formats.builder import (
    ImportResult,
    ScheduleBuilder,
    cancelled_title,
    slug,
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


def read(content: str | bytes, *, source: str, zone: str | None) -> ImportResult:
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
    if builder.zone is None:
        _zone_from_offsets(builder, components)
    zones = list(calendar.walk("VTIMEZONE"))
    groups: dict[str, list[Any]] = {}
    for component in components:
        groups.setdefault(str(component.get("UID") or ""), []).append(component)
    budget = MAX_OCCURRENCES
    shared: list[tuple[str, int]] = []
    for uid, group in groups.items():
        masters = [c for c in group if c.get("RECURRENCE-ID") is None]
        if uid and len(masters) > 1:
            shared.append((uid, len(masters)))
        occurrences: list[tuple[Any, bool]] = []
        overflow = False
        for events, derived in _occurrence_sets(group, masters, zones, bool(uid)):
            for event in itertools.islice(events, budget + 1):
                if budget == 0:
                    overflow = True
                    break
                budget -= 1
                occurrences.append((event, derived))
            if overflow:
                break
        _read_group(builder, occurrences)
        if overflow:
            builder.note(
                f"more than {MAX_OCCURRENCES} events (an endless RRULE?); the rest left out"
            )
            break
    if shared:
        count = sum(events for _, events in shared)
        examples = ", ".join(f'"{uid}" ({events})' for uid, events in shared[:3])
        builder.note(
            f"{count} events share {len(shared)} UID{'s' if len(shared) > 1 else ''} without "
            f"being instances of one recurring event (e.g. {examples}); each is kept, its id "
            "made of its UID and start"
        )
    return builder.build()


def _calendar(components: list[Any], zones: list[Any]) -> Any:
    calendar = icalendar.Calendar()
    for component in [*zones, *components]:
        calendar.add_component(component)
    return calendar


def _expanded(components: list[Any], zones: list[Any]) -> Any:
    """Return the occurrences of one master and its overrides (RRULE/RDATE/EXDATE applied)."""
    return recurring_ical_events.of(_calendar(components, zones)).all()


def _utc(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value
    return None


def _occurrence_sets(
    group: list[Any], masters: list[Any], zones: list[Any], has_uid: bool
) -> Iterator[tuple[Iterator[Any], bool]]:
    """Yield one UID's occurrences, per master, and whether their ids add their start.

    One master (or none): the library applies its overrides as RFC 5545 says. Several
    masters under one UID: each override goes to the master with an instance at its
    RECURRENCE-ID; one that matches none stands alone.
    """
    recurring = any(c.get("RRULE") or c.get("RDATE") or c.get("RECURRENCE-ID") for c in group)
    if len(masters) <= 1 or not has_uid:
        if not has_uid:  # no UID at all: each event is its own (its id made of its start)
            for component in group:
                yield iter([component]), True
            return
        yield iter(_expanded(group, zones)), recurring
        return
    overrides = [c for c in group if c.get("RECURRENCE-ID") is not None]
    assigned: list[list[Any]] = [[] for _ in masters]
    starts = [
        {
            _utc(e.get("DTSTART").dt)
            for e in itertools.islice(_expanded([m], zones), MAX_OCCURRENCES)
        }
        for m in (masters if overrides else [])
    ]
    for override in overrides:
        original = _utc(override.get("RECURRENCE-ID").dt)
        for index in range(len(masters)):
            if original in starts[index]:
                assigned[index].append(override)
                break
        else:
            yield iter(_expanded([override], zones)), True
    for master, its_overrides in zip(masters, assigned, strict=True):
        yield iter(_expanded([master, *its_overrides], zones)), True


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


def _original(event: Any) -> object:
    """Return the start an occurrence was scheduled at (its RECURRENCE-ID, else DTSTART)."""
    value = event.get("RECURRENCE-ID") or event.get("DTSTART")
    return _utc(value.dt) or (value.dt if value is not None else None)


def _content(event: Any) -> tuple[object, ...]:
    return tuple(
        str(event.get(key) or "")
        for key in ("SUMMARY", "DTSTART", "DTEND", "LOCATION", "DESCRIPTION")
    )


def _read_group(builder: ScheduleBuilder, occurrences: list[tuple[Any, bool]]) -> None:
    """Add one UID's occurrences: an exact repeat once (noted); events with the same start
    (each a different one) all have their room in their ids, whatever their order."""
    contents: dict[object, set[tuple[object, ...]]] = {}
    for event, _ in occurrences:
        contents.setdefault(_original(event), set()).add(_content(event))
    kept: set[tuple[object, ...]] = set()
    for event, derived in occurrences:
        content = (_original(event), *_content(event))
        if content in kept:
            summary = plain(str(event.get("SUMMARY") or ""))
            builder.note(
                f'event {event.get("UID") or summary}: "{summary}" is listed twice; kept once'
            )
            continue
        kept.add(content)
        crowded = derived and len(contents[_original(event)]) > 1
        _read_event(builder, event, derived, crowded)


def _read_event(builder: ScheduleBuilder, event: Any, derived: bool, crowded: bool) -> None:
    """Add one occurrence; ``derived``: its id adds its (original) start to the UID;
    ``crowded``: other events of its UID start then too, so its id adds its room."""
    uid = str(event.get("UID") or "")
    summary = plain(str(event.get("SUMMARY") or ""))
    where = f"event {uid or summary}"
    start_value = event.get("DTSTART")
    start_raw = start_value.dt if start_value is not None else None
    if isinstance(start_raw, date) and not isinstance(start_raw, datetime):
        builder.note(f'{where}: "{summary}" is an all-day event; left out')
        return
    if summary is None:
        builder.problem(where, "has no SUMMARY (no title); left out")
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
    if derived:
        original = start
        recurrence = event.get("RECURRENCE-ID")
        if recurrence is not None and isinstance(recurrence.dt, datetime):
            original = _instant(builder, recurrence.dt, where) or start
        key = f"{uid or slug(summary)}-{original.astimezone(UTC):%Y%m%dT%H%MZ}"
    location = str(event.get("LOCATION") or "")
    if crowded:
        key = f"{key}-{slug(location or summary)}"
    if not uid:
        builder.note(f'{where}: "{summary}" has no UID; its id is made of its start')
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
            room_id=builder.room(location),
            track_id=builder.track(track),
            speaker_ids=tuple(speaker_ids),
            url=web_address(str(event.get("URL") or "")),
            cancelled=cancelled or status == "CANCELLED",
        ),
        where,
    )
