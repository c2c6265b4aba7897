"""Relative times worded as a Discord client words ``<t:…:R>``, and previews spelled out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.rendering.relative import nearest_minute, relative_phrase, spell_relative_timestamps

AT = datetime(2021, 2, 24, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("ahead", "expected"),
    [
        (timedelta(seconds=10), "in a few seconds"),
        (timedelta(seconds=60), "in a minute"),
        (timedelta(minutes=10, milliseconds=30), "in 10 minutes"),
        (timedelta(minutes=10, seconds=29), "in 10 minutes"),
        (timedelta(minutes=10, seconds=30), "in 11 minutes"),
        (timedelta(minutes=60), "in an hour"),
        (timedelta(hours=11), "in 11 hours"),
        (timedelta(days=3), "in 3 days"),
        (-timedelta(minutes=7), "7 minutes ago"),
    ],
)
def test_relative_phrase_rounds_like_the_client(ahead: timedelta, expected: str) -> None:
    """Units are rounded to the nearest, halves up, with moment.js's words for one."""
    assert relative_phrase(AT + ahead, AT) == expected


def test_nearest_minute_rounds_a_moment_early_up() -> None:
    """06:59:59.97 is 07:00; 07:00:29 is still 07:00."""
    seven = datetime(2021, 2, 24, 7, 0, tzinfo=UTC)
    assert nearest_minute(seven - timedelta(milliseconds=30)) == seven
    assert nearest_minute(seven + timedelta(seconds=29)) == seven


def test_a_preview_spells_its_relative_timestamps_as_at_its_send_time() -> None:
    """ "<t:…:R>" in a preview becomes the words the reader will see when it is sent."""
    start = AT + timedelta(minutes=10)
    text = f"Starts in 10 min (<t:{int(start.timestamp())}:R>) at <t:{int(start.timestamp())}:F>"
    spelled = spell_relative_timestamps(text, AT)
    assert spelled == f"Starts in 10 min (in 10 minutes) at <t:{int(start.timestamp())}:F>"
