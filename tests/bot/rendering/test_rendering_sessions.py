"""Pure renderers: session lines, day-grouped pages, cards, now/next, search, help."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.rendering.cards import EMBED_TOTAL_LIMIT
from bot.rendering.reader import Reader
from bot.rendering.sessions import (
    DayGroup,
    Moment,
    help_text,
    minutes_text,
    next_card,
    now_card,
    schedule_pages,
    session_card,
    session_line,
)
from bot.schedule.files import load_schedule
from bot.schedule.index import ScheduleIndex
from confbot_dev.generate import generate_schedule

SEED = Path(__file__).resolve().parents[3] / "examples" / "seed-conference.toml"
NEW_YORK = "America/New_York"


@pytest.fixture(scope="module")
def seed() -> ScheduleIndex:
    """Return the seed conference's index."""
    return ScheduleIndex(load_schedule(SEED))


def reader(zone: str, clock: str = "12h", conference_zone: str = NEW_YORK) -> Reader:
    """Return a reader in ``zone`` who has set it."""
    return Reader(zone, clock, conference_zone, zone_is_set=True)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        (NEW_YORK, "Wed 24 Feb 4:00-5:45 p.m. EST**"),
        ("America/Los_Angeles", "Wed 24 Feb 1:00-2:45 p.m. PST**"),
        ("Europe/Paris", "Wed 24 Feb 10:00-11:45 p.m. CET**"),
        ("Australia/Sydney", "Thu 25 Feb 8:00-9:45 a.m. AEDT (+1 day)**"),
    ],
)
def test_the_seed_session_reads_as_the_article_gives_it(
    seed: ScheduleIndex, zone: str, expected: str
) -> None:
    """Each of the article's four readers sees their own time; Sydney's is marked +1 day."""
    line = session_line(seed.sessions[0], seed, reader(zone), day=None)
    assert expected in line
    assert "Sir Geoffrey Nice QC" in line


def test_a_line_under_a_day_heading_leaves_the_date_out(seed: ScheduleIndex) -> None:
    """Under "Thu 25 Feb" the line shows only the clock time and the +1 day marker."""
    session = seed.sessions[0]
    line = session_line(
        session, seed, reader("Australia/Sydney"), day=session.start.date() + timedelta(days=1)
    )
    assert line.startswith("**8:00-9:45 a.m. AEDT (+1 day)**")


def test_schedule_pages_group_by_the_readers_local_day() -> None:
    """Sydney reads a Berlin afternoon on the next local date, under its own heading."""
    index = ScheduleIndex(generate_schedule(sessions=60, tracks=3, days=2, seed=1))
    sydney = reader("Australia/Sydney", "24h", "Europe/Berlin")
    groups = [
        DayGroup(day, index.sessions_on_local_day(day, sydney.zone))
        for day in index.local_days(sydney.zone)
    ]
    book = schedule_pages(groups, index, sydney, title="Programme", content=None)
    text = "\n".join(page.description or "" for page in book.all_pages())
    assert book.page_count == 6
    assert "__**Thu 23 Oct**__" in text
    assert "__**Fri 24 Oct**__" in text
    assert "__**Sat 25 Oct**__" in text
    assert "(+1 day)" in text
    assert "Page 2/6" in (book.page(1).footer or "")


def test_a_day_continued_on_the_next_page_repeats_its_heading() -> None:
    """A reader turning the page still sees which day they are reading."""
    index = ScheduleIndex(generate_schedule(sessions=60, tracks=3, days=2, seed=1))
    berlin = reader("Europe/Berlin", "24h", "Europe/Berlin")
    day = index.local_days(berlin.zone)[0]
    book = schedule_pages(
        [DayGroup(day, index.sessions_on_local_day(day, berlin.zone))],
        index,
        berlin,
        title="T",
        content=None,
    )
    assert (book.page(1).description or "").startswith("__**Thu 23 Oct**__ (continued)")


def test_pages_stay_within_embed_limits_with_huge_titles() -> None:
    """Thousand-character titles and abstracts never push a page past Discord's limits."""
    schedule = generate_schedule(sessions=40, tracks=2, days=1, seed=3)
    long = tuple(
        replace(s, title="T" * 1000 + " @everyone", abstract="A" * 9000) for s in schedule.sessions
    )
    index = ScheduleIndex(replace(schedule, sessions=long))
    berlin = reader("Europe/Berlin", "24h", "Europe/Berlin")
    groups = [
        DayGroup(d, index.sessions_on_local_day(d, berlin.zone))
        for d in index.local_days(berlin.zone)
    ]
    for page in schedule_pages(groups, index, berlin, title="T" * 400, content=None).all_pages():
        assert page.length() <= EMBED_TOTAL_LIMIT
        assert len(page.description or "") <= 4096
        assert (page.description or "").count("\n**") + 1 >= 10
    card = session_card(index.sessions[0], index, berlin).fitted()
    assert card.length() <= EMBED_TOTAL_LIMIT
    assert "@everyone" not in card.title


def test_session_card_shows_both_zones_and_discord_time(seed: ScheduleIndex) -> None:
    """The card gives the reader's time, the conference's time and <t:…:F>."""
    card = session_card(seed.sessions[0], seed, reader("Australia/Sydney"))
    values = {field.name: field.value for field in card.fields}
    assert values["Your time (Australia/Sydney)"] == "Thu 25 Feb 8:00-9:45 a.m. AEDT (+1 day)"
    assert values["Conference time (America/New_York)"] == "Wed 24 Feb 4:00-5:45 p.m. EST"
    assert values["In your Discord client"].startswith("<t:1614200400:F>")
    assert values["Room"] == "Online"
    assert values["Speakers"] == "Sir Geoffrey Nice QC"
    assert "China Tribunal" in (card.description or "")


def test_hostile_text_is_neutralised(seed: ScheduleIndex) -> None:
    """A title with @everyone, a user mention and a masked link pings and hides nothing."""
    session = replace(
        seed.sessions[0], title="@everyone <@123> [click](http://evil)", abstract="<@&42> **x**"
    )
    line = session_line(session, seed, reader(NEW_YORK), day=None)
    card = session_card(session, seed, reader(NEW_YORK))
    for text in (line, card.title, card.description or ""):
        assert "@everyone" not in text
        assert "<@123>" not in text
        assert "<@&42>" not in text
        assert "](http" not in text


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (60 * 35, "35 min"),
        (1, "1 min"),
        (3600, "1 h"),
        (3900, "1 h 05 min"),
        (2 * 3600 + 59, "2 h 01 min"),
    ],
)
def test_minutes_text(seconds: float, expected: str) -> None:
    """Time left reads as minutes, or hours and minutes."""
    assert minutes_text(seconds) == expected


def _moment(index: ScheduleIndex, now: datetime) -> Moment:
    return Moment(
        now, index.sessions_at(now), index.next_sessions(now), index.first_start, index.last_end
    )


def test_now_card_before_during_and_after(seed: ScheduleIndex) -> None:
    """Before: when it starts; during: time left; after: the conference is over."""
    start = seed.sessions[0].start
    ny = reader(NEW_YORK)
    before = now_card(_moment(seed, start - timedelta(hours=2)), seed, ny, place=None)
    assert "The conference starts <t:1614200400:R>" in (before.description or "")
    during = now_card(_moment(seed, start + timedelta(minutes=70)), seed, ny, place=None)
    assert "ends in 35 min (<t:1614206700:R>)" in (during.description or "")
    assert "Nothing else is scheduled." in (during.description or "")
    after = next_card(_moment(seed, start + timedelta(hours=3)), seed, ny, place=None)
    assert "The conference is over" in (after.description or "")


def test_help_lists_examples_and_commands() -> None:
    """The help text is a short list of things to ask and the slash commands."""
    text = help_text(["when is the keynote?"])
    assert "• when is the keynote?" in text
    assert "/timezone set" in text
    assert len(text) < 2000


def test_now_renders_at_an_instant_with_no_schedule() -> None:
    """An empty schedule says so instead of failing."""
    index = ScheduleIndex(generate_schedule(sessions=0, tracks=1, days=1))
    card = now_card(
        _moment(index, datetime(2025, 1, 1, tzinfo=UTC)), index, reader("UTC"), place=None
    )
    assert "no sessions in the schedule yet" in (card.description or "")


def _seed_pages(index: ScheduleIndex, zone: str) -> list[str]:
    """Return the footers of the seed programme as ``zone`` reads it."""
    who = reader(zone)
    groups = [
        DayGroup(day, index.sessions_on_local_day(day, who.zone))
        for day in index.local_days(who.zone)
    ]
    book = schedule_pages(groups, index, who, title="Programme", content=None)
    return [page.footer or "" for page in book.all_pages()]


@pytest.mark.parametrize(
    ("zone", "footer"),
    [
        ("Europe/Paris", "Times in Europe/Paris"),
        (
            "Australia/Sydney",
            "Times in Australia/Sydney; +1 day marks a later date than in America/New_York",
        ),
        (NEW_YORK, "Times in America/New_York"),
    ],
)
def test_footer_explains_day_marks_only_when_one_appears(
    seed: ScheduleIndex, zone: str, footer: str
) -> None:
    """Paris reads the keynote on its conference date, so its footer explains no mark."""
    assert _seed_pages(seed, zone) == [footer]


def test_footer_explains_an_earlier_date_mark() -> None:
    """Los Angeles reads some Berlin mornings the evening before: "-1 day" is explained."""
    index = ScheduleIndex(generate_schedule(sessions=60, tracks=3, days=2, seed=1))
    los_angeles = reader("America/Los_Angeles", "24h", "Europe/Berlin")
    day = index.local_days(los_angeles.zone)[0]
    book = schedule_pages(
        [DayGroup(day, index.sessions_on_local_day(day, los_angeles.zone))],
        index,
        los_angeles,
        title="T",
        content=None,
    )
    first = book.page(0)
    assert "(-1 day)" in (first.description or "")
    assert "-1 day marks an earlier date than in Europe/Berlin" in (first.footer or "")
    assert "+1 day" not in (first.footer or "")


@pytest.mark.parametrize(
    ("zone", "legend"),
    [
        ("Australia/Sydney", "; +1 day marks a later date than in America/New_York"),
        ("Europe/Paris", ""),
    ],
)
def test_now_and_next_cards_explain_marks_they_show(
    seed: ScheduleIndex, zone: str, legend: str
) -> None:
    """Before the keynote, Sydney's "Next" line is marked +1 day and its footer says why."""
    moment = _moment(seed, seed.sessions[0].start - timedelta(hours=2))
    for card in (
        now_card(moment, seed, reader(zone), place=None),
        next_card(moment, seed, reader(zone), place=None),
    ):
        assert card.footer == f"Times in {zone}{legend}"
