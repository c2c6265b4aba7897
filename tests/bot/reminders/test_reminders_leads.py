"""What attendees type for leads and digest times."""

from __future__ import annotations

from datetime import time

import pytest

from bot.errors import UserError
from bot.reminders.leads import leads_text, parse_digest_time, parse_leads


@pytest.mark.parametrize(
    ("typed", "leads"),
    [
        ("10", (10,)),
        ("60, 10", (60, 10)),
        ("10,60", (60, 10)),
        ("1h 10m", (60, 10)),
        ("2 hours; 5 minutes", (120, 5)),
        ("0", (0,)),
        ("15, 15", (15,)),
    ],
)
def test_leads_are_read_longest_first(typed: str, leads: tuple[int, ...]) -> None:
    """Leads in minutes or hours, any separator, come back longest first without repeats."""
    assert parse_leads(typed) == leads


@pytest.mark.parametrize(
    ("typed", "sentence"),
    [
        ("", "Give one or more leads"),
        ("soon", "I can't read “soon” as a lead"),
        ("1441", "at most 24 hours"),
        ("25h", "at most 24 hours"),
        ("1, 2, 3, 4", "at most 3 leads"),
        ("-5", "as a lead: use minutes"),
    ],
)
def test_bad_leads_get_a_sentence(typed: str, sentence: str) -> None:
    """Anything else is refused with a sentence saying what to type."""
    with pytest.raises(UserError, match=sentence):
        parse_leads(typed)


def test_leads_read_back() -> None:
    """Settings echo leads as words."""
    assert leads_text((60, 10)) == "60 and 10 minutes before"
    assert leads_text((60, 30, 10)) == "60, 30 and 10 minutes before"
    assert leads_text((1,)) == "1 minute before"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("08:00", time(8, 0)),
        ("8", time(8, 0)),
        ("7:30am", time(7, 30)),
        ("12am", time(0, 0)),
        ("12 p.m.", time(12, 0)),
        ("6pm", time(18, 0)),
        ("off", None),
        ("None", None),
    ],
)
def test_digest_times(typed: str, expected: time | None) -> None:
    """Digest times on either clock, or off."""
    assert parse_digest_time(typed) == expected


@pytest.mark.parametrize("typed", ["25:00", "13pm", "8:75", "noonish", "\x00"])
def test_bad_digest_times_are_refused(typed: str) -> None:
    """A time of day that does not exist is refused."""
    with pytest.raises(UserError, match="as a time of day"):
        parse_digest_time(typed)
