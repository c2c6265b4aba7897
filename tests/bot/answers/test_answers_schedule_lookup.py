"""Tests for bot.answers.schedule_lookup: what a reader typed, resolved against the schedule."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.answers.reader import Reader
from bot.answers.schedule_lookup import ECHO_CHARS, ScheduleLookup, echo, zone_from_text
from bot.answers.search import SearchIndex
from bot.errors import NotFoundError, UnknownZoneError, UserError
from bot.schedule.index import ScheduleIndex
from confbot_dev.generate import generate_schedule

BERLIN = "Europe/Berlin"
NOW = datetime(2025, 10, 23, 5, 0, tzinfo=UTC)  # an hour before the first session
READER = Reader(BERLIN, "24h", BERLIN, zone_is_set=True)


@pytest.fixture(scope="module")
def lookup() -> ScheduleLookup:
    """Return a lookup over the generated 60-session, 3-track, 4-room, 2-day conference."""
    schedule = generate_schedule(sessions=60, tracks=3, days=2, seed=1)
    return ScheduleLookup(ScheduleIndex(schedule), SearchIndex(schedule))


def test_unknown_zone_offers_suggestions_in_the_sentence() -> None:
    """A misspelt zone gets "Did you mean …" with real zones."""
    with pytest.raises(UnknownZoneError, match="Did you mean Australia/Sydney"):
        zone_from_text("Sydnee")


def test_a_zone_moves_the_reader(lookup: ScheduleLookup) -> None:
    """ "…in Tokyo" reads in Tokyo; no zone keeps the reader as they are."""
    assert lookup.reader_in(READER, "Tokyo").zone == "Asia/Tokyo"
    assert lookup.reader_in(READER, None) is READER


@pytest.mark.parametrize("typed", ["day 2", "2025-10-24", "friday"])
def test_days(lookup: ScheduleLookup, typed: str) -> None:
    """A day number, an ISO date and a weekday name the same local day."""
    assert lookup.parse_day(typed, READER, NOW) == date(2025, 10, 24)


def test_a_day_number_past_the_end_names_the_range(lookup: ScheduleLookup) -> None:
    """ "day 3" of a two-day conference says which days there are."""
    with pytest.raises(UserError, match=r"The conference has 2 days; pick day 1 to 2\."):
        lookup.parse_day("day 3", READER, NOW)


def test_rooms_and_tracks_by_name(lookup: ScheduleLookup) -> None:
    """Names resolve to ids; unknown ones are a sentence listing the real ones."""
    assert lookup.track_id("security") == "track-2"
    assert lookup.room_id("saal ada") == "room-1"
    with pytest.raises(NotFoundError, match=r"no room called “Moon”\. Rooms: Saal Ada"):
        lookup.room_id("Moon")


def test_a_session_by_title(lookup: ScheduleLookup) -> None:
    """Part of a title finds the session."""
    assert lookup.find_session("keynote building", NOW).id == "s0002"


def test_echo_is_one_short_neutral_line() -> None:
    """Quoted input is one line, cut, with markdown escaped."""
    shown = echo("**bold**\n" + "x" * 200)
    assert "\n" not in shown
    assert shown.startswith("\\*\\*bold")
    assert shown.endswith("…")
    assert len(shown) <= ECHO_CHARS + 4
