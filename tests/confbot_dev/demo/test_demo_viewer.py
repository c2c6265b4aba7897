"""Discord timestamps as the acting attendee's client shows them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from confbot_dev.demo.viewer import Viewer, relative_time

KEYNOTE = 1614200400  # Wed 24 Feb 2021 21:00 UTC = Thu 25 Feb 08:00 in Sydney
NOW = datetime(2021, 2, 24, 20, 45, tzinfo=UTC)

SYDNEY_24H = [
    ("t", "08:00"),
    ("T", "08:00:00"),
    ("d", "25/02/2021"),
    ("D", "25 February 2021"),
    ("f", "25 February 2021 at 08:00"),
    ("F", "Thursday 25 February 2021 at 08:00"),
    ("R", "in 15 minutes"),
]


@pytest.mark.parametrize(("style", "shown"), SYDNEY_24H)
def test_timestamp_styles_in_the_viewers_zone(style: str, shown: str) -> None:
    """Each style shows the instant in the viewer's own zone, as a 24-hour client would."""
    assert Viewer("Australia/Sydney", NOW).timestamp(KEYNOTE, style) == shown


NEW_YORK_12H = [
    ("t", "4:00 PM"),
    ("T", "4:00:00 PM"),
    ("d", "02/24/2021"),
    ("D", "February 24, 2021"),
    ("f", "February 24, 2021 at 4:00 PM"),
    ("F", "Wednesday, February 24, 2021 at 4:00 PM"),
]


@pytest.mark.parametrize(("style", "shown"), NEW_YORK_12H)
def test_timestamp_styles_for_a_twelve_hour_reader(style: str, shown: str) -> None:
    """A reader on the 12-hour clock sees US-English dates and times."""
    assert Viewer("America/New_York", NOW, "12h").timestamp(KEYNOTE, style) == shown


def test_timestamp_out_of_any_calendar_is_left_as_typed() -> None:
    """Seconds no calendar reaches give None, so the markup stays as the bot wrote it."""
    assert Viewer("UTC", NOW).timestamp(10**15, "F") is None


RELATIVE = [
    (timedelta(seconds=10), "in a few seconds"),
    (timedelta(seconds=-60), "a minute ago"),
    (timedelta(minutes=15), "in 15 minutes"),
    (timedelta(minutes=60), "in an hour"),
    (timedelta(hours=-5), "5 hours ago"),
    (timedelta(hours=30), "in a day"),
    (timedelta(days=3), "in 3 days"),
    (timedelta(days=40), "in a month"),
    (timedelta(days=-100), "3 months ago"),
    (timedelta(days=400), "in a year"),
    (timedelta(days=365 * 51), "in 51 years"),
]


@pytest.mark.parametrize(("offset", "words"), RELATIVE, ids=[r[1] for r in RELATIVE])
def test_relative_time_words_it_like_discord(offset: timedelta, words: str) -> None:
    """Relative timestamps count from the simulated now, in Discord's words."""
    assert relative_time(NOW + offset, NOW) == words
