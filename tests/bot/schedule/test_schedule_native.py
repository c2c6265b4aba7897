"""The native schedule file: the seed loads faithfully, and every mistake is named."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.errors import ConfigError
from bot.schedule.files import load_schedule
from bot.schedule.native import parse_schedule

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "tests" / "fixtures" / "schedules"
EXAMPLES = ROOT / "examples"


def _base() -> dict[str, Any]:
    """Return a small valid document that each case breaks in one way."""
    return {
        "conference": {"name": "Test Conf", "zone": "America/New_York"},
        "rooms": [{"id": "main", "name": "Main stage"}],
        "tracks": [{"id": "law", "name": "Law"}],
        "speakers": [{"id": "nice", "name": "Sir Geoffrey Nice QC"}],
        "sessions": [
            {
                "id": "keynote",
                "title": "Keynote",
                "start": "2021-02-24 16:00",
                "end": "2021-02-24 17:45",
                "room": "main",
                "track": "law",
                "speakers": ["nice"],
            }
        ],
    }


def _with(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    """Return the base document with the value at ``path`` replaced (or deleted)."""
    document = copy.deepcopy(_base())
    target: Any = document
    for step in path[:-1]:
        target = target[step]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return document


_DELETE = object()


def _problems(document: dict[str, Any]) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_schedule(document, source="test.toml")
    return caught.value.problems


@pytest.mark.parametrize("name", ["seed-conference.toml", "seed-conference.json"])
def test_seed_example_loads_the_article_conference(name: str) -> None:
    """The seed example holds one session, 4:00-5:45 p.m. New York time on 24 Feb 2021."""
    schedule = load_schedule(EXAMPLES / name)
    assert schedule.conference.zone == "America/New_York"
    [session] = schedule.sessions
    assert session.start == datetime(2021, 2, 24, 21, 0, tzinfo=UTC)
    assert session.end == datetime(2021, 2, 24, 22, 45, tzinfo=UTC)
    assert [speaker.name for speaker in schedule.speakers] == ["Sir Geoffrey Nice QC"]
    assert session.speaker_ids == ("nice",)


def test_seed_example_names_the_keynote() -> None:
    """A reader looking for "the keynote" finds it in the seed session's title."""
    [session] = load_schedule(EXAMPLES / "seed-conference.toml").sessions
    assert "keynote" in session.title.casefold()
    assert "China Tribunal" in (session.abstract or "")


def test_seed_toml_and_json_twins_agree() -> None:
    """The JSON twin of the seed describes exactly the same schedule as the TOML."""
    toml = load_schedule(EXAMPLES / "seed-conference.toml")
    assert load_schedule(EXAMPLES / "seed-conference.json") == toml
    assert load_schedule(FIXTURES / "seed-conference.toml") == toml


def test_valid_document_parses_to_utc_instants() -> None:
    """Wall times in the conference zone become aware UTC instants."""
    [session] = parse_schedule(_base(), source="test.toml").sessions
    assert session.start == datetime(2021, 2, 24, 21, 0, tzinfo=UTC)
    assert session.start.tzinfo is UTC
    assert (session.room_id, session.track_id) == ("main", "law")


@pytest.mark.parametrize(
    ("key", "value", "expected_end"),
    [
        ("end", "17:45", datetime(2021, 2, 24, 22, 45, tzinfo=UTC)),
        ("duration", "1h45m", datetime(2021, 2, 24, 22, 45, tzinfo=UTC)),
        ("duration", "90m", datetime(2021, 2, 24, 22, 30, tzinfo=UTC)),
        ("duration", 105, datetime(2021, 2, 24, 22, 45, tzinfo=UTC)),
        ("end", datetime(2021, 2, 24, 17, 45), datetime(2021, 2, 24, 22, 45, tzinfo=UTC)),  # noqa: DTZ001 - a TOML local date-time is naive
    ],
)
def test_end_can_be_written_several_ways(key: str, value: Any, expected_end: datetime) -> None:
    """The end may be a time of day, a full date-time, or a duration."""
    document = _with(("sessions", 0, "end"), _DELETE)
    document["sessions"][0][key] = value
    [session] = parse_schedule(document, source="test.toml").sessions
    assert session.end == expected_end


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        ("2021-11-07 01:30-04:00", datetime(2021, 11, 7, 5, 30, tzinfo=UTC)),
        ("2021-11-07 01:30-05:00", datetime(2021, 11, 7, 6, 30, tzinfo=UTC)),
        ("2021-11-07T06:30Z", datetime(2021, 11, 7, 6, 30, tzinfo=UTC)),
    ],
)
def test_explicit_offset_resolves_a_dst_fold(start: str, expected: datetime) -> None:
    """An explicit UTC offset picks which of the two 01:30s of the fold is meant."""
    document = _with(("sessions", 0, "start"), start)
    document["sessions"][0]["end"] = "2021-11-07 08:00-05:00"
    [session] = parse_schedule(document, source="test.toml").sessions
    assert session.start == expected


def test_sessions_are_sorted_by_start_room_and_id() -> None:
    """Sessions come out ordered by (start, room, id) whatever the file order."""
    document = _base()
    document["rooms"].append({"id": "aside", "name": "Side room"})
    late = {"id": "late", "title": "Late", "start": "2021-02-24 18:00", "duration": 30}
    twin = {"id": "b-twin", "title": "Twin", "start": "2021-02-24 16:00", "duration": 30}
    side = {**twin, "id": "a-side", "room": "aside"}
    document["sessions"] = [late, *document["sessions"], twin, side]
    ids = [session.id for session in parse_schedule(document, source="t").sessions]
    assert ids == ["b-twin", "a-side", "keynote", "late"]


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (("conference", "zone"), _DELETE, 'test.toml: conference: missing required key "zone"'),
        (("conference", "zone"), "Mars/Olympus", 'conference: zone "Mars/Olympus" is not'),
        (("conference", "organizers"), [], 'unknown key "organizers" (did you mean "organisers"'),
        (("sessions", 0, "titel"), "x", 'session "keynote": unknown key "titel"'),
        (("sessions", 0, "title"), 42, 'session "keynote": title must be a string'),
        (("sessions", 0, "title"), _DELETE, 'session "keynote": missing required key "title"'),
        (("sessions", 0, "end"), "2021-02-24 15:00", "end 2021-02-24 15:00 is not after start"),
        (("sessions", 0, "end"), "tomorrow", 'session "keynote": end "tomorrow" is not a date'),
        (("sessions", 0, "start"), "2021-02-30 16:00", 'start "2021-02-30 16:00" is not a real'),
        (("sessions", 0, "start"), 1614200400, 'session "keynote": start must be a date'),
        (("sessions", 0, "duration"), "1h", 'give either "end" or "duration", not both'),
        (("sessions", 0, "end"), _DELETE, 'missing required key "end" (or "duration")'),
        (("sessions", 0, "room"), "mian", 'room "mian" is not defined in [[rooms]]'),
        (("sessions", 0, "track"), "lwa", 'track "lwa" is not defined in [[tracks]]'),
        (("sessions", 0, "speakers"), ["nicee"], 'speakers item "nicee" is not defined'),
        (("sessions", 0, "speakers"), "nice", 'session "keynote": speakers must be a list'),
        (("sessions", 0, "id"), "my talk", 'id "my talk" must be 1-64 letters'),
        (("sessions", 0, "url"), "example.org", 'url "example.org" must be a web address'),
        (("speakers", 0, "discord_user_id"), 1.5, 'speaker "nice": discord_user_id must be'),
        (("speakers", 0, "bio"), ["x"], 'speaker "nice": bio must be a string'),
        (("rooms", 0, "name"), _DELETE, 'room "main": missing required key "name"'),
        (("sessions",), {"id": "x"}, "sessions must be a list of tables ([[sessions]])"),
        (("conference",), _DELETE, "missing the [conference] table"),
        (("extra",), 1, 'test.toml: unknown key "extra"'),
    ],
)
def test_each_mistake_is_reported_by_place_and_key(
    path: tuple[Any, ...], value: Any, expected: str
) -> None:
    """Each kind of mistake fails with a message naming the file, the item and the key."""
    problems = _problems(_with(path, value))
    assert any(expected in problem for problem in problems), problems
    assert all(problem.startswith("test.toml: ") for problem in problems)


@pytest.mark.parametrize("collection", ["sessions", "speakers", "rooms", "tracks"])
def test_duplicate_ids_are_rejected(collection: str) -> None:
    """Two items of one kind may not share an id, even differing only in case."""
    document = _base()
    twin = copy.deepcopy(document[collection][0])
    twin["id"] = twin["id"].upper()
    document[collection].append(twin)
    problems = _problems(document)
    noun = collection.removesuffix("s")
    assert any(f"duplicate {noun} id: {noun} #1 already uses" in p for p in problems), problems


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        ("2021-03-14 02:30", "start 2021-03-14 02:30 does not exist in America/New_York"),
        ("2021-11-07 01:30", "start 2021-11-07 01:30 happens twice in America/New_York"),
    ],
)
def test_dst_gap_and_fold_without_offset_are_rejected(start: str, expected: str) -> None:
    """A wall time skipped or repeated by a DST change needs fixing or an offset."""
    document = _with(("sessions", 0, "start"), start)
    document["sessions"][0]["end"] = "2021-11-07 08:00-05:00"
    problems = _problems(document)
    assert any(f'session "keynote": {expected}' in problem for problem in problems), problems


def test_fold_message_suggests_both_offsets() -> None:
    """The fold message shows the two offsets that would each resolve it."""
    document = _with(("sessions", 0, "start"), "2021-11-07 01:30")
    document["sessions"][0]["end"] = "2021-11-07 08:00-05:00"
    [problem] = _problems(document)
    assert '"2021-11-07 01:30-04:00" (the first) or "2021-11-07 01:30-05:00"' in problem


def test_every_problem_in_a_file_is_reported() -> None:
    """A file with several mistakes lists all of them, not only the first."""
    with pytest.raises(ConfigError) as caught:
        load_schedule(FIXTURES / "many-problems.toml")
    problems = caught.value.problems
    expected = [
        'many-problems.toml: session "keynote": unknown key "titel" (did you mean "title"?)',
        'many-problems.toml: session "keynote": missing required key "title"',
        'many-problems.toml: session "keynote": end 2021-02-24 16:00 is not after start '
        "2021-02-24 17:45",
        'many-problems.toml: session "keynote": room "mian" is not defined in [[rooms]] '
        '(did you mean "main"?)',
        'many-problems.toml: session "keynote": speakers item "nicee" is not defined in '
        '[[speakers]] (did you mean "nice"?)',
        'many-problems.toml: session "gap": start 2021-03-14 02:30 does not exist',
        'many-problems.toml: session "fold": start 2021-11-07 01:30 happens twice',
    ]
    for fragment in expected:
        assert any(problem.startswith(fragment) for problem in problems), (fragment, problems)
    assert len(problems) == len(expected)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("syntax-error.toml", "syntax-error.toml: not valid TOML: "),
        ("duplicate-key.json", 'duplicate-key.json: key "name" appears twice'),
        ("missing.toml", "missing.toml: cannot read the schedule file"),
        ("schedule.yaml", "schedule.yaml: a schedule file must end in .toml, .json, .xml"),
    ],
)
def test_unreadable_files_are_reported(name: str, expected: str) -> None:
    """A file that cannot be read or parsed fails with its name and the reason."""
    with pytest.raises(ConfigError) as caught:
        load_schedule(FIXTURES / name)
    assert caught.value.problems[0].startswith(expected), caught.value.problems


def test_toml_syntax_error_gives_the_line() -> None:
    """A TOML syntax error says on which line it is."""
    with pytest.raises(ConfigError) as caught:
        load_schedule(FIXTURES / "syntax-error.toml")
    assert "line 6" in caught.value.problems[0]


def test_unparsed_json_error_gives_the_line(tmp_path: Path) -> None:
    """A JSON syntax error says on which line it is."""
    path = tmp_path / "broken.json"
    path.write_text('{\n  "conference": {\n    "name": "x",,\n  }\n}\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_schedule(path)
    assert caught.value.problems[0].startswith("broken.json: not valid JSON: ")
    assert "line 3" in caught.value.problems[0]


def test_discord_user_id_may_be_a_string_of_digits() -> None:
    """A snowflake written as a string (as JavaScript tools do) is read as an integer."""
    document = _with(("speakers", 0, "discord_user_id"), "123456789012345678")
    [speaker] = parse_schedule(document, source="t").speakers
    assert speaker.discord_user_id == 123456789012345678
