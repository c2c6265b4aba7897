"""ScheduleIndex: the questions the bot asks about a schedule, answered correctly."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.schedule.files import load_schedule
from bot.schedule.index import ScheduleIndex
from bot.schedule.model import Conference, Room, Schedule, Session, Speaker, Track

SEED = Path(__file__).resolve().parents[3] / "examples" / "seed-conference.toml"


def _utc(hour: int, minute: int = 0, day: int = 24) -> datetime:
    return datetime(2021, 2, day, hour, minute, tzinfo=UTC)


def _session(session_id: str, start: datetime, end: datetime, **fields: object) -> Session:
    return Session(id=session_id, title=f"Talk {session_id}", start=start, end=end, **fields)  # type: ignore[arg-type]


@pytest.fixture
def index() -> ScheduleIndex:
    """Three sessions: a and b back to back in room r1, c overlapping both in r2."""
    return ScheduleIndex(
        Schedule(
            conference=Conference(name="Test", zone="America/New_York"),
            sessions=(
                _session(
                    "b",
                    _utc(11),
                    _utc(12),
                    room_id="r1",
                    track_id="t1",
                    speaker_ids=("xavier", "yara"),
                ),
                _session(
                    "a",
                    _utc(10),
                    _utc(11),
                    room_id="r1",
                    track_id="t1",
                    speaker_ids=("xavier",),
                    kind="keynote",
                ),
                _session(
                    "c",
                    _utc(10, 30),
                    _utc(11, 30),
                    room_id="r2",
                    track_id="t2",
                    speaker_ids=("yara",),
                ),
            ),
            speakers=(Speaker(id="yara", name="Yara Émile"), Speaker(id="xavier", name="Xavier")),
            rooms=(Room(id="r1", name="One"), Room(id="r2", name="Two")),
            tracks=(Track(id="t1", name="Law"), Track(id="t2", name="Science")),
        )
    )


def _ids(sessions: tuple[Session, ...]) -> list[str]:
    return [session.id for session in sessions]


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        (_utc(9, 59), []),
        (_utc(10), ["a"]),
        (_utc(10, 30), ["a", "c"]),
        (_utc(11), ["c", "b"]),
        (_utc(11, 30), ["b"]),
        (_utc(12), []),
    ],
)
def test_sessions_at_includes_start_and_excludes_end(
    index: ScheduleIndex, instant: datetime, expected: list[str]
) -> None:
    """A session is running from its start (inclusive) to its end (exclusive)."""
    assert _ids(index.sessions_at(instant)) == expected


@pytest.mark.parametrize(
    ("room_id", "track_id", "expected"),
    [("r1", None, ["a"]), ("r2", None, ["c"]), (None, "t2", ["c"]), ("r1", "t2", [])],
)
def test_sessions_at_filters_by_room_and_track(
    index: ScheduleIndex, room_id: str | None, track_id: str | None, expected: list[str]
) -> None:
    """Room and track filters keep only the matching running sessions."""
    assert _ids(index.sessions_at(_utc(10, 45), room_id=room_id, track_id=track_id)) == expected


@pytest.mark.parametrize(
    ("after", "filters", "limit", "expected"),
    [
        (_utc(9), {}, 5, ["a", "c", "b"]),
        (_utc(9), {}, 1, ["a"]),
        (_utc(10), {}, 5, ["c", "b"]),
        (_utc(10), {"room_id": "r1"}, 5, ["b"]),
        (_utc(9), {"track_id": "t2"}, 5, ["c"]),
        (_utc(9), {"room_id": "r1", "track_id": "t1"}, 1, ["a"]),
        (_utc(9), {"room_id": "nowhere"}, 5, []),
        (_utc(11), {}, 5, []),
    ],
)
def test_next_sessions_start_strictly_after(
    index: ScheduleIndex, after: datetime, filters: dict[str, str], limit: int, expected: list[str]
) -> None:
    """Next sessions start strictly after the instant, soonest first, per room/track."""
    assert _ids(index.next_sessions(after, limit=limit, **filters)) == expected


@pytest.mark.parametrize(
    ("speaker_id", "expected"), [("xavier", ["a", "b"]), ("YARA", ["c", "b"]), ("zed", [])]
)
def test_sessions_by_speaker(index: ScheduleIndex, speaker_id: str, expected: list[str]) -> None:
    """A speaker's sessions come in start order; an unknown speaker has none."""
    assert _ids(index.sessions_by_speaker(speaker_id)) == expected


def test_lookups_by_id_ignore_case(index: ScheduleIndex) -> None:
    """Ids typed by attendees match whatever their case; unknown ids give None."""
    assert index.session("A") is index.session("a")
    assert index.room("R2") == Room(id="r2", name="Two")
    assert index.track("t1") == Track(id="t1", name="Law")
    assert index.speaker("nobody") is None


def test_bounds_and_sorted_speakers(index: ScheduleIndex) -> None:
    """The index knows the programme's first start, last end, and speakers by name."""
    assert (index.first_start, index.last_end) == (_utc(10), _utc(12))
    assert [speaker.id for speaker in index.speakers_sorted] == ["xavier", "yara"]


def test_naive_instants_are_refused(index: ScheduleIndex) -> None:
    """Naive datetimes are a bug in the caller, so they fail loudly."""
    with pytest.raises(ValueError, match="aware"):
        index.sessions_at(datetime(2021, 2, 24, 10))  # noqa: DTZ001 - the point of the test


def test_search_finds_the_seed_keynote() -> None:
    """Searching the seed for "keynote" finds the conference session."""
    index = ScheduleIndex(load_schedule(SEED))
    assert _ids(index.search_sessions("Keynote")) == ["conference"]
    assert _ids(index.search_sessions("keynote geoffrey nice")) == ["conference"]


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("America/New_York", [date(2021, 2, 24)]),
        ("America/Los_Angeles", [date(2021, 2, 24)]),
        ("Europe/Berlin", [date(2021, 2, 24)]),
        ("Australia/Sydney", [date(2021, 2, 25)]),
    ],
)
def test_seed_local_days(zone: str, expected: list[date]) -> None:
    """The seed session falls on 24 Feb in New York but on 25 Feb in Sydney."""
    index = ScheduleIndex(load_schedule(SEED))
    assert index.local_days(zone) == expected
    assert len(index.sessions_on_local_day(expected[0], zone)) == 1


@pytest.mark.parametrize(
    ("day", "zone", "hours"),
    [
        (date(2021, 3, 14), "America/New_York", 23),
        (date(2021, 11, 7), "America/New_York", 25),
        (date(2021, 2, 24), "America/New_York", 24),
        (date(2021, 10, 3), "Australia/Sydney", 23),
        (date(2018, 11, 4), "America/Sao_Paulo", 23),  # midnight itself is skipped
        (date(2021, 11, 7), "America/Havana", 25),  # midnight itself happens twice
    ],
)
def test_local_day_length_follows_dst(
    index: ScheduleIndex, day: date, zone: str, hours: int
) -> None:
    """A local day lasts 23 or 25 hours when DST starts or ends during it."""
    start, end = index.local_day_bounds(day, zone)
    assert end - start == timedelta(hours=hours)


def test_sessions_on_a_23_hour_day_stop_at_local_midnight() -> None:
    """On the day DST starts, the day ends at 04:00 UTC, not 05:00 UTC."""
    zone = "America/New_York"
    instants = {
        "before": datetime(2021, 3, 14, 4, 59, tzinfo=UTC),  # 23:59 EST on the 13th
        "first": datetime(2021, 3, 14, 5, 0, tzinfo=UTC),  # 00:00 EST on the 14th
        "last": datetime(2021, 3, 15, 3, 59, tzinfo=UTC),  # 23:59 EDT on the 14th
        "after": datetime(2021, 3, 15, 4, 0, tzinfo=UTC),  # 00:00 EDT on the 15th
    }
    sessions = tuple(
        _session(name, start, start + timedelta(minutes=30)) for name, start in instants.items()
    )
    index = ScheduleIndex(Schedule(Conference(name="DST", zone=zone), sessions=sessions))
    assert _ids(index.sessions_on_local_day(date(2021, 3, 14), zone)) == ["first", "last"]
    assert index.local_days(zone) == [date(2021, 3, 13), date(2021, 3, 14), date(2021, 3, 15)]


@pytest.mark.parametrize(
    ("filters", "expected"), [({}, ["a", "c", "b"]), ({"room_id": "r2"}, ["c"]),
                              ({"track_id": "t1"}, ["a", "b"]),
                              ({"room_id": "r1", "track_id": "t2"}, [])]
)  # fmt: skip
def test_sessions_on_local_day_filters(
    index: ScheduleIndex, filters: dict[str, str], expected: list[str]
) -> None:
    """A day's sessions can be narrowed to one room or track."""
    assert _ids(index.sessions_on_local_day(date(2021, 2, 24), "Asia/Tokyo", **filters)) == expected
