"""The "Picture" button's custom_id carries the day, track and room asked, within 100 chars."""

from __future__ import annotations

import re

import pytest

from bot.pictures.custom_ids import PICTURE_TEMPLATE, picture_custom_id, picture_request


@pytest.mark.parametrize(
    ("day", "track", "room"),
    [
        (None, None, None),
        ("2021-02-24", "sec", "main"),
        ("thu: morning", "a:b", "room-" + "x" * 90),  # a colon, a very long id
        ("day 2", "#hash", None),
    ],
)
def test_the_custom_id_gives_back_what_was_asked(
    day: str | None, track: str | None, room: str | None
) -> None:
    """Whatever the ids hold, the custom_id fits Discord's 100 and reads back the same."""
    custom_id = picture_custom_id(day, track, room)
    assert custom_id is not None
    assert len(custom_id) <= 100
    match = re.fullmatch(PICTURE_TEMPLATE, custom_id)
    assert match is not None
    tracks = ["other", *([track] if track else [])]
    rooms = ["other", *([room] if room else [])]
    assert picture_request(match["day"], match["track"], match["room"], tracks, rooms) == (
        day,
        track,
        room,
    )


def test_a_day_too_long_to_carry_gives_no_button() -> None:
    """A typed day that would push the custom_id past 100 characters: no button at all."""
    assert picture_custom_id("x" * 90, None, None) is None
