"""Planning reminders and digests as outbox rows: times, DST, schedule changes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.clock import SimulatedClock
from bot.delivery import DeliveryEngine
from bot.errors import UserError
from bot.reminders.planner import ReminderPlanner, local_instant, reminder_key, reminder_times
from bot.schedule.index import ScheduleIndex
from bot.schedule.model import Conference, Schedule, Session
from bot.scheduler import KeyedScheduler
from bot.storage import Database, open_database

NOW = datetime(2025, 10, 24, 12, 0, tzinfo=UTC)


def session(session_id: str, start: datetime, minutes: int = 30) -> Session:
    """Return a session starting at ``start``."""
    return Session(session_id, f"Talk {session_id}", start, start + timedelta(minutes=minutes))


# Three days across the end of summer time in Berlin (Sun 26 Oct 2025, 03:00 -> 02:00).
SESSIONS = (
    session("fri", datetime(2025, 10, 24, 14, 0, tzinfo=UTC)),
    session("sat", datetime(2025, 10, 25, 9, 0, tzinfo=UTC)),
    session("sun", datetime(2025, 10, 26, 10, 0, tzinfo=UTC)),
)


def index_of(sessions: tuple[Session, ...]) -> ScheduleIndex:
    """Return the index of a Berlin conference with ``sessions``."""
    return ScheduleIndex(Schedule(Conference("Conf", "Europe/Berlin"), sessions=sessions))


class Stage:
    """A database, a delivery engine on a simulated clock, and a planner over a schedule."""

    def __init__(self, database: Database, clock: SimulatedClock) -> None:
        self.database = database
        self.clock = clock
        self.index = index_of(SESSIONS)
        self.engine = DeliveryEngine(database, KeyedScheduler(clock), clock)
        self.planner = ReminderPlanner(
            self.engine,
            database,
            lambda: self.index,
            default_leads=(10,),
            default_delivery="dm",
            room_post_lead=5,
        )

    async def due(self, key: str) -> datetime | None:
        """Return when the pending row ``key`` is due (``None`` unless pending)."""
        item = await self.database.outbox.get(key)
        return item.due_at if item is not None and item.status == "pending" else None


@pytest.fixture
async def stage(tmp_path: Path) -> AsyncIterator[Stage]:
    """Open a fresh database and a planner at :data:`NOW`."""
    database = await open_database(tmp_path / "confbot.db")
    try:
        yield Stage(database, SimulatedClock(NOW, speed=0))
    finally:
        await database.close()


def test_reminder_times_keep_the_leads_still_ahead() -> None:
    """Leads already past are dropped; if all have passed, one reminder comes now."""
    talk = SESSIONS[0]  # 14:00
    assert reminder_times(talk, (60, 10), NOW) == [
        (60, datetime(2025, 10, 24, 13, 0, tzinfo=UTC)),
        (10, datetime(2025, 10, 24, 13, 50, tzinfo=UTC)),
    ]
    late = NOW.replace(hour=13, minute=30)
    assert reminder_times(talk, (60, 10), late) == [(10, talk.start - timedelta(minutes=10))]
    assert reminder_times(talk, (60, 10), NOW.replace(hour=13, minute=55)) == [
        (10, NOW.replace(hour=13, minute=55))
    ]


def test_no_reminder_for_a_session_that_started() -> None:
    """A running session has nothing to remind."""
    with pytest.raises(UserError, match="already started"):
        reminder_times(SESSIONS[0], (10,), SESSIONS[0].start)


@pytest.mark.parametrize(
    ("day", "clock", "expected"),
    [
        (date(2025, 10, 25), time(8, 0), datetime(2025, 10, 25, 6, 0, tzinfo=UTC)),  # CEST
        (date(2025, 10, 26), time(8, 0), datetime(2025, 10, 26, 7, 0, tzinfo=UTC)),  # CET
        # 02:30 happens twice on 26 Oct: the first one (CEST) is meant.
        (date(2025, 10, 26), time(2, 30), datetime(2025, 10, 26, 0, 30, tzinfo=UTC)),
        # 02:30 never happens on 30 Mar 2025: the first instant after the gap.
        (date(2025, 3, 30), time(2, 30), datetime(2025, 3, 30, 1, 30, tzinfo=UTC)),
    ],
)
def test_local_instants_across_dst(day: date, clock: time, expected: datetime) -> None:
    """08:00 is 08:00 on the wall clock on each side of a DST change; gaps and folds resolve."""
    assert local_instant(day, clock, "Europe/Berlin") == expected


async def test_digest_at_eight_on_each_local_day_across_the_dst_change(stage: Stage) -> None:
    """A Berlin digest at 08:00 is due 06:00 UTC on Saturday and 07:00 UTC on Sunday."""
    await stage.database.users.set_digest_time(1, "08:00")
    planned = await stage.planner.plan_digests(1, zone="Europe/Berlin", now=NOW)
    assert planned == 2  # Friday's 08:00 has passed
    assert await stage.due("digest:1:2025-10-25") == datetime(2025, 10, 25, 6, 0, tzinfo=UTC)
    assert await stage.due("digest:1:2025-10-26") == datetime(2025, 10, 26, 7, 0, tzinfo=UTC)


async def test_digests_follow_a_new_zone(stage: Stage) -> None:
    """Planning again in another zone replaces the old digest rows."""
    await stage.database.users.set_digest_time(1, "08:00")
    await stage.planner.plan_digests(1, zone="Europe/Berlin", now=NOW)
    await stage.planner.plan_digests(1, zone="America/New_York", now=NOW)
    assert await stage.due("digest:1:2025-10-25") == datetime(2025, 10, 25, 12, 0, tzinfo=UTC)


async def test_resubscribing_after_forgetting_queues_the_reminder_again(stage: Stage) -> None:
    """Forget, then remind again: the cancelled row comes back, due as before."""
    talk = SESSIONS[0]
    await stage.planner.subscribe(1, talk, lead=None, now=NOW, room_channel_id=None)
    await stage.planner.unsubscribe(1, talk.id)
    assert await stage.due(reminder_key(talk.id, 1, 10)) is None
    await stage.planner.subscribe(1, talk, lead=None, now=NOW, room_channel_id=None)
    assert await stage.due(reminder_key(talk.id, 1, 10)) == talk.start - timedelta(minutes=10)


async def test_new_leads_replace_the_pending_reminders(stage: Stage) -> None:
    """Changing leads to 30: the 10-minute row is cancelled and a 30-minute one queued."""
    talk = SESSIONS[1]
    await stage.planner.subscribe(1, talk, lead=None, now=NOW, room_channel_id=None)
    await stage.database.users.set_reminder_leads(1, (30,))
    await stage.planner.replan_user(1, now=NOW, room_channels={})
    assert await stage.due(reminder_key(talk.id, 1, 10)) is None
    assert await stage.due(reminder_key(talk.id, 1, 30)) == talk.start - timedelta(minutes=30)


async def test_reminders_follow_a_moved_session_and_go_with_a_removed_one(stage: Stage) -> None:
    """At start the planner moves rows of a moved session and cancels a removed one's."""
    await stage.planner.follow_schedule(
        now=NOW, room_channels={}
    )  # remember the schedule as planned
    for talk in SESSIONS[1:]:
        await stage.planner.subscribe(1, talk, lead=None, now=NOW, room_channel_id=None)
    moved = replace(SESSIONS[1], start=SESSIONS[1].start + timedelta(hours=2))
    moved = replace(moved, end=moved.start + timedelta(minutes=30))
    stage.index = index_of((SESSIONS[0], moved))
    counts = await stage.planner.follow_schedule(now=NOW, room_channels={})
    assert counts == {"moved": 1, "cancelled": 1}
    assert await stage.due(reminder_key("sat", 1, 10)) == moved.start - timedelta(minutes=10)
    assert await stage.due(reminder_key("sun", 1, 10)) is None
    assert await stage.planner.follow_schedule(now=NOW, room_channels={}) == {
        "moved": 0,
        "cancelled": 0,
    }
