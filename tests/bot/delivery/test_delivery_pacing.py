"""Pacing: the shared request budget and the head start of a fan-out."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import SimulatedClock
from bot.delivery import TEXT_KIND, DeliveryEngine, DeliverySettings
from bot.delivery.pacing import RequestBudget, due_horizon, planned_start
from bot.scheduler import KeyedScheduler
from bot.storage.database import Database, open_database
from bot.storage.repositories.outbox import NewOutboxRow
from tests.support.clocks import HandClock

T = datetime(2021, 2, 24, 21, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
SECOND = timedelta(seconds=1)


def test_budget_allows_a_small_burst_then_one_slot_per_interval() -> None:
    """At 40/s with a burst of 5, five requests go at once, then one every 25 ms."""
    monotonic = HandClock()
    budget = RequestBudget(40.0, burst=5, monotonic=monotonic)
    delays = [budget.delay() for _ in range(8)]
    assert delays == pytest.approx([0.0] * 5 + [0.025, 0.05, 0.075])


def test_budget_reserves_no_more_than_rate_plus_burst_in_a_second() -> None:
    """However requests arrive, no one-second window of reservations holds more than that."""
    monotonic = HandClock()
    budget = RequestBudget(40.0, monotonic=monotonic)
    leave_at = [monotonic.now + budget.delay() for _ in range(400)]
    for first in leave_at:
        in_window = sum(1 for moment in leave_at if first <= moment < first + 1.0)
        assert in_window <= 40 + budget.burst


def test_default_budget_keeps_what_discord_counts_in_a_second_within_its_limit() -> None:
    """Starts in a second (rate + burst) plus those under way when it began: 50 at most."""
    budget = RequestBudget(40.0)
    assert (budget.burst, budget.max_in_flight) == (2, 8)
    assert int(budget.rate) + budget.burst + budget.max_in_flight == 50  # Discord's limit


@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        # 360 rows at 36/s (90% of 40), and the 2 s every fan-out starts earlier still
        ([(T, 360)], T - timedelta(seconds=10 + 2)),
        ([(T, 36), (T + HOUR, 36)], T - timedelta(seconds=1 + 2)),
        (
            [(T, 36), (T + timedelta(seconds=1), 360)],
            T + timedelta(seconds=1) - timedelta(seconds=11 + 2),
        ),
        ([(T, 360_000)], T - timedelta(minutes=10)),  # capped by the longest head start
        ([], None),
    ],
)
def test_planned_start_lets_the_last_row_land_by_its_due_time(
    profile: list[tuple[datetime, int]], expected: datetime | None
) -> None:
    """N rows due at T start N / (0.9 x budget) before T, at most the longest head start."""
    start = planned_start(profile, rate=40.0, speed=1.0, longest_head_start=timedelta(minutes=10))
    assert start == expected


def test_a_stopped_simulated_clock_gets_no_head_start() -> None:
    """At clock speed 0 (tests), nothing is sent before its due time."""
    start = planned_start([(T, 1000)], rate=40.0, speed=0.0, longest_head_start=HOUR)
    assert start == T


def test_due_horizon_releases_only_groups_whose_start_has_come() -> None:
    """Ten seconds early (and 2 s), the group due at T may go; the one an hour later may not."""
    profile = [(T, 360), (T + HOUR, 360)]
    arguments = {"rate": 40.0, "speed": 1.0, "longest_head_start": timedelta(minutes=10)}
    assert due_horizon(profile, T - timedelta(seconds=13), **arguments) is None
    assert due_horizon(profile, T - timedelta(seconds=12), **arguments) == T
    assert due_horizon(profile, T + HOUR, **arguments) == T + HOUR


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    async with await open_database(tmp_path / "pacing.db") as opened:
        yield opened


async def test_engine_wakes_early_enough_for_a_large_group(database: Database) -> None:
    """720 rows due at T: the engine wakes 20 s (and 2 s) before T at 40 requests/s."""
    clock = SimulatedClock(T - HOUR, speed=1.0)
    engine = DeliveryEngine(database, KeyedScheduler(clock), clock, DeliverySettings())
    rows = [
        engine.message(f"text:big:{user}", TEXT_KIND, T, {"content": "Hi"}, target_user_id=user)
        for user in range(720)
    ]
    assert await engine.enqueue_many(rows) == 720
    assert await engine.next_wake() == T - timedelta(seconds=22)


async def test_replacing_a_scope_touches_only_its_own_rows(database: Database) -> None:
    """Re-planning one speaker cancels their stale rows and leaves everyone else's."""
    clock = SimulatedClock(T - HOUR, speed=0.0)
    engine = DeliveryEngine(database, KeyedScheduler(clock), clock)

    def row(key: str, scope: str) -> NewOutboxRow:
        return engine.message(key, "speaker_dm", T, {}, target_user_id=1, scope=scope)

    await engine.enqueue_many([row("a:old", "speaker:a"), row("b:1", "speaker:b")])
    added = await engine.replace_scope("speaker_dm", "speaker:a", [row("a:new", "speaker:a")])
    assert added == 1
    statuses = {
        key: item.status
        for key in ("a:old", "a:new", "b:1")
        if (item := await database.outbox.get(key)) is not None
    }
    assert statuses == {"a:old": "cancelled", "a:new": "pending", "b:1": "pending"}


async def test_replacing_a_scope_moves_pending_rows_with_their_session(database: Database) -> None:
    """A session moved an hour later: its pending heads-up moves; a sent one stays sent."""
    clock = SimulatedClock(T - HOUR, speed=0.0)
    engine = DeliveryEngine(database, KeyedScheduler(clock), clock)

    def row(key: str, due: datetime) -> NewOutboxRow:
        return engine.message(key, "speaker_dm", due, {}, target_user_id=1, scope="speaker:a")

    await engine.replace_scope("speaker_dm", "speaker:a", [row("s1", T), row("s2", T)])
    sent = await database.outbox.get("s2")
    assert sent is not None
    assert await database.outbox.claim(sent.id)
    assert await database.outbox.mark_sent(sent.id, 1)
    moved = [row("s1", T + HOUR), row("s2", T + HOUR)]
    assert await engine.replace_scope("speaker_dm", "speaker:a", moved) == 1
    first, second = await database.outbox.get("s1"), await database.outbox.get("s2")
    assert first is not None
    assert second is not None
    assert (first.status, first.due_at) == ("pending", T + HOUR)
    assert (second.status, second.due_at) == ("sent", T)


async def test_budget_caps_a_bunch_released_by_a_stalled_loop(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Slots that all fell due during a stall: no more than rate + burst go in one second."""
    monotonic = HandClock()
    budget = RequestBudget(10.0, burst=2, monotonic=monotonic)
    monkeypatch.setattr(budget, "delay", lambda: 0.0)  # every reserved slot is past
    tasks = [asyncio.ensure_future(budget.acquire()) for _ in range(15)]
    await asyncio.sleep(0)  # one loop turn: every task runs up to its first real wait
    assert sum(task.done() for task in tasks) == 10 + 2
    budget.close()
    await asyncio.gather(*tasks, return_exceptions=True)


async def test_budget_holds_no_more_requests_in_flight_than_its_share() -> None:
    """Unanswered requests hold their place: the ninth at 40/s waits for an answer."""
    budget = RequestBudget(40.0, burst=20, max_in_flight=8)  # slots enough: places limit
    answered = [asyncio.Event() for _ in range(10)]
    started: list[int] = []

    async def request(number: int) -> None:
        async with budget.request():
            started.append(number)
            await answered[number].wait()

    tasks = [asyncio.ensure_future(request(number)) for number in range(10)]
    while len(started) < 8:
        await asyncio.sleep(0)
    for _ in range(5):  # more loop turns change nothing: the other two wait
        await asyncio.sleep(0)
    assert (len(started), budget.in_flight) == (8, 8)
    answered[0].set()
    while len(started) < 9:
        await asyncio.sleep(0)
    assert started[-1] in (8, 9)
    assert budget.in_flight == 8
    for event in answered:
        event.set()
    await asyncio.gather(*tasks)
    assert budget.in_flight == 0


async def test_an_urgent_request_goes_ahead_of_reserved_slots_within_the_cap() -> None:
    """A mention due now does not queue behind a fan-out's slots, nor pass the rolling cap."""
    monotonic = HandClock()
    budget = RequestBudget(10.0, burst=2, max_in_flight=50, monotonic=monotonic)
    for _ in range(20):
        budget.delay()  # a fan-out reserved the next two seconds of slots
    started: list[int] = []

    async def urgent(number: int) -> None:
        async with budget.request(urgent=True):
            started.append(number)

    tasks = [asyncio.ensure_future(urgent(number)) for number in range(15)]
    for _ in range(5):
        await asyncio.sleep(0)
    assert len(started) == 10 + 2  # at once, and no more than rate + burst in a second
    budget.close()
    await asyncio.gather(*tasks, return_exceptions=True)
