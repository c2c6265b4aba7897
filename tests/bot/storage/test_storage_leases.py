"""One active process of several: the lease, its takeover after expiry, and losing it."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.clock import SimulatedClock
from bot.lease import LEASE_NAME, LEASE_SHARE, LeaseKeeper
from bot.storage import Database

TAKEOVER = 30.0
LEASE = TAKEOVER * LEASE_SHARE  # 15 s: a standby then has 15 s to try and start sending


def _keepers(db: Database, clock: SimulatedClock) -> tuple[LeaseKeeper, LeaseKeeper]:
    return (
        LeaseKeeper(db, clock, "host-a:1", TAKEOVER),
        LeaseKeeper(db, clock, "host-b:2", TAKEOVER),
    )


async def test_only_one_process_holds_the_lease(db: Database, clock: SimulatedClock) -> None:
    """The first to ask is active; the second stands by while the first renews."""
    first, second = _keepers(db, clock)
    assert await first.try_take()
    assert not await second.try_take()
    for _ in range(5):
        clock.advance(timedelta(seconds=LEASE / 3))
        assert await first.try_take()
        assert not await second.try_take()
    assert (first.active(), second.active()) == (True, False)
    lease = await db.leases.current(LEASE_NAME)
    assert lease is not None
    assert (lease.holder, lease.acquired_at) == (
        "host-a:1",
        clock.now() - timedelta(seconds=5 * LEASE / 3),
    )


async def test_a_standby_takes_over_once_the_active_stops_renewing(
    db: Database, clock: SimulatedClock
) -> None:
    """An active that died is replaced as soon as its lease expires, not before.

    The lease is half the takeover time, so that a standby trying every fifteenth
    of it and then connecting still sends within ``takeover_seconds``.
    """
    first, second = _keepers(db, clock)
    assert first.lease + timedelta(seconds=first.standby_interval) <= timedelta(seconds=17)
    assert await first.try_take()
    clock.advance(timedelta(seconds=LEASE - 0.001))
    assert not await second.try_take()
    clock.advance(timedelta(seconds=0.001))
    assert await second.try_take()
    lease = await db.leases.current(LEASE_NAME)
    assert lease is not None
    assert lease.holder == "host-b:2"


async def test_the_old_active_knows_it_lost_before_the_standby_may_start(
    db: Database, clock: SimulatedClock
) -> None:
    """A holder that could not renew stops counting itself active when its lease runs out."""
    first, second = _keepers(db, clock)
    assert await first.try_take()
    clock.advance(timedelta(seconds=LEASE))
    assert not first.active()  # by its own count, already no longer active
    assert await second.try_take()
    assert not await first.try_take()  # and the database agrees


async def test_keep_calls_on_lost_when_another_took_the_lease(
    db: Database, clock: SimulatedClock
) -> None:
    """keep() notices at its next renewal that the lease is gone and says so at once."""
    first = LeaseKeeper(db, clock, "host-a:1", 0.03)
    assert await first.try_take()
    clock.advance(timedelta(seconds=1))
    assert await db.leases.take(
        LEASE_NAME, "host-b:2", clock.now(), clock.now() + timedelta(hours=1)
    )
    lost = asyncio.Event()
    await asyncio.wait_for(first.keep(lost.set), 5.0)
    assert lost.is_set()
    assert not first.active()


async def test_a_released_lease_is_taken_at_the_next_try(
    db: Database, clock: SimulatedClock
) -> None:
    """A clean stop gives the lease up: a standby need not wait for it to expire."""
    first, second = _keepers(db, clock)
    assert await first.try_take()
    await first.release()
    assert await second.try_take()


async def test_every_process_is_seen(db: Database, clock: SimulatedClock) -> None:
    """Active and standing by, each process records when it was last alive."""
    first, second = _keepers(db, clock)
    await first.try_take()
    await second.try_take()
    assert set(await db.leases.seen_since(clock.now())) == {"host-a:1", "host-b:2"}


async def test_a_standby_says_it_is_alive_at_every_try(db: Database, clock: SimulatedClock) -> None:
    """Standing by, a process records itself at each try, so status lists it while it lives.

    ``/conference status`` lists the processes seen within twice ``takeover_seconds``:
    a standby that said so only once would drop off the list while still standing by.
    """
    second = LeaseKeeper(db, clock, "host-b:2", 0.03)  # it tries every 2 ms
    assert await db.leases.take(
        LEASE_NAME, "host-a:1", clock.now(), clock.now() + timedelta(days=1)
    )
    stop = asyncio.Event()
    standing_by = asyncio.create_task(second.wait_until_active(stop))
    try:
        for _ in range(3):
            clock.advance(timedelta(minutes=10))  # far past any status window
            await asyncio.wait_for(_seen_at_now(db, clock, "host-b:2"), 5.0)
    finally:
        stop.set()
        assert await standing_by is False  # stopped while standing by: never active


async def _seen_at_now(db: Database, clock: SimulatedClock, instance: str) -> None:
    """Return once ``instance`` has recorded itself at the clock's present moment."""
    while instance not in await db.leases.seen_since(clock.now()):
        await asyncio.sleep(0)  # yield to the standby's loop; no time passes on the clock
