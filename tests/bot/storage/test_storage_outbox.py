"""OutboxRepository: exactly-once enqueue, claiming, and the send state machine."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import SimulatedClock
from bot.storage import Database, open_database
from bot.storage.repositories.outbox import NewOutboxRow

from .conftest import T0

LATER = T0 + timedelta(minutes=30)


async def _enqueue(db: Database, key: str = "k1", due: datetime = T0) -> int:
    assert await db.outbox.enqueue(key, "reminder", due, {"session": "s1"}, target_user_id=7)
    item = await db.outbox.get(key)
    assert item is not None
    return item.id


async def test_enqueue_stores_a_pending_item(db: Database) -> None:
    """A new item is pending, unattempted, with its payload and aware UTC due time."""
    await db.outbox.enqueue("k1", "reminder", T0, {"session": "s1"}, target_channel_id=9)
    item = await db.outbox.get("k1")
    assert item is not None
    assert (item.status, item.attempts, item.kind) == ("pending", 0, "reminder")
    assert item.payload == {"session": "s1"}
    assert item.due_at == T0
    assert item.due_at.utcoffset() == timedelta(0)
    assert item.target_channel_id == 9


async def test_enqueue_same_key_twice_stores_one_row(db: Database) -> None:
    """A second enqueue with the same key returns False and adds nothing."""
    assert await db.outbox.enqueue("k1", "reminder", T0, {"n": 1})
    assert not await db.outbox.enqueue("k1", "reminder", LATER, {"n": 2})
    items = await db.outbox.pending()
    assert len(items) == 1
    assert items[0].payload == {"n": 1}


async def test_enqueue_same_key_after_sent_is_still_refused(db: Database) -> None:
    """A key that was already sent cannot be queued again."""
    item_id = await _enqueue(db)
    await db.outbox.claim(item_id)
    await db.outbox.mark_sent(item_id, 555)
    assert not await db.outbox.enqueue("k1", "reminder", LATER, {})


async def test_enqueue_rejects_naive_due_time(db: Database) -> None:
    """A naive due_at raises ValueError."""
    with pytest.raises(ValueError, match="aware"):
        await db.outbox.enqueue("k1", "reminder", datetime(2025, 5, 1, 12), {})  # noqa: DTZ001


async def test_due_returns_only_pending_items_due_by_now_in_order(db: Database) -> None:
    """due() lists pending items with due_at <= now, earliest first, up to the limit."""
    await _enqueue(db, "late", T0 + timedelta(minutes=5))
    await _enqueue(db, "early", T0 - timedelta(minutes=5))
    await _enqueue(db, "future", T0 + timedelta(hours=1))
    claimed = await _enqueue(db, "claimed", T0 - timedelta(hours=1))
    await db.outbox.claim(claimed)
    due = await db.outbox.due(T0 + timedelta(minutes=5))
    assert [item.key for item in due] == ["early", "late"]
    assert [i.key for i in await db.outbox.due(T0 + timedelta(minutes=5), limit=1)] == ["early"]


async def test_due_compares_instants_across_offsets(db: Database) -> None:
    """Due times given in another offset are compared as instants."""
    from datetime import timezone

    plus2 = timezone(timedelta(hours=2))
    await db.outbox.enqueue("k", "reminder", T0.astimezone(plus2), {})
    assert [item.key for item in await db.outbox.due(T0)] == ["k"]
    assert await db.outbox.due(T0 - timedelta(microseconds=1)) == []


async def test_next_due_at_is_earliest_pending(db: Database) -> None:
    """next_due_at is the due time of the earliest pending item."""
    await _enqueue(db, "a", LATER)
    await _enqueue(db, "b", T0)
    assert await db.outbox.next_due_at() == T0


async def test_next_due_at_none_when_nothing_pending(db: Database) -> None:
    """next_due_at is None with an empty outbox."""
    assert await db.outbox.next_due_at() is None


async def test_claim_moves_to_sending_without_counting_an_attempt(db: Database) -> None:
    """claim() marks the item sending; only a finished attempt counts (a crash does not)."""
    item_id = await _enqueue(db)
    assert await db.outbox.claim(item_id)
    item = await db.outbox.get_by_id(item_id)
    assert item is not None
    assert (item.status, item.attempts) == ("sending", 0)


async def test_claim_is_exclusive_within_a_process(db: Database) -> None:
    """Of many concurrent claims of one item, exactly one succeeds."""
    item_id = await _enqueue(db)
    results = await asyncio.gather(*(db.outbox.claim(item_id) for _ in range(10)))
    assert results.count(True) == 1


async def test_claim_is_exclusive_across_connections(
    db: Database, database_target: str | Path, clock: SimulatedClock
) -> None:
    """A second process cannot claim an item the first one claimed."""
    item_id = await _enqueue(db)
    async with await open_database(database_target, clock=clock.now) as other:
        assert await other.outbox.claim(item_id)
        assert not await db.outbox.claim(item_id)


async def test_mark_sent_records_message_id(db: Database) -> None:
    """mark_sent() stores the Discord message id and the sent status."""
    item_id = await _enqueue(db)
    await db.outbox.claim(item_id)
    assert await db.outbox.mark_sent(item_id, 123456789012345678)
    item = await db.outbox.get_by_id(item_id)
    assert item is not None
    assert (item.status, item.discord_message_id) == ("sent", 123456789012345678)


async def test_mark_sent_requires_a_claim(db: Database) -> None:
    """mark_sent() on an unclaimed item changes nothing and returns False."""
    item_id = await _enqueue(db)
    assert not await db.outbox.mark_sent(item_id, 1)


async def test_mark_failed_with_retry_requeues_at_retry_time(db: Database) -> None:
    """mark_failed(retry_at=...) puts the item back to pending at the new time."""
    item_id = await _enqueue(db)
    await db.outbox.claim(item_id)
    assert await db.outbox.mark_failed(item_id, "HTTP 503", retry_at=LATER)
    item = await db.outbox.get_by_id(item_id)
    assert item is not None
    assert (item.status, item.due_at, item.last_error, item.attempts) == (
        "pending",
        LATER,
        "HTTP 503",
        1,
    )
    assert item.planned_due == T0


async def test_a_retry_keeps_the_time_the_row_was_planned_for(db: Database) -> None:
    """Two retries move due_at each time; planned_due stays the first due time."""
    item_id = await _enqueue(db)
    for retry_at in (T0 + timedelta(minutes=1), LATER):
        await db.outbox.claim(item_id)
        assert await db.outbox.mark_failed(item_id, "HTTP 503", retry_at=retry_at)
    item = await db.outbox.get_by_id(item_id)
    assert item is not None
    assert (item.due_at, item.planned_due) == (LATER, T0)


async def test_a_row_sent_to_a_mention_early_keeps_its_due_time(db: Database) -> None:
    """Routed to the fallback channel before it is due, it may go now; it is still due later."""
    item_id = await _enqueue(db, due=LATER)
    await db.outbox.claim(item_id)
    assert await db.outbox.to_fallback(item_id, 9, T0)
    item = await db.outbox.get_by_id(item_id)
    assert item is not None
    assert (item.route, item.due_at, item.planned_due) == ("fallback", T0, LATER)


def _planned(due: datetime) -> NewOutboxRow:
    return NewOutboxRow("k1", "reminder", due, due, {"session": "s1"}, target_user_id=7)


async def test_a_planner_upsert_does_not_take_a_retry_for_a_move(db: Database) -> None:
    """The planner writes the row again, due as planned: the retry stands, attempts counted.

    Only a real move (a new due time) resets the row, and it is then due as moved.
    """
    item_id = await _enqueue(db)
    await db.outbox.claim(item_id)
    await db.outbox.mark_failed(item_id, "HTTP 503", retry_at=LATER)
    assert await db.outbox.enqueue_many([_planned(T0)], move_pending=True) == 0
    item = await db.outbox.get_by_id(item_id)
    assert item is not None
    assert (item.due_at, item.planned_due, item.attempts) == (LATER, T0, 1)
    moved = T0 + timedelta(hours=1)
    assert await db.outbox.enqueue_many([_planned(moved)], move_pending=True) == 1
    item = await db.outbox.get_by_id(item_id)
    assert item is not None
    assert (item.due_at, item.planned_due_at, item.attempts) == (moved, None, 0)


async def test_mark_failed_without_retry_is_final(db: Database) -> None:
    """mark_failed() without retry_at marks the item failed and takes it off the queue."""
    item_id = await _enqueue(db)
    await db.outbox.claim(item_id)
    await db.outbox.mark_failed(item_id, "Forbidden")
    item = await db.outbox.get_by_id(item_id)
    assert item is not None
    assert (item.status, item.last_error) == ("failed", "Forbidden")
    assert await db.outbox.pending() == []


async def test_cancel_stops_a_pending_item(db: Database) -> None:
    """cancel() marks a pending item cancelled so it is never due."""
    await _enqueue(db)
    assert await db.outbox.cancel("k1")
    assert await db.outbox.due(LATER) == []
    item = await db.outbox.get("k1")
    assert item is not None
    assert item.status == "cancelled"


async def test_cancel_does_not_touch_a_sending_item(db: Database) -> None:
    """cancel() returns False for an item already being sent."""
    item_id = await _enqueue(db)
    await db.outbox.claim(item_id)
    assert not await db.outbox.cancel("k1")


async def test_recover_sending_requeues_claimed_items_to_verify(db: Database) -> None:
    """recover_sending() turns 'sending' rows back into pending ones, flagged to verify."""
    item_id = await _enqueue(db)
    await _enqueue(db, "k2")
    await db.outbox.claim(item_id)
    assert await db.outbox.recover_sending() == 1
    pending = await db.outbox.pending()
    assert [(item.key, item.verify, item.attempts) for item in pending] == [
        ("k1", True, 0),
        ("k2", False, 0),
    ]


async def test_pending_lists_pending_items_by_due_time(db: Database) -> None:
    """pending() lists every pending item, earliest due first."""
    await _enqueue(db, "b", LATER)
    await _enqueue(db, "a", T0)
    assert [item.key for item in await db.outbox.pending()] == ["a", "b"]


async def test_updated_at_follows_the_clock(db: Database, clock: SimulatedClock) -> None:
    """Status changes stamp updated_at with the injected clock."""
    item_id = await _enqueue(db)
    clock.advance(timedelta(minutes=3))
    await db.outbox.claim(item_id)
    item = await db.outbox.get_by_id(item_id)
    assert item is not None
    assert (item.created_at, item.updated_at) == (T0, T0 + timedelta(minutes=3))


async def test_claim_due_takes_early_rows_but_not_retries_before_their_time(db: Database) -> None:
    """A fan-out's head start may claim rows due soon, never a retry before its backoff."""
    fresh = await _enqueue(db, "fresh", T0 + timedelta(minutes=5))
    retried = await _enqueue(db, "retried", T0)
    await db.outbox.claim(retried)
    await db.outbox.mark_failed(retried, "HTTP 503", retry_at=T0 + timedelta(minutes=1))
    claimed = await db.outbox.claim_due(T0, T0 + timedelta(minutes=10), 10)
    assert [item.id for item in claimed] == [fresh]
    later = await db.outbox.claim_due(T0 + timedelta(minutes=1), T0 + timedelta(minutes=10), 10)
    assert [item.id for item in later] == [retried]
