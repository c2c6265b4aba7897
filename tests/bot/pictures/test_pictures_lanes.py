"""Sessions that overlap in one room are drawn side by side, never one over another."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import combinations

from bot.pictures.draw import block_box
from bot.pictures.picture import day_picture
from bot.rendering.reader import Reader
from bot.schedule.index import ScheduleIndex
from bot.schedule.model import Conference, Room, Schedule, Session

DAY = date(2030, 6, 5)
BERLIN = Reader("Europe/Berlin", "24h", "Europe/Berlin", zone_is_set=True)


def at(hour: float) -> datetime:
    """Return ``hour`` o'clock UTC on the day (10.5 is 10:30)."""
    return datetime(2030, 6, 5, tzinfo=UTC) + timedelta(hours=hour)


def one_room(*spans: tuple[str, float, float]) -> ScheduleIndex:
    """Return a conference whose sessions ``(id, start, end)`` are all in one room."""
    sessions = tuple(
        Session(name, f"Talk {name}", at(a), at(b), room_id="a") for name, a, b in spans
    )
    return ScheduleIndex(
        Schedule(Conference("Lanes", "Europe/Berlin"), sessions, rooms=(Room("a", "Room A"),))
    )


def test_overlapping_sessions_share_the_column_in_lanes() -> None:
    """Two at once get half the column each; one that follows reuses a free lane; alone: whole."""
    index = one_room(("one", 8, 9), ("two", 8.5, 9.5), ("three", 9, 10), ("four", 11, 12))
    layout = day_picture(index, BERLIN, DAY, at(0)).layout
    lanes = {block.session_id: (block.lane, block.lanes) for block in layout.blocks}
    assert lanes == {"one": (0, 2), "two": (1, 2), "three": (0, 2), "four": (0, 1)}


def test_boxes_of_overlapping_sessions_do_not_cover_each_other() -> None:
    """Three sessions at the same hour in one room: three boxes, none intersecting."""
    index = one_room(("a", 8, 9), ("b", 8, 9), ("c", 8.25, 8.75))
    layout = day_picture(index, BERLIN, DAY, at(0)).layout
    boxes = [block_box(block) for block in layout.blocks]
    for first, second in combinations(boxes, 2):
        assert first[2] < second[0] or second[2] < first[0], (first, second)
    assert all(right - left > 60 for left, _, right, _ in boxes)
