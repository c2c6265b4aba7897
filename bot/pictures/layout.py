"""Where everything goes on a day's picture, as plain data (no Pillow here).

Vertical positions are minutes of *elapsed* time since the top of the picture, so a day
with a DST change is 23 or 25 hours tall and no two sessions share a stretch they do not
share in reality. The hour ticks are placed where the reader's clock shows a whole hour:
on the spring-forward day the skipped hour has no tick, and on the fall-back day the
repeated hour's two ticks carry the zone's abbreviation ("02:00 CEST", "02:00 CET") so
each reading is shown once.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.rendering.reader import Reader
from bot.schedule.index import ScheduleIndex
from bot.schedule.model import Room, Session
from bot.timezones import format_day, format_time_range, to_local, zone_abbreviation

__all__ = ["ROOMS_PER_PICTURE", "Block", "DayLayout", "Tick", "day_layout"]

# A phone shows a picture about 400 points wide and lets the reader zoom in: five rooms
# keep a title legible when zoomed to one column. More rooms go on further pages.
ROOMS_PER_PICTURE = 5
_STEP = timedelta(minutes=15)  # whole hours fall on UTC quarter-hours in every zone
NO_ROOM = Room("", "No room")


@dataclass(frozen=True, slots=True)
class Tick:
    """A whole hour on the reader's clock, ``minute`` minutes from the top."""

    minute: float
    label: str


@dataclass(frozen=True, slots=True)
class Block:
    """One session's box: its column, its span in minutes from the top, what it says."""

    session_id: str
    column: int
    top: float
    bottom: float
    title: str
    time: str
    speakers: str
    on_agenda: bool
    lane: int = 0
    lanes: int = 1
    """Sessions overlapping in one room share its column side by side: ``lane`` of ``lanes``."""


@dataclass(frozen=True, slots=True)
class DayLayout:
    """One local day (or one page of its rooms) ready to draw, with its alt text."""

    heading: str
    subheading: str
    columns: tuple[str, ...]
    ticks: tuple[Tick, ...]
    blocks: tuple[Block, ...]
    minutes: float
    now: Tick | None
    page: int
    pages: int
    description: str


def _hour_label(local: datetime, reader: Reader) -> str:
    if reader.clock == "12h":
        return f"{(local.hour - 1) % 12 + 1} {'a.m.' if local.hour < 12 else 'p.m.'}"
    return f"{local:%H}:00"


def _ticks(top: datetime, bottom: datetime, day: date, reader: Reader) -> list[Tick]:
    found: list[tuple[datetime, str]] = []
    instant = top
    while instant <= bottom:
        local = to_local(instant, reader.zone)
        if local.minute == 0:
            label = _hour_label(local, reader)
            if local.date() != day:
                label = f"{format_day(local.date())[:3]} {label}"
            found.append((instant, label))
        instant += _STEP
    labels = [label for _, label in found]
    ticks = []
    for instant, label in found:
        if labels.count(label) > 1:  # the fall-back hour: say which of the two it is
            label = f"{label} {zone_abbreviation(instant, reader.zone)}"
        ticks.append(Tick((instant - top).total_seconds() / 60, label))
    return ticks


def _whole_hour_before(instant: datetime, zone: str) -> datetime:
    moment = instant.replace(minute=instant.minute - instant.minute % 15, second=0, microsecond=0)
    for _ in range(8):
        if to_local(moment, zone).minute == 0:
            return moment
        moment -= _STEP
    return moment


def _whole_hour_after(instant: datetime, zone: str) -> datetime:
    moment = _whole_hour_before(instant, zone)
    while moment < instant or to_local(moment, zone).minute != 0:
        moment += _STEP
    return moment


def _session_time(session: Session, day: date, reader: Reader) -> str:
    text = format_time_range(
        session.start,
        session.end,
        reader.zone,
        clock=reader.clock,
        reference_zone=reader.conference_zone,
    )
    return text.removeprefix(format_day(day) + " ")


def _speakers(session: Session, index: ScheduleIndex) -> str:
    names = [s.name for s in (index.speaker(i) for i in session.speaker_ids) if s is not None]
    return ", ".join(names)


def _lanes(sessions: list[Session]) -> dict[str, tuple[int, int]]:
    """Return session id -> (lane, lanes) for one room's sessions in start order.

    Each session takes the first lane free at its start; a run of sessions that overlap
    one another directly or through others shares the number of lanes its busiest moment
    needs, so their boxes are equally wide and never cover each other.
    """
    placed: dict[str, tuple[int, int]] = {}
    run: list[tuple[str, int]] = []
    lane_ends: list[datetime] = []
    run_end: datetime | None = None

    def close_run() -> None:
        for session_id, lane in run:
            placed[session_id] = (lane, len(lane_ends))

    for session in sessions:
        if run_end is not None and session.start >= run_end:
            close_run()
            run, lane_ends, run_end = [], [], None
        lane = next((n for n, end in enumerate(lane_ends) if end <= session.start), None)
        if lane is None:
            lane = len(lane_ends)
            lane_ends.append(session.end)
        else:
            lane_ends[lane] = session.end
        run.append((session.id, lane))
        run_end = session.end if run_end is None else max(run_end, session.end)
    close_run()
    return placed


def day_layout(
    index: ScheduleIndex,
    reader: Reader,
    day: date,
    now: datetime,
    *,
    sessions: Collection[Session] | None = None,
    agenda: Collection[str] = (),
    page: int = 0,
    title: str | None = None,
) -> DayLayout:
    """Return the layout of ``day`` read in the reader's zone, rooms as columns.

    ``sessions`` narrows the picture (a track, a room, an agenda); by default every session
    starting that local day is drawn. ``agenda`` holds the ids to mark. ``page`` picks the
    rooms ``page * ROOMS_PER_PICTURE`` onwards when the day has more than fit.
    """
    found = sorted(
        index.sessions_on_local_day(day, reader.zone) if sessions is None else sessions,
        key=lambda s: (s.start, s.id),
    )
    rooms = [room for room in index.rooms if any(s.room_id == room.id for s in found)]
    if any(index.room(s.room_id or "") is None for s in found):
        rooms.append(NO_ROOM)
    pages = max(1, -(-len(rooms) // ROOMS_PER_PICTURE))
    page = min(max(page, 0), pages - 1)
    shown_rooms = rooms[page * ROOMS_PER_PICTURE : (page + 1) * ROOMS_PER_PICTURE]
    column_of = {room.id: n for n, room in enumerate(shown_rooms)}
    known = {room.id for room in rooms}
    drawn = [s for s in found if (s.room_id if s.room_id in known else NO_ROOM.id) in column_of]
    zone_now = zone_abbreviation(found[0].start if found else now, reader.zone)
    heading = f"{title or index.conference.name} · {format_day(day)}"
    subheading = f"Times in {reader.zone} ({zone_now})"
    if pages > 1:
        subheading += f" · rooms {page * ROOMS_PER_PICTURE + 1}-"
        subheading += f"{page * ROOMS_PER_PICTURE + len(shown_rooms)} of {len(rooms)}"
    if not drawn:
        return DayLayout(
            heading,
            subheading,
            (),
            (),
            (),
            60.0,
            None,
            page,
            pages,
            _description(heading, subheading, [], day, reader, index, agenda),
        )
    top = _whole_hour_before(min(s.start for s in drawn), reader.zone)
    bottom = _whole_hour_after(max(s.end for s in drawn), reader.zone)
    minutes = (bottom - top).total_seconds() / 60

    def column(session: Session) -> int:
        return column_of[session.room_id if session.room_id in known else NO_ROOM.id]

    lanes: dict[str, tuple[int, int]] = {}
    for number in range(len(shown_rooms)):
        lanes.update(_lanes([s for s in drawn if column(s) == number]))
    blocks = tuple(
        Block(
            session.id,
            column(session),
            (session.start - top).total_seconds() / 60,
            (session.end - top).total_seconds() / 60,
            session.title,
            _session_time(session, day, reader),
            _speakers(session, index),
            session.id in agenda,
            *lanes[session.id],
        )
        for session in drawn
    )
    now_tick = None
    if top <= now <= bottom:
        local = to_local(now, reader.zone)
        clock = (
            f"{(local.hour - 1) % 12 + 1}:{local:%M} {'a.m.' if local.hour < 12 else 'p.m.'}"
            if reader.clock == "12h"
            else f"{local:%H:%M}"
        )
        now_tick = Tick((now - top).total_seconds() / 60, f"now {clock}")
    return DayLayout(
        heading,
        subheading,
        tuple(room.name for room in shown_rooms),
        tuple(_ticks(top, bottom, day, reader)),
        blocks,
        minutes,
        now_tick,
        page,
        pages,
        _description(heading, subheading, drawn, day, reader, index, agenda),
    )


DESCRIPTION_LIMIT = 1024  # Discord's attachment description (alt text)


def _description(
    heading: str,
    subheading: str,
    drawn: list[Session],
    day: date,
    reader: Reader,
    index: ScheduleIndex,
    agenda: Collection[str],
) -> str:
    """Return the alt text: the day, then each session's time, title and room, soonest first."""
    if not drawn:
        return f"{heading}. {subheading}. No sessions."
    rooms = {s.room_id for s in drawn}
    count = f"{len(drawn)} session{'s' * (len(drawn) != 1)} in {len(rooms)} room"
    count += "s" * (len(rooms) != 1)
    text = f"{heading}. {subheading}. {count}."
    for n, session in enumerate(drawn):
        room = index.room(session.room_id or "")
        line = f" {_session_time(session, day, reader)}: {session.title}"
        line += f" ({room.name})" if room is not None else ""
        line += " [on your agenda]" if session.id in agenda else ""
        line += "."
        left_after = len(drawn) - n - 1
        reserve = len(f" And {left_after} more.") if left_after else 0
        if len(text) + len(line) + reserve > DESCRIPTION_LIMIT:
            return f"{text} And {len(drawn) - n} more."
        text += line
    return text
