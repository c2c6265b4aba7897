"""The engine cancels a kind's pending rows of some sessions, then re-arms its wake-up."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.storage import Database, open_database
from tests.support.counting_engine import NOW, engine_on


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    """Open a fresh database."""
    opened = await open_database(tmp_path / "confbot.db")
    try:
        yield opened
    finally:
        await opened.close()


async def test_cancel_sessions_cancels_only_that_kind_of_those_sessions(
    database: Database,
) -> None:
    """Rows of other sessions and other kinds stay pending; the engine re-arms once."""
    engine = engine_on(database)
    due = NOW + timedelta(hours=1)
    await database.outbox.enqueue_many(
        [
            engine.message("reminder:a:1", "reminder", due, session_id="a"),
            engine.message("reminder:b:1", "reminder", due, session_id="b"),
            engine.message("room_post:a:9", "room_post", due, session_id="a"),
        ]
    )
    assert await engine.cancel_sessions("reminder", ["a"]) == 1
    assert engine.rearms == 1
    statuses = {
        key: item.status
        for key in ("reminder:a:1", "reminder:b:1", "room_post:a:9")
        if (item := await database.outbox.get(key)) is not None
    }
    assert statuses == {
        "reminder:a:1": "cancelled",
        "reminder:b:1": "pending",
        "room_post:a:9": "pending",
    }


async def test_cancelling_nothing_leaves_the_wake_up_alone(database: Database) -> None:
    """No pending row of those sessions: nothing cancelled, no re-arm."""
    engine = engine_on(database)
    assert await engine.cancel_sessions("reminder", ["gone"]) == 0
    assert engine.rearms == 0
