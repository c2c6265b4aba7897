"""The schedule generator: deterministic, valid, and agreeing with the index."""

from __future__ import annotations

import itertools
import random
from datetime import timedelta

import pytest

from bot.schedule.index import ScheduleIndex
from bot.schedule.model import Schedule, Session
from confbot_dev.generate import generate_schedule


@pytest.fixture(scope="module")
def big() -> Schedule:
    """The benchmark-sized schedule: 1,000 sessions and 5,000 speakers."""
    return generate_schedule(sessions=1000, speakers=5000)


def test_same_seed_gives_the_same_schedule() -> None:
    """Generation is deterministic for a seed, and another seed differs."""
    assert generate_schedule(sessions=50, seed=3) == generate_schedule(sessions=50, seed=3)
    assert generate_schedule(sessions=50, seed=3) != generate_schedule(sessions=50, seed=4)


@pytest.mark.parametrize(
    ("sessions", "tracks", "speakers"), [(1000, 10, 5000), (7, 3, 2), (0, 1, 1)]
)
def test_sizes_are_as_asked(sessions: int, tracks: int, speakers: int) -> None:
    """The schedule has exactly the requested numbers of sessions, tracks and speakers."""
    schedule = generate_schedule(sessions=sessions, tracks=tracks, speakers=speakers)
    assert len(schedule.sessions) == sessions
    assert len(schedule.tracks) == tracks
    assert len(schedule.speakers) == speakers


def test_generated_schedule_is_consistent(big: Schedule) -> None:
    """Ids are unique, references resolve, durations are 30-90 minutes, order is sorted."""
    speaker_ids = {speaker.id for speaker in big.speakers}
    assert len({session.id for session in big.sessions}) == len(big.sessions)
    for session in big.sessions:
        assert timedelta(minutes=30) <= session.duration <= timedelta(minutes=90)
        assert set(session.speaker_ids) <= speaker_ids
        assert session.start.utcoffset() == timedelta(0)
    keys = [(s.start, s.room_id or "", s.id) for s in big.sessions]
    assert keys == sorted(keys)


def test_rooms_never_double_book(big: Schedule) -> None:
    """Within a room, each session ends before the next one starts."""
    by_room: dict[str | None, list[Session]] = {}
    for session in big.sessions:
        by_room.setdefault(session.room_id, []).append(session)
    for sessions in by_room.values():
        assert all(one.end <= two.start for one, two in itertools.pairwise(sessions))


def test_names_include_accents(big: Schedule) -> None:
    """Some speaker names carry accents, to exercise sorting and search."""
    assert any(not speaker.name.isascii() for speaker in big.speakers)


@pytest.mark.parametrize("zone", ["Australia/Sydney", "America/Los_Angeles"])
def test_far_readers_see_other_local_days(big: Schedule, zone: str) -> None:
    """Readers far from Berlin see sessions on more local days than Berliners do."""
    index = ScheduleIndex(big)
    assert len(index.local_days(zone)) > len(index.local_days("Europe/Berlin"))


def test_index_agrees_with_brute_force(big: Schedule) -> None:
    """On the big schedule the index returns what a linear scan returns."""
    index = ScheduleIndex(big)
    rng = random.Random(1)
    first, last = big.sessions[0].start, big.sessions[-1].end
    for _ in range(200):
        instant = first + (last - first) * rng.random()
        expected = [s.id for s in big.sessions if s.start <= instant < s.end]
        assert [s.id for s in index.sessions_at(instant)] == expected
        upcoming = [s.id for s in big.sessions if s.start > instant and s.room_id == "room-3"]
        assert [s.id for s in index.next_sessions(instant, room_id="room-3")] == upcoming[:5]
    for day in index.local_days("Australia/Sydney"):
        start, end = index.local_day_bounds(day, "Australia/Sydney")
        expected = [s.id for s in big.sessions if start <= s.start < end]
        assert [s.id for s in index.sessions_on_local_day(day, "Australia/Sydney")] == expected
