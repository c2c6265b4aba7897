"""The shared schedule answers, called directly (no Discord): filters, errors, questions."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answers.intents import SpeakerTopic, WhoIs, WhoSpeaks
from bot.answers.reader import Reader
from bot.answers.schedule_answers import ScheduleAnswers
from bot.answers.schedule_lookup import zone_from_text
from bot.answers.search import SearchIndex
from bot.errors import NotFoundError, UserError
from bot.rendering.cards import Reply
from bot.rendering.pages import PagedReply
from bot.schedule.files import load_schedule
from bot.schedule.index import ScheduleIndex
from confbot_dev.generate import generate_schedule

SEED = Path(__file__).resolve().parents[3] / "examples" / "seed-conference.toml"
BERLIN = "Europe/Berlin"
NOW = datetime(2025, 10, 23, 5, 0, tzinfo=UTC)  # an hour before the first session


@pytest.fixture(scope="module")
def answers() -> ScheduleAnswers:
    """Return answers over the generated 60-session, 3-track, 2-day conference."""
    schedule = generate_schedule(sessions=60, tracks=3, days=2, seed=1)
    return ScheduleAnswers(ScheduleIndex(schedule), SearchIndex(schedule), conference_zone=BERLIN)


@pytest.fixture(scope="module")
def seed() -> ScheduleAnswers:
    """Return answers over the seed conference."""
    schedule = load_schedule(SEED)
    return ScheduleAnswers(
        ScheduleIndex(schedule), SearchIndex(schedule), conference_zone="America/New_York"
    )


def reader(zone: str = BERLIN, conference_zone: str = BERLIN, *, is_set: bool = True) -> Reader:
    """Return a 24-hour reader in ``zone``."""
    return Reader(zone, "24h", conference_zone, zone_is_set=is_set)


def text_of(answer: Reply | PagedReply) -> str:
    """Return everything a reader could see in ``answer``, all pages included."""
    if isinstance(answer, PagedReply):
        pages = answer.all_pages()
        content = answer.content
    else:
        pages, content = answer.pages, answer.content
    parts = [content or ""]
    for page in pages:
        parts += [page.title, page.description or "", page.footer or ""]
        parts += [f"{field.name}: {field.value}" for field in page.fields]
    return re.sub(r"\\(.)", r"\1", "\n".join(parts))  # as Discord shows it: escapes gone


def test_track_filter_keeps_only_that_track(answers: ScheduleAnswers) -> None:
    """/schedule track:Security lists only Security sessions."""
    answer = answers.schedule_for(reader(), NOW, track="Security")
    assert isinstance(answer, PagedReply)
    security = [s for s in answers.schedule.sessions if s.track_id == "track-2"]
    assert answer.page_count == -(-len(security) // 10)
    assert "in the Security track" in answer.page(0).title
    assert all(s.title[:30] in text_of(answer) for s in security[:10])


def test_unknown_track_lists_the_real_ones(answers: ScheduleAnswers) -> None:
    """A track that does not exist is one sentence naming those that do."""
    with pytest.raises(NotFoundError, match=r"no track called “Cooking”\. Tracks: Law and Justice"):
        answers.schedule_for(reader(), NOW, track="Cooking")


@pytest.mark.parametrize("day", ["2025-10-24", "day 2", "friday", "24 oct", "tomorrow"])
def test_day_can_be_typed_several_ways(answers: ScheduleAnswers, day: str) -> None:
    """ISO dates, "day 2", weekdays, dates and "tomorrow" all pick Friday 24 October."""
    answer = answers.schedule_for(reader(), NOW, day=day)
    assert "on Fri 24 Oct" in text_of(answer)
    assert "Thu 23 Oct" not in text_of(answer)


def test_a_day_that_is_not_one_says_how_to_type_it(answers: ScheduleAnswers) -> None:
    """Gibberish as a day is a sentence with examples, not a traceback."""
    with pytest.raises(UserError, match="as a day: try “today”"):
        answers.schedule_for(reader(), NOW, day="blorp" * 2000)


def test_an_empty_day_is_a_clear_sentence(answers: ScheduleAnswers) -> None:
    """A day with no sessions says so."""
    answer = answers.schedule_for(reader(), NOW, day="2025-10-30")
    assert answer == Reply("There are no sessions on Thu 30 Oct.")


def test_unset_readers_get_the_hint(answers: ScheduleAnswers) -> None:
    """Someone without a zone reads the conference zone, with the one-line hint."""
    answer = answers.schedule_for(reader(is_set=False), NOW)
    assert answer.content is not None
    assert "Set yours with /timezone set" in answer.content


def test_unknown_session_names_the_closest_titles(answers: ScheduleAnswers) -> None:
    """A session that does not exist gets "did you mean" with real titles."""
    with pytest.raises(NotFoundError, match="Did you mean “") as raised:
        answers.session(reader(), "zzz court transcriptz", NOW)
    assert "“Defending court transcripts — a case study”" in str(raised.value)
    assert raised.value.suggestions


def test_a_6000_character_session_query_gives_a_short_sentence(answers: ScheduleAnswers) -> None:
    """Whatever is typed, the error sentence stays short enough for one message."""
    with pytest.raises(NotFoundError) as raised:
        answers.session(reader(), "zq" * 3000, NOW)
    assert len(str(raised.value)) < 400


def test_search_with_no_results_says_so(answers: ScheduleAnswers) -> None:
    """An empty search result is a sentence, not an empty embed."""
    answer = answers.search(reader(), "xylophone quartz")
    assert isinstance(answer, Reply)
    assert "Nothing in the schedule matches “xylophone quartz”" in (answer.content or "")


def test_search_finds_rooms_tracks_and_sessions(answers: ScheduleAnswers) -> None:
    """Search covers titles, speakers, tracks and rooms."""
    text = text_of(answers.search(reader(), "security"))
    assert "Track: **Security**" in text
    assert "1 result" in text


def test_when_is_in_another_zone(seed: ScheduleAnswers) -> None:
    """ "when is the keynote in Sydney?" answers in Sydney, marked +1 day."""
    new_york = reader("America/New_York", "America/New_York")
    answer = seed.when_is(new_york, "keynote", "Sydney", NOW)
    assert "Thu 25 Feb 08:00-09:45 AEDT (+1 day)" in (answer.content or "")
    assert "Conference time: Wed 24 Feb 16:00-17:45 EST" in (answer.content or "")
    assert answer.session_id == "conference"


def test_when_is_with_a_place_that_is_no_zone_searches_it_all(answers: ScheduleAnswers) -> None:
    """ "in Saal Ada" is not a zone: the whole text is looked up instead."""
    answer = answers.when_is(reader(), "Keynote: Building forced-labour audits", "Saal Ada", NOW)
    assert answer.session_id == "s0002"


def test_at_a_time_lists_what_runs_then(answers: ScheduleAnswers) -> None:
    """ "who is speaking at 8:20?" lists the sessions running at 08:20 Berlin time."""
    answer = answers.at(reader(), "8:20", None, NOW)
    text = text_of(answer)
    assert "At Thu 23 Oct 08:20 CEST" in text
    assert "**Thu 23 Oct 08:15-09:00 CEST** Keynote: Building forced-labour audits" in text


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("midnight", "At Fri 24 Oct 00:00 CEST"),
        ("4am", "At Fri 24 Oct 04:00 CEST"),
        ("9am", "At Thu 23 Oct 09:00 CEST"),
        ("today 4am", "At Thu 23 Oct 04:00 CEST"),
    ],
)
def test_a_bare_time_already_past_means_the_next_one(
    answers: ScheduleAnswers, typed: str, expected: str
) -> None:
    """At 07:00, "at midnight" and "at 4am" mean tomorrow's; a day typed is kept as typed."""
    assert expected in text_of(answers.at(reader(), typed, None, NOW))


def test_at_in_sydney_explains_the_day_mark(answers: ScheduleAnswers) -> None:
    """Sydney's next 1 a.m. is Berlin's afternoon before: lines marked +1 day, footer says why."""
    answer = answers.at(reader("Australia/Sydney"), "1am", None, NOW)
    (card,) = answer.pages
    assert card.title == "At Fri 24 Oct 01:00 AEDT"
    assert "(+1 day)" in (card.description or "")
    assert card.footer == (
        "Times in Australia/Sydney; +1 day marks a later date than in Europe/Berlin"
    )


def test_when_is_in_an_unknown_zone_names_it(answers: ScheduleAnswers) -> None:
    """ "when is the keynote in Mars?" says Mars is no zone and answers in the reader's zone."""
    answer = answers.when_is(reader(), "keynote", "Mars", NOW)
    assert answer.session_id == "s0002"
    assert (answer.content or "").startswith(
        "I don't know a time zone called “Mars”, so here it is in Europe/Berlin."
    )


def test_when_is_with_a_room_does_not_mention_zones(answers: ScheduleAnswers) -> None:
    """A room after "in" is part of the question, not an unknown zone."""
    answer = answers.when_is(reader(), "keynote", "Saal Ada", NOW)
    assert "time zone" not in (answer.content or "")


@pytest.mark.parametrize(
    "call",
    [
        lambda a: a.session(reader(), "quantum\x00 pastry\x07", NOW),
        lambda a: a.search(reader(), "xylophone\x00 quartz\x1b"),
        lambda a: a.when_is(reader(), "keynote", "Ma\x00rs", NOW),
        lambda a: a.parse_day("fun\x00day", reader(), NOW),
        lambda a: a.track_id("moon\x00"),
        lambda a: a.speaker_question(WhoIs("Zebedee\x00 Quorn"), reader(), NOW),
        lambda a: a.at(reader(), "tea\x00time\x1b", None, NOW),
        lambda a: a.at(reader(), "25\x00pm", None, NOW),
        lambda a: zone_from_text("Syd\x00nee\u202e"),
    ],
)
def test_control_characters_are_not_echoed(answers: ScheduleAnswers, call: object) -> None:
    """What the user typed is quoted back without NUL or other control characters."""
    try:
        shown = text_of(call(answers))  # type: ignore[operator]
    except UserError as error:
        shown = str(error)
    assert shown
    assert not any(ord(character) < 32 and character != "\n" for character in shown)
    assert "\u202e" not in shown


def test_now_in_a_room_and_room_text_that_is_a_track(answers: ScheduleAnswers) -> None:
    """ "now in saal ada" filters by room; "now in security" falls back to the track."""
    during = datetime(2025, 10, 23, 6, 20, tzinfo=UTC)
    room = text_of(answers.now(reader(), during, room="saal ada"))
    assert "On now in Saal Ada" in room
    assert "Keynote: Building forced-labour audits" in room
    track = text_of(answers.now(reader(), during, room="security"))
    assert "the Security track" in track


def test_unknown_room_lists_rooms(answers: ScheduleAnswers) -> None:
    """A room that does not exist is a sentence naming real rooms."""
    with pytest.raises(NotFoundError, match="Rooms: Saal Ada"):
        answers.now(reader(), NOW, room="the moon")


def test_default_speaker_answers(answers: ScheduleAnswers) -> None:
    """Who is X, what X talks about, who gives Y: answered from the schedule alone."""
    session = answers.schedule.session("s0002")
    assert session is not None
    speaker = answers.schedule.speaker(session.speaker_ids[0])
    assert speaker is not None
    who = answers.speaker_question(WhoIs(speaker.name), reader(), NOW)
    assert speaker.name in text_of(who)
    assert "Keynote: Building forced-labour audits" in text_of(who)
    topic = answers.speaker_question(SpeakerTopic(speaker.name), reader(), NOW)
    assert "Keynote: Building forced-labour audits" in text_of(topic)
    gives = answers.speaker_question(WhoSpeaks("keynote building"), reader(), NOW)
    assert speaker.name in (gives.content if isinstance(gives, Reply) else "") or ""
    with pytest.raises(NotFoundError, match="find a speaker called"):
        answers.speaker_question(WhoIs("Zebedee Quorn"), reader(), NOW)


def test_day_parts_filter_by_local_hour(answers: ScheduleAnswers) -> None:
    """ "tomorrow evening" in Sydney keeps sessions starting 18:00-24:00 there."""
    sydney = reader("Australia/Sydney")
    answer = answers.schedule_for(sydney, NOW, day="2025-10-23", part="evening")
    text = text_of(answer)
    assert "on Thu 23 Oct evening" in text
    hours = [line.split("**")[1][:2] for line in text.splitlines() if line.startswith("**")]
    assert hours
    assert all(18 <= int(hour) < 24 for hour in hours)


def test_listing_of_speakers_is_paginated(answers: ScheduleAnswers) -> None:
    """The "speakers" text command lists every speaker, 30 a page."""
    answer = answers.listing("speakers", reader())
    assert isinstance(answer, PagedReply)
    assert answer.page_count == -(-len(answers.schedule.schedule.speakers) // 30)


def test_next_after_the_last_session(answers: ScheduleAnswers) -> None:
    """After the last session, /next says the conference is over."""
    last = answers.schedule.last_end
    assert last is not None
    assert "The conference is over" in text_of(answers.next(reader(), last + timedelta(minutes=1)))
