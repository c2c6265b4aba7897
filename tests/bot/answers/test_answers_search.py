"""Tests for bot.answers.search: fuzzy lookup, autocomplete, ranking, speed.

Run this file directly (``.venv/bin/python tests/bot/answers/test_answers_search.py``) to
print autocomplete latency percentiles on a generated 1,000-session, 5,000-speaker schedule.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from bot.answers.search import SearchIndex
from bot.answers.search_text import MAX_LABEL_CHARS
from bot.schedule.model import Conference, Room, Schedule, Session, Speaker, Track

T0 = datetime(2021, 2, 24, 21, 0, tzinfo=UTC)
LONG_TITLE = "A very long title " + "about many important things " * 10


def _session(id_: str, title: str, hours: float, **kwargs: object) -> Session:
    start = T0 + timedelta(hours=hours)
    return Session(id=id_, title=title, start=start, end=start + timedelta(minutes=45), **kwargs)  # type: ignore[arg-type]


SEED = Schedule(
    conference=Conference(name="Online conference", zone="America/New_York"),
    sessions=(
        Session(
            id="keynote",
            title="Keynote: the latest findings of the China Tribunal",
            start=T0,
            end=T0 + timedelta(minutes=105),
            abstract="Sir Geoffrey Nice QC on forced organ harvesting.",
            room_id="r-b",
            track_id="t-sec",
            speaker_ids=("nice",),
        ),
        _session("sp", "São Paulo talk", 2, speaker_ids=("kim-1", "kim-2")),
        _session("organs", "Organ donation ethics", 3, speaker_ids=("doe",)),
        _session("panel", "Closing panel", 4, abstract="A discussion of organ transplant law."),
        _session("long", LONG_TITLE, 5),
        _session("early", "Opening keynote", -5),
    ),
    speakers=(
        Speaker(id="nice", name="Sir Geoffrey Nice QC"),
        Speaker(id="kim-1", name="Alex Kim", affiliation="Acme"),
        Speaker(id="kim-2", name="Alex Kim", affiliation="Globex"),
        Speaker(id="doe", name="Dr. Jane Doe, PhD"),
        Speaker(id="lord", name="Mary Lord"),
        Speaker(id="zoe", name="Zoë Ångström"),
    ),
    rooms=(Room(id="r-b", name="Room B"), Room(id="r-ball", name="Ballroom")),
    tracks=(Track(id="t-sec", name="Security"), Track(id="t-law", name="Law and policy")),
)


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    """The index of the seed-like schedule."""
    return SearchIndex(SEED)


@pytest.mark.parametrize(
    ("text", "session_id"),
    [
        ("keynote", "keynote"),
        ("KEYNOTE", "keynote"),
        ("china tribunal", "keynote"),
        ("tribunal china", "keynote"),
        ("geoffrey nice", "keynote"),
        ("Geoffrey Nice's talk", "keynote"),
        ("keynote nice", "keynote"),
        ("sao paulo", "sp"),
        ("SAO PAULO", "sp"),
        ("são", "sp"),
        ("Keynote: the latest findings of the China Tribunal", "keynote"),
        ("keynoet", "keynote"),
        ("tribnual", "keynote"),
        ("geofrey", "keynote"),
        ("<@123> **keynote**", "keynote"),
        ("organ", "organs"),
        ("sp", "sp"),
    ],
)
def test_find_session(index: SearchIndex, text: str, session_id: str) -> None:
    """find_session resolves titles, speakers, ids, accents and typos."""
    match = index.find_session(text)
    assert match is not None
    assert match.id == session_id


@pytest.mark.parametrize(
    ("text", "speaker_id"),
    [
        ("geoffrey nice", "nice"),
        ("Sir Geoffrey Nice QC", "nice"),
        ("sir geoffrey", "nice"),
        ("nice", "nice"),
        ("geofrey", "nice"),
        ("geoffery nice", "nice"),
        ("jane doe", "doe"),
        ("dr doe", "doe"),
        ("zoe angstrom", "zoe"),
        ("Zoë", "zoe"),
        ("mary lord", "lord"),
    ],
)
def test_find_speaker(index: SearchIndex, text: str, speaker_id: str) -> None:
    """find_speaker ignores accents, honorifics and post-nominals and survives typos."""
    match = index.find_speaker(text)
    assert match is not None
    assert match.id == speaker_id


@pytest.mark.parametrize("text", ["", "   ", "???", "xyzzy", "quantum chromodynamics"])
def test_find_session_none(index: SearchIndex, text: str) -> None:
    """find_session returns None when nothing is close enough."""
    assert index.find_session(text) is None


@pytest.mark.parametrize(
    ("method", "text", "expected_id"),
    [
        ("find_room", "room b", "r-b"),
        ("find_room", "Room B", "r-b"),
        ("find_room", "b", "r-b"),
        ("find_room", "ballroom", "r-ball"),
        ("find_room", "r-ball", "r-ball"),
        ("find_track", "security", "t-sec"),
        ("find_track", "the security track", "t-sec"),
        ("find_track", "secrity", "t-sec"),
        ("find_track", "law", "t-law"),
    ],
)
def test_find_room_and_track(index: SearchIndex, method: str, text: str, expected_id: str) -> None:
    """find_room and find_track accept names, partial names, ids and typos."""
    match = getattr(index, method)(text)
    assert match is not None
    assert match.id == expected_id


def test_duplicate_speaker_names_both_returned(index: SearchIndex) -> None:
    """Two speakers with one name are both completed, with distinct ids and labels."""
    matches = index.complete_speakers("alex kim")
    assert {m.id for m in matches} == {"kim-1", "kim-2"}
    assert len({m.label for m in matches}) == 2


def test_complete_sessions_by_speaker(index: SearchIndex) -> None:
    """Completing a speaker's name offers the sessions they speak in, labelled by title."""
    (match,) = index.complete_sessions("alex")
    assert (match.kind, match.id, match.label) == ("session", "sp", "São Paulo talk")


@pytest.mark.parametrize(
    ("text", "expected_ids"),
    [
        ("keyn", ["keynote", "early"]),
        ("organ", ["organs", "keynote"]),
        ("nice", ["nice", "keynote"]),
    ],
)
def test_search_ranking(index: SearchIndex, text: str, expected_ids: list[str]) -> None:
    """search ranks title and name hits above abstract hits, then by start."""
    assert [m.id for m in index.search(text)][: len(expected_ids)] == expected_ids


def test_search_title_before_abstract(index: SearchIndex) -> None:
    """A title hit outranks an abstract-only hit for the same word."""
    ids = [m.id for m in index.search("organ")]
    assert ids.index("organs") < ids.index("panel")


def test_search_exact_before_prefix(index: SearchIndex) -> None:
    """An exact whole-label match outranks a label that merely starts with the query."""
    matches = index.search("opening keynote")
    assert matches[0].id == "early"
    assert matches[0].score == 1.0


def test_search_kinds(index: SearchIndex) -> None:
    """search covers rooms and tracks too."""
    assert {(m.kind, m.id) for m in index.search("security")} >= {("track", "t-sec")}
    assert ("room", "r-ball") in {(m.kind, m.id) for m in index.search("ballroom")}


def test_complete_sessions_empty_text_by_start(index: SearchIndex) -> None:
    """Empty text lists sessions by start time."""
    assert [m.id for m in index.complete_sessions("")][:3] == ["early", "keynote", "sp"]


def test_complete_sessions_empty_text_prefers_upcoming(index: SearchIndex) -> None:
    """With ``after``, sessions still to come are listed before past ones."""
    ids = [m.id for m in index.complete_sessions("", after=T0 + timedelta(hours=1))]
    assert ids[:2] == ["keynote", "sp"]
    assert ids[-1] == "early"


def test_complete_sessions_after_breaks_ties(index: SearchIndex) -> None:
    """With ``after``, an equally good upcoming match comes before a past one."""
    ids = [m.id for m in index.complete_sessions("keynote", after=T0)]
    assert ids == ["keynote", "early"]


@pytest.mark.parametrize("limit", [0, 1, 5, 25, 100])
def test_complete_limit(limit: int) -> None:
    """Autocomplete never returns more than min(limit, 25) choices."""
    index = SearchIndex(_generated(200, 500))
    assert len(index.complete_sessions("", limit)) == min(limit, 25)
    assert len(index.complete_speakers("a", limit)) == min(limit, 25)


def test_labels_truncated(index: SearchIndex) -> None:
    """Labels are at most 100 characters and end with an ellipsis when cut."""
    (match,) = index.complete_sessions("very long title")
    assert len(match.label) <= MAX_LABEL_CHARS
    assert match.label.endswith("…")


@pytest.mark.parametrize(
    "text",
    [
        "x" * 6000,
        "keynote " * 1000,
        "<@!123> <#456> <:emoji:789> @everyone ||spoiler|| ~~strike~~",
        "\x00\u200b\ufeff\U0001f600",
        "a b c d e f g h i j k l m n o p",
        "' OR 1=1; --",
    ],
)
def test_hostile_input_never_raises(index: SearchIndex, text: str) -> None:
    """No input makes any lookup raise, and results stay within limits."""
    assert len(index.complete_sessions(text)) <= 25
    assert len(index.complete_speakers(text)) <= 25
    index.search(text)
    index.find_session(text)
    index.find_speaker(text)
    index.find_room(text)
    index.find_track(text)
    index.find(text)
    assert len(index.suggest_sessions(text)) <= 5
    assert len(index.suggest_speakers(text)) <= 5


def test_suggest_sessions_when_nothing_matches(index: SearchIndex) -> None:
    """suggest_sessions falls back to the closest titles."""
    assert index.suggest_sessions("closing panle discussion") == ["Closing panel"]


def test_suggest_speakers(index: SearchIndex) -> None:
    """suggest_speakers offers names close to a misspelt one."""
    assert "Sir Geoffrey Nice QC" in index.suggest_speakers("jeffrey nice")


@pytest.mark.parametrize(
    ("text", "kind", "expected_id"),
    [("geoffrey nice", "speaker", "nice"), ("the keynote", "session", "keynote")],
)
def test_find_any(index: SearchIndex, text: str, kind: str, expected_id: str) -> None:
    """find picks the better of a speaker and a session for "tell me about X"."""
    match = index.find(text)
    assert match is not None
    assert (match.kind, match.id) == (kind, expected_id)


def test_empty_schedule() -> None:
    """An empty schedule yields empty answers."""
    index = SearchIndex(Schedule(conference=Conference(name="c", zone="UTC")))
    assert index.complete_sessions("") == []
    assert index.search("keynote") == []
    assert index.find_session("keynote") is None


# ------------------------------------------------------------------ performance

_WORDS = [
    "keynote",
    "panel",
    "workshop",
    "security",
    "privacy",
    "organ",
    "tribunal",
    "china",
    "law",
    "policy",
    "ethics",
    "data",
    "cloud",
    "network",
    "human",
    "rights",
    "future",
    "open",
    "source",
    "community",
    "design",
    "research",
    "health",
    "climate",
    "energy",
    "justice",
    "history",
    "media",
    "democracy",
    "economy",
    "education",
    "quantum",
]
_FIRST = [
    "alex",
    "maria",
    "jean",
    "geoffrey",
    "zoë",
    "józef",
    "amélie",
    "sven",
    "ana",
    "li",
    "wei",
    "sofia",
    "omar",
]
_LAST = [
    "kim",
    "nice",
    "lópez",
    "müller",
    "smith",
    "nguyen",
    "okafor",
    "dubois",
    "rossi",
    "tanaka",
    "garcía",
    "brown",
]


def _generated(n_sessions: int, n_speakers: int, seed: int = 7) -> Schedule:
    rng = random.Random(seed)
    speakers = tuple(
        Speaker(id=f"p{i}", name=f"{rng.choice(_FIRST)} {rng.choice(_LAST)}{i}")
        for i in range(n_speakers)
    )
    sessions = tuple(
        Session(
            id=f"s{i}",
            title=" ".join(rng.choices(_WORDS, k=rng.randint(3, 8))).capitalize() + f" {i}",
            start=T0 + timedelta(minutes=15 * i),
            end=T0 + timedelta(minutes=15 * i + 45),
            abstract=" ".join(rng.choices(_WORDS, k=40)),
            speaker_ids=tuple(f"p{rng.randrange(n_speakers)}" for _ in range(5)),
        )
        for i in range(n_sessions)
    )
    return Schedule(
        conference=Conference(name="Big", zone="UTC"), sessions=sessions, speakers=speakers
    )


def test_a_letter_beside_an_unknown_word_matches_nothing(index: SearchIndex) -> None:
    """ "quantum e" finds nothing: the "e" alone no longer brings every word starting with e."""
    assert index.search("quantum e") == []
    assert index.complete_sessions("quantum e") == []


def test_a_lone_letter_completes_titles_and_names_not_abstracts(index: SearchIndex) -> None:
    """ "k" completes "Keynote…" (a first keystroke); "h" is only "harvesting" in an abstract."""
    assert index.complete_sessions("k")[0].id == "keynote"
    assert index.search("h") == []


def test_a_letter_among_words_is_a_whole_word() -> None:
    """ "c programming" ranks "Systems programming in C" first; "Cloud programming" has no "c"."""
    schedule = Schedule(
        conference=Conference(name="Languages", zone="UTC"),
        sessions=(
            _session("cloud", "Cloud programming", 0),
            _session("c", "Systems programming in C", 1),
        ),
    )
    found = SearchIndex(schedule).search("c programming")
    assert [match.id for match in found] == ["c", "cloud"]
    assert found[1].score == pytest.approx(0.45)  # "some words" (one of two), not "every word"


def test_complete_sessions_kept_answers_follow_the_sessions_that_end(index: SearchIndex) -> None:
    """The same text asked again after a session ended: that session moves to the end."""
    before = [m.id for m in index.complete_sessions("", after=T0 - timedelta(hours=5))]
    assert before[0] == "early"
    again = [m.id for m in index.complete_sessions("", after=T0)]
    assert again[-1] == "early"
    assert [m.id for m in index.complete_sessions("", after=T0 - timedelta(hours=5))] == before
