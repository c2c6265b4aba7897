"""Forgetting a person goes through the engine: their rows leave the outbox and it re-arms."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.storage import Database, open_database
from tests.support.counting_engine import NOW, engine_on

ALICE, BOB = 1, 2


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    """Open a fresh database."""
    opened = await open_database(tmp_path / "confbot.db")
    try:
        yield opened
    finally:
        await opened.close()


async def test_forget_user_removes_their_rows_and_rearms(database: Database) -> None:
    """Alice's pending reminder is gone, Bob's stays, and the wake-up is armed again."""
    engine = engine_on(database)
    due = NOW + timedelta(hours=1)
    await database.users.set_zone(ALICE, "Europe/Paris")
    await database.outbox.enqueue_many(
        [
            engine.message("reminder:a:alice", "reminder", due, target_user_id=ALICE),
            engine.message("reminder:a:bob", "reminder", due, target_user_id=BOB),
        ]
    )
    counts = await engine.forget_user(ALICE)
    assert (counts["users"], counts["outbox"]) == (1, 1)
    assert [item.key for item in await database.outbox.pending()] == ["reminder:a:bob"]
    assert engine.rearms == 1


async def test_forgetting_someone_with_nothing_queued_does_not_rearm(database: Database) -> None:
    """No row went, so the wake-up stays as it was."""
    engine = engine_on(database)
    assert (await engine.forget_user(ALICE))["outbox"] == 0
    assert engine.rearms == 0
