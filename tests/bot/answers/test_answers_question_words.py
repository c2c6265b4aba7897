"""Tests for bot.answers.question_words: the phrase helpers every question rule shares."""

from __future__ import annotations

import pytest

from bot.answers.question_words import DAY_RE, TIME_RE, clean_argument, split_zone, tidy_query


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("keynote in Sydney", ("keynote", "Sydney")),
        ("keynote in AEDT", ("keynote", "AEDT")),
        ("keynote sydney time", ("keynote", "sydney")),
        ("keynote in new york time", ("keynote", "new york")),
        ("keynote in my time", ("keynote", None)),
        ("talk in room b", ("talk in room b", None)),
        ("talk in the main hall", ("talk in the main hall", None)),
        ("schedule for friday", ("schedule for friday", None)),
        ("keynote", ("keynote", None)),
    ],
)
def test_split_zone(text: str, expected: tuple[str, str | None]) -> None:
    """A trailing zone is split off; places, days and "my time" are not zones."""
    assert split_zone(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the keynote", "keynote"),
        ("Geoffrey Nice's talk", "Geoffrey Nice"),
        ("Nice's", "Nice"),
        ("'the keynote'?", "keynote"),
        ("the", "the"),
        (None, ""),
    ],
)
def test_tidy_query(text: str | None, expected: str) -> None:
    """Articles, "'s talk" and quotes go; a lone word stays as typed."""
    assert tidy_query(text) == expected


def test_clean_argument_strips_quotes_and_punctuation() -> None:
    """Surrounding spaces, quotes and punctuation go, inner ones stay."""
    assert clean_argument('  "Europe/Paris"?! ') == "Europe/Paris"
    assert clean_argument(None) == ""


@pytest.mark.parametrize("day", ["today", "friday", "next monday", "25 feb", "feb 25th", "day 2"])
def test_days(day: str) -> None:
    """The day words a question may use."""
    assert DAY_RE.match(day)


@pytest.mark.parametrize("time", ["4pm", "9:30", "16h00", "noon", "midnight", "4 o'clock"])
def test_times(time: str) -> None:
    """The clock times a question may use."""
    assert TIME_RE.fullmatch(time)
