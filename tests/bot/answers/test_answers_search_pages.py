"""Search results as pages: sessions with their times, speakers and rooms named."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answers.search import Match
from bot.answers.search_pages import search_pages
from bot.rendering.reader import Reader
from bot.schedule.files import load_schedule
from bot.schedule.index import ScheduleIndex

SEED = Path(__file__).resolve().parents[3] / "examples" / "seed-conference.toml"
NEW_YORK = "America/New_York"


@pytest.fixture(scope="module")
def seed() -> ScheduleIndex:
    """Return the seed conference's index."""
    return ScheduleIndex(load_schedule(SEED))


def reader(zone: str, clock: str = "12h", conference_zone: str = NEW_YORK) -> Reader:
    """Return a reader in ``zone`` who has set it."""
    return Reader(zone, clock, conference_zone, zone_is_set=True)  # type: ignore[arg-type]


def test_search_pages_list_sessions_and_speakers(seed: ScheduleIndex) -> None:
    """Session results show their time; speaker results their session count."""
    matches = [
        Match("session", "conference", "Ending…", 0.9),
        Match("speaker", "nice", "Sir Geoffrey Nice QC", 0.8),
        Match("room", "online", "Online", 0.5),
    ]
    page = search_pages(matches, seed, reader(NEW_YORK), query="nice", content=None).page(0)
    assert "4:00-5:45 p.m. EST" in (page.description or "")
    assert "Speaker: **Sir Geoffrey Nice QC** (1 session)" in (page.description or "")
    assert "Room: **Online**" in (page.description or "")
    assert "3 results" in (page.footer or "")


def test_search_footer_without_marks_has_no_legend(seed: ScheduleIndex) -> None:
    """A search result read in Paris carries no day mark, so no legend either."""
    matches = [Match("session", "conference", "Ending…", 0.9)]
    page = search_pages(matches, seed, reader("Europe/Paris"), query="nice", content=None).page(0)
    assert page.footer == "1 result · Times in Europe/Paris"
