"""The delivery engine: due outbox rows are sent once, failures retried or given up."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import SimulatedClock
from bot.delivery import DeliveryEngine, DeliveryError, Skip, nonce_for
from bot.scheduler import KeyedScheduler
from bot.storage.database import Database, open_database
from bot.storage.repositories.outbox import OutboxItem

NOW = datetime(2021, 2, 24, 20, 45, tzinfo=UTC)


class RecordingSender:
    """A sender that records what it sent and fails as told."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []
        self.failures: list[Exception] = []

    async def send(self, item: OutboxItem, *, nonce: str) -> int:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append((item.key, nonce))
        return 1000 + len(self.sent)


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    async with await open_database(tmp_path / "delivery.db") as opened:
        yield opened


@pytest.fixture
def clock() -> SimulatedClock:
    return SimulatedClock(NOW, speed=0)


@pytest.fixture
def engine(database: Database, clock: SimulatedClock) -> DeliveryEngine:
    return DeliveryEngine(database, KeyedScheduler(clock), clock)


async def test_rows_are_sent_when_due_and_only_once(
    engine: DeliveryEngine, database: Database, clock: SimulatedClock
) -> None:
    """A row waits for its due time, is sent once, and a second enqueue adds nothing."""
    sender = RecordingSender()
    await engine.start(sender)
    due = NOW + timedelta(minutes=10)
    assert await engine.enqueue("k1", "test", due, {}, target_user_id=1)
    assert not await engine.enqueue("k1", "test", due, {}, target_user_id=1)
    assert await engine.deliver_due() == 0
    clock.set(due)
    assert await engine.deliver_due() == 1
    assert await engine.deliver_due() == 0
    assert sender.sent == [("k1", nonce_for("k1"))]
    item = await database.outbox.get("k1")
    assert item is not None
    assert item.status == "sent"
    assert item.discord_message_id == 1001


async def test_passing_failure_is_retried_with_backoff(
    engine: DeliveryEngine, database: Database, clock: SimulatedClock
) -> None:
    """A 5xx-like failure goes back to pending 30 s later and then succeeds."""
    sender = RecordingSender()
    sender.failures.append(DeliveryError("Discord 503", permanent=False))
    await engine.start(sender)
    await engine.enqueue("k2", "test", NOW, {}, target_user_id=1)
    assert await engine.deliver_due() == 0
    item = await database.outbox.get("k2")
    assert item is not None
    assert (item.status, item.due_at, item.last_error) == (
        "pending",
        NOW + timedelta(seconds=30),
        "Discord 503",
    )
    clock.advance(timedelta(seconds=30))
    assert await engine.deliver_due() == 1


async def test_permanent_failure_is_not_retried(engine: DeliveryEngine, database: Database) -> None:
    """DMs closed (a permanent failure) marks the row failed for good."""
    sender = RecordingSender()
    sender.failures.append(DeliveryError("Discord 403 (code 50007)", permanent=True))
    await engine.start(sender)
    await engine.enqueue("k3", "test", NOW, {}, target_user_id=1)
    await engine.deliver_due()
    item = await database.outbox.get("k3")
    assert item is not None
    assert item.status == "failed"
    assert await database.outbox.next_due_at() is None


async def test_obsolete_row_is_skipped(engine: DeliveryEngine, database: Database) -> None:
    """A row whose renderer says Skip is not sent and not retried."""
    sender = RecordingSender()
    sender.failures.append(Skip("session removed"))
    await engine.start(sender)
    await engine.enqueue("k4", "test", NOW, {}, target_user_id=1)
    await engine.deliver_due()
    item = await database.outbox.get("k4")
    assert item is not None
    assert item.status == "failed"
    assert item.last_error == "skipped: session removed"


async def test_rows_left_sending_by_a_crash_are_sent_on_start(
    engine: DeliveryEngine, database: Database
) -> None:
    """A row a crash left claimed is sent again, with the same nonce, on the next start."""
    await database.outbox.enqueue("k5", "test", NOW, {}, target_user_id=1)
    (item,) = await database.outbox.due(NOW)
    assert await database.outbox.claim(item.id)
    sender = RecordingSender()
    await engine.start(sender)
    assert sender.sent == [("k5", nonce_for("k5"))]


def test_nonce_is_stable_and_fits_discord() -> None:
    """The nonce is the same for a key every time and at most 25 characters."""
    assert nonce_for("speaker_dm:a:b:1") == nonce_for("speaker_dm:a:b:1")
    assert nonce_for("a") != nonce_for("b")
    assert len(nonce_for("x" * 500)) <= 25
