"""The day's picture: its day, hour ticks, blocks, marks, alt text and the PNG itself."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from pathlib import Path

from PIL import Image

from bot.pictures.draw import AGENDA, AXIS, COLUMN, NOW
from bot.pictures.layout import DESCRIPTION_LIMIT, ROOMS_PER_PICTURE
from bot.pictures.picture import day_picture, picture_day
from bot.rendering.reader import Reader
from bot.schedule.files import load_schedule
from bot.schedule.index import ScheduleIndex
from bot.schedule.model import Conference, Room, Schedule, Session

SEED = Path(__file__).resolve().parents[3] / "examples" / "seed-conference.toml"
KEYNOTE_START = datetime(2021, 2, 24, 21, 0, tzinfo=UTC)


def seed() -> ScheduleIndex:
    """Return the seed conference's index."""
    return ScheduleIndex(load_schedule(SEED))


def reader(zone: str, clock: str = "24h") -> Reader:
    """Return a reader in ``zone`` of the seed's New York conference."""
    return Reader(zone, clock, "America/New_York", zone_is_set=True)  # type: ignore[arg-type]


def berlin_night(day: date, rooms: int = 1) -> ScheduleIndex:
    """Return a Berlin conference with hourly sessions through the night of ``day``."""
    start = datetime(day.year, day.month, day.day, tzinfo=UTC) - timedelta(hours=1)
    sessions = tuple(
        Session(
            f"s{room}-{n}",
            f"Talk {n}",
            start + timedelta(hours=n),
            start + timedelta(hours=n, minutes=50),
            room_id=f"r{room}",
        )
        for n in range(6)
        for room in range(rooms)
    )
    return ScheduleIndex(
        Schedule(
            Conference("Night", "Europe/Berlin"),
            sessions,
            rooms=tuple(Room(f"r{room}", f"Room {room}") for room in range(rooms)),
        )
    )


def test_seed_day_from_sydney_is_thursday_morning() -> None:
    """Read from Sydney, the seed keynote is Thursday 25 Feb 08:00-09:45 AEDT, marked +1 day."""
    index, sydney = seed(), reader("Australia/Sydney")
    day = picture_day(index, sydney, KEYNOTE_START - timedelta(days=2))
    assert day == date(2021, 2, 25)
    picture = day_picture(index, sydney, day, KEYNOTE_START)
    assert "Thu 25 Feb" in picture.layout.heading
    (block,) = picture.layout.blocks
    assert block.time == "08:00-09:45 AEDT (+1 day)"
    assert [tick.label for tick in picture.layout.ticks] == ["08:00", "09:00", "10:00"]
    assert "Thu 25 Feb" in picture.description
    assert "08:00-09:45 AEDT (+1 day): Ending forced organ harvesting" in picture.description
    assert picture.filename == "schedule-2021-02-25.png"


def test_twelve_hour_readers_get_twelve_hour_ticks() -> None:
    """A 12-hour reader reads "8 a.m." on the axis and "8:00-9:45 a.m." on the block."""
    index = seed()
    picture = day_picture(
        index, reader("Australia/Sydney", "12h"), date(2021, 2, 25), KEYNOTE_START
    )
    assert [tick.label for tick in picture.layout.ticks] == ["8 a.m.", "9 a.m.", "10 a.m."]
    assert picture.layout.blocks[0].time == "8:00-9:45 a.m. AEDT (+1 day)"


def test_the_fall_back_hour_is_shown_once_each_way() -> None:
    """On the night Berlin's clocks go back, each hour reading appears once, 02:00 named twice."""
    index = berlin_night(date(2025, 10, 26))
    picture = day_picture(index, reader("Europe/Berlin"), date(2025, 10, 26), KEYNOTE_START)
    labels = [tick.label for tick in picture.layout.ticks]
    assert len(labels) == len(set(labels))
    assert labels.count("02:00 CEST") == 1
    assert labels.count("02:00 CET") == 1
    assert "03:00" in labels


def test_the_skipped_hour_has_no_tick() -> None:
    """On the night Berlin's clocks go forward, 02:00 never shows and 03:00 shows once."""
    index = berlin_night(date(2025, 3, 30))
    picture = day_picture(index, reader("Europe/Berlin"), date(2025, 3, 30), KEYNOTE_START)
    labels = [tick.label for tick in picture.layout.ticks]
    assert "02:00" not in labels
    assert labels.count("03:00") == 1
    ticks = picture.layout.ticks
    assert all(b.minute - a.minute == 60 for a, b in pairwise(ticks))


def test_png_has_its_size_and_the_agenda_and_now_drawn() -> None:
    """The PNG is two columns wide, the agenda block in its colour, the now line in red."""
    index = seed()
    session = index.sessions[0]
    now = KEYNOTE_START + timedelta(minutes=30)
    picture = day_picture(
        index, reader("Australia/Sydney"), date(2021, 2, 25), now, agenda={session.id}
    )
    image = Image.open(io.BytesIO(picture.png)).convert("RGB")
    assert image.size[0] == AXIS + 2 * COLUMN
    assert image.size[1] > 300
    colours = {colour for _, colour in image.getcolors(maxcolors=1 << 16) or []}
    assert AGENDA in colours
    assert NOW in colours
    assert picture.layout.now is not None
    assert picture.layout.now.label == "now 08:30"


def test_a_day_past_now_has_no_now_line() -> None:
    """The "now" line is drawn only on the day it is now."""
    index = seed()
    picture = day_picture(
        index, reader("Australia/Sydney"), date(2021, 2, 25), KEYNOTE_START + timedelta(days=3)
    )
    image = Image.open(io.BytesIO(picture.png)).convert("RGB")
    assert picture.layout.now is None
    assert NOW not in {colour for _, colour in image.getcolors(maxcolors=1 << 16) or []}


def test_many_rooms_are_paged_and_the_alt_text_stays_within_discords_limit() -> None:
    """Twelve rooms make three pictures of five; the alt text ends "And N more" within 1,024."""
    index = berlin_night(date(2025, 3, 30), rooms=12)
    first = day_picture(index, reader("Europe/Berlin"), date(2025, 3, 30), KEYNOTE_START)
    last = day_picture(index, reader("Europe/Berlin"), date(2025, 3, 30), KEYNOTE_START, page=2)
    assert first.layout.pages == 3
    assert len(first.layout.columns) == ROOMS_PER_PICTURE
    assert last.layout.columns == ("Room 10", "Room 11")
    assert "rooms 11-12 of 12" in last.layout.subheading
    assert len(first.description) <= DESCRIPTION_LIMIT
    assert first.description.endswith("more.")
    assert last.filename == "schedule-2025-03-30-rooms-3.png"
