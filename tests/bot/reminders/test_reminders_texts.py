"""The reminders' words at the instant they are sent: minutes and clock times that agree."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.answers.reader import Reader
from bot.reminders.texts import digest_text, room_post_text, starts_line
from bot.rendering.relative import relative_phrase
from bot.schedule.index import ScheduleIndex
from bot.schedule.model import Schedule, Session
from confbot_dev.generate import generate_schedule

START = datetime(2021, 2, 24, 21, 0, tzinfo=UTC)
SESSION = Session("keynote", "Keynote", START, START + timedelta(hours=1))


@pytest.mark.parametrize(
    "sent_before_due",
    [timedelta(milliseconds=30), timedelta(seconds=20), timedelta(0), -timedelta(seconds=20)],
)
def test_a_reminder_sent_a_moment_early_says_the_minutes_its_timestamp_shows(
    sent_before_due: timedelta,
) -> None:
    """Sent 30 ms before its 10-minute lead, it reads "Starts in 10 min (in 10 minutes)"."""
    sent = START - timedelta(minutes=10) - sent_before_due
    line = starts_line(SESSION, sent)
    assert line.startswith("Starts in 10 min (<t:1614200400:R>)")
    # The reader's client words <t:…:R> when the message arrives, a moment after it is sent.
    assert relative_phrase(START, sent + timedelta(milliseconds=100)) == "in 10 minutes"


def test_a_room_post_sent_early_agrees_with_its_timestamp() -> None:
    """A room post 5 minutes ahead, sent 40 ms early, says "Starts in 5 min"."""
    index = ScheduleIndex(Schedule(generate_schedule(sessions=0).conference, sessions=(SESSION,)))
    text = room_post_text(SESSION, index, now=START - timedelta(minutes=5, milliseconds=40))
    assert "Starts in 5 min (<t:1614200400:R>)" in text


def test_a_seven_o_clock_digest_sent_a_moment_early_says_seven() -> None:
    """The fan-out starts a few ms before 07:00: the digest still says "Sent at 07:00"."""
    index = ScheduleIndex(Schedule(generate_schedule(sessions=0).conference, sessions=(SESSION,)))
    berlin = Reader("Europe/Berlin", "24h", "Europe/Berlin", zone_is_set=True)
    seven = datetime(2021, 2, 24, 6, 0, tzinfo=UTC)  # 07:00 in Berlin
    text = digest_text(
        date(2021, 2, 24), [SESSION], index, berlin, now=seven - timedelta(milliseconds=30)
    )
    assert text.endswith("Sent at Wed 24 Feb 07:00 CET.")
