"""Two connections: reads never wait behind writes; a locked database is a typed error."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.errors import DatabaseBusyError
from bot.storage import Database, open_database
from bot.storage._executor import is_query
from tests.support.write_lock import write_lock_held

# Only a guard against hanging when the behaviour is broken; a passing run never waits.
GUARD_SECONDS = 5.0


async def test_reads_do_not_wait_for_another_tasks_transaction(db: Database) -> None:
    """While one task's transaction is open, another task's read answers with committed data."""
    await db.meta.set("zone", "committed")
    written, release = asyncio.Event(), asyncio.Event()

    async def slow_transaction() -> None:
        async with db.transaction():
            await db.meta.set("zone", "uncommitted")
            written.set()
            await release.wait()

    writer = asyncio.create_task(slow_transaction())
    await written.wait()
    try:
        seen = await asyncio.wait_for(db.meta.get("zone"), GUARD_SECONDS)
    finally:
        release.set()
        await writer
    assert seen == "committed"
    assert await db.meta.get("zone") == "uncommitted"


async def test_a_transaction_reads_its_own_uncommitted_writes(db: Database) -> None:
    """Inside a transaction, the task that opened it reads what it has just written."""
    async with db.transaction():
        await db.meta.set("zone", "Asia/Tokyo")
        assert await db.meta.get("zone") == "Asia/Tokyo"


async def test_reads_answer_while_a_write_waits_for_another_process(db_path: Path) -> None:
    """A read answers at once while a write waits for another process's lock."""
    async with await open_database(db_path, busy_timeout_ms=30_000) as db:
        await db.meta.set("zone", "Europe/Paris")
        started = asyncio.Event()

        async def write() -> None:
            started.set()  # the write takes the in-process lock before it next yields
            await db.meta.set("zone", "Asia/Tokyo")

        with write_lock_held(db_path):
            writer = asyncio.create_task(write())
            await started.wait()
            seen = await asyncio.wait_for(db.meta.get("zone"), GUARD_SECONDS)
            still_waiting = not writer.done()
        await writer
        assert (seen, still_waiting) == ("Europe/Paris", True)
        assert await db.meta.get("zone") == "Asia/Tokyo"


async def test_a_write_to_a_locked_database_raises_busy(db_path: Path) -> None:
    """A write that still finds another process's lock after the busy timeout says so."""
    async with await open_database(db_path, busy_timeout_ms=50) as db:
        with write_lock_held(db_path), pytest.raises(DatabaseBusyError) as raised:
            await db.meta.set("zone", "Asia/Tokyo")
    assert str(raised.value) == "The bot is busy; try again in a moment."


async def test_a_transaction_on_a_locked_database_raises_busy(db_path: Path) -> None:
    """A transaction that cannot take the write lock in time raises DatabaseBusyError."""
    async with await open_database(db_path, busy_timeout_ms=50) as db:
        with write_lock_held(db_path), pytest.raises(DatabaseBusyError):
            async with db.transaction():
                await db.meta.set("zone", "Asia/Tokyo")
        assert await db.meta.get("zone") is None


async def test_set_busy_timeout_changes_how_long_writes_wait(db_path: Path) -> None:
    """After set_busy_timeout(50), a blocked write gives up instead of waiting 1.5 s."""
    async with await open_database(db_path) as db:
        await db.set_busy_timeout(50)
        with write_lock_held(db_path), pytest.raises(DatabaseBusyError):
            await asyncio.wait_for(db.meta.set("zone", "Asia/Tokyo"), 1.0)


async def test_in_memory_database_reads_what_it_wrote() -> None:
    """An in-memory database keeps one connection, so reads see its writes."""
    async with await open_database(":memory:") as db:
        await db.meta.set("zone", "Asia/Tokyo")
        assert await db.meta.get("zone") == "Asia/Tokyo"


@pytest.mark.parametrize(
    ("sql", "reads_only"),
    [
        ("SELECT value FROM meta WHERE key = ?", True),
        ("  select count(*) from outbox", True),
        ("WITH due AS (SELECT 1) SELECT * FROM due", True),
        ("INSERT INTO meta (key, value) VALUES (?, ?) RETURNING key", False),
        ("UPDATE outbox SET status = 'sending' WHERE id = ? RETURNING id", False),
        ("PRAGMA busy_timeout", False),
        ("DELETE FROM meta", False),
    ],
)
def test_only_plain_queries_go_to_the_read_connection(sql: str, reads_only: bool) -> None:
    """Statements that write (RETURNING included) stay on the write connection."""
    assert is_query(sql) is reads_only


async def test_opening_a_database_another_process_is_writing_raises_busy(db_path: Path) -> None:
    """Starting while another process keeps the write lock fails with DatabaseBusyError."""
    async with await open_database(db_path):
        pass
    with write_lock_held(db_path), pytest.raises(DatabaseBusyError):
        await open_database(db_path, busy_timeout_ms=50)
