"""The simulated clock and the keyed scheduler that follows it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import SimulatedClock
from bot.scheduler import KeyedScheduler
from tests.support.clocks import HandClock

START = datetime(2021, 2, 24, 20, 45, tzinfo=UTC)


def test_simulated_clock_runs_at_its_speed() -> None:
    """Ten real seconds at speed 60 are ten simulated minutes."""
    real = HandClock()
    clock = SimulatedClock(START, speed=60, monotonic=real)
    real.advance(10)
    assert clock.now() == START + timedelta(minutes=10)
    assert clock.seconds_until(START + timedelta(minutes=20)) == pytest.approx(10)


def test_stopped_clock_moves_only_when_advanced() -> None:
    """At speed 0 time stands still until advance() and then jumps exactly."""
    real = HandClock()
    clock = SimulatedClock(START, speed=0, monotonic=real)
    real.advance(3600)
    assert clock.now() == START
    assert clock.seconds_until(START + timedelta(minutes=1)) == float("inf")
    assert clock.advance(timedelta(minutes=15)) == START + timedelta(minutes=15)


def test_clock_refuses_naive_start_and_going_back() -> None:
    """A naive start and a backwards jump are programming errors."""
    with pytest.raises(ValueError, match="aware"):
        SimulatedClock(datetime(2021, 2, 24))  # noqa: DTZ001 - the point of the test
    with pytest.raises(ValueError, match="forward"):
        SimulatedClock(START).advance(timedelta(minutes=-1))


async def test_job_fires_when_the_simulated_instant_arrives() -> None:
    """A job due in 10 simulated minutes runs once the clock is advanced past it."""
    clock = SimulatedClock(START, speed=0)
    scheduler = KeyedScheduler(clock)
    scheduler.start()
    fired = asyncio.Event()

    async def job() -> None:
        fired.set()

    scheduler.schedule_at("reminder:1", START + timedelta(minutes=10), job)
    assert not fired.is_set()
    assert scheduler.scheduled() == {"reminder:1": START + timedelta(minutes=10)}
    clock.advance(timedelta(minutes=10))
    await asyncio.wait_for(fired.wait(), timeout=5)
    assert scheduler.scheduled() == {}
    scheduler.shutdown()


async def test_a_job_re_armed_for_now_from_inside_itself_runs_again() -> None:
    """A wake-up that re-arms its own key for an instant already reached runs once more."""
    clock = SimulatedClock(START, speed=0)
    scheduler = KeyedScheduler(clock)
    scheduler.start()
    runs: list[int] = []
    first, second, release = asyncio.Event(), asyncio.Event(), asyncio.Event()

    async def wake() -> None:
        runs.append(len(runs))
        if len(runs) == 1:
            first.set()
            scheduler.schedule_at("wake", clock.now(), wake)  # due at once, while running
            await release.wait()  # still running when the new run falls due
        else:
            second.set()

    scheduler.schedule_at("wake", START, wake)
    await asyncio.wait_for(first.wait(), timeout=5)
    release.set()
    await asyncio.wait_for(second.wait(), timeout=5)
    assert runs == [0, 1]
    scheduler.shutdown()


async def test_same_key_replaces_and_cancel_forgets() -> None:
    """Scheduling a key twice keeps one job; a cancelled job never runs."""
    clock = SimulatedClock(START, speed=0)
    scheduler = KeyedScheduler(clock)
    scheduler.start()
    ran: list[str] = []
    done = asyncio.Event()

    def recorder(name: str):  # type: ignore[no-untyped-def]
        async def job() -> None:
            ran.append(name)
            done.set()

        return job

    scheduler.schedule_at("a", START + timedelta(minutes=5), recorder("first"))
    scheduler.schedule_at("a", START + timedelta(minutes=6), recorder("second"))
    scheduler.schedule_at("b", START + timedelta(minutes=1), recorder("cancelled"))
    scheduler.cancel("b")
    clock.advance(timedelta(minutes=10))
    await asyncio.wait_for(done.wait(), timeout=5)
    assert ran == ["second"]
    scheduler.shutdown()
