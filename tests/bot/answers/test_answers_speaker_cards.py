"""Speaker renderers: the card's and the list's footers, and the list's next session."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.answers.reader import Reader
from bot.answers.speaker_cards import speaker_card, speaker_list_pages
from bot.schedule.files import load_schedule
from bot.schedule.index import ScheduleIndex

SEED = Path(__file__).resolve().parents[3] / "examples" / "seed-conference.toml"
NEW_YORK = "America/New_York"


@pytest.fixture(scope="module")
def seed() -> ScheduleIndex:
    """Return the seed conference's index."""
    return ScheduleIndex(load_schedule(SEED))


def reader(zone: str) -> Reader:
    """Return a 24-hour reader in ``zone`` who has set it."""
    return Reader(zone, "24h", NEW_YORK, zone_is_set=True)


@pytest.mark.parametrize(
    ("zone", "footer"),
    [
        (
            "Australia/Sydney",
            "Times in Australia/Sydney; +1 day marks a later date than in America/New_York",
        ),
        ("Europe/Paris", "Times in Europe/Paris"),
    ],
)
def test_speaker_card_explains_only_the_marks_it_shows(
    seed: ScheduleIndex, zone: str, footer: str
) -> None:
    """Sydney reads the keynote on the next date and is told so; Paris is told nothing."""
    speaker = seed.speaker("nice")
    assert speaker is not None
    assert speaker_card(speaker, seed, reader(zone)).footer == footer


@pytest.mark.parametrize(
    ("zone", "legend"),
    [
        ("Australia/Sydney", "; +1 day marks a later date than in America/New_York"),
        ("Europe/Paris", ""),
    ],
)
def test_speaker_list_explains_only_the_marks_it_shows(
    seed: ScheduleIndex, zone: str, legend: str
) -> None:
    """The speaker list's footer explains "+1 day" only when a listed session carries it."""
    now = seed.sessions[0].start - timedelta(days=1)
    (page,) = speaker_list_pages(
        list(seed.speakers_sorted), seed, reader(zone), now, heading="Speakers"
    )
    assert page.footer == f"Page 1/1 · 1 speaker · times in {zone}{legend}"


def test_speaker_list_in_another_track_has_no_next_session(seed: ScheduleIndex) -> None:
    """Listed for a track they do not speak in, a speaker shows no upcoming session."""
    now = seed.sessions[0].start - timedelta(days=1)
    (page,) = speaker_list_pages(
        list(seed.speakers_sorted), seed, reader(NEW_YORK), now, heading="S", track_id="nowhere"
    )
    assert "no upcoming sessions" in (page.description or "")
