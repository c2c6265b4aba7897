"""Database.transaction(), the shared-connection lock, and the datetime codec."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone

import pytest

from bot.storage import Database
from bot.storage._codec import from_db_time, to_db_time


async def test_transaction_commits_on_success(db: Database) -> None:
    """Writes inside a successful transaction are kept."""
    async with db.transaction():
        await db.meta.set("a", "1")
        await db.meta.set("b", "2")
    assert (await db.meta.get("a"), await db.meta.get("b")) == ("1", "2")


async def test_transaction_rolls_back_on_error(db: Database) -> None:
    """An exception inside a transaction undoes all its writes."""

    async def write_then_fail() -> None:
        async with db.transaction():
            await db.meta.set("a", "1")
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await write_then_fail()
    assert await db.meta.get("a") is None


async def test_nested_transaction_rolls_back_only_inner(db: Database) -> None:
    """A failing nested transaction undoes only its own writes."""

    async def inner_fails() -> None:
        async with db.transaction():
            await db.meta.set("inner", "1")
            raise RuntimeError("boom")

    async with db.transaction():
        await db.meta.set("outer", "1")
        with pytest.raises(RuntimeError):
            await inner_fails()
    assert (await db.meta.get("outer"), await db.meta.get("inner")) == ("1", None)


async def test_other_tasks_do_not_join_an_open_transaction(db: Database) -> None:
    """A write from another task waits and survives a rollback of the open transaction."""
    started, writing = asyncio.Event(), asyncio.Event()

    async def other_writer() -> None:
        await started.wait()
        writing.set()
        await db.meta.set("other", "kept")

    async def write_wait_fail() -> None:
        async with db.transaction():
            await db.meta.set("mine", "x")
            started.set()
            await writing.wait()
            # A few loop turns: a write let into the transaction would be queued by now.
            for _ in range(3):
                await asyncio.sleep(0)
            raise RuntimeError("boom")

    writer = asyncio.create_task(other_writer())
    with pytest.raises(RuntimeError):
        await write_wait_fail()
    await writer
    assert (await db.meta.get("mine"), await db.meta.get("other")) == (None, "kept")


def test_stored_time_is_fixed_width_utc_text() -> None:
    """Datetimes are stored as fixed-width ISO-8601 UTC text with +00:00."""
    moment = datetime(2025, 5, 1, 14, 0, tzinfo=timezone(timedelta(hours=2)))
    assert to_db_time(moment) == "2025-05-01T12:00:00.000000+00:00"


def test_stored_time_round_trips_as_aware_utc() -> None:
    """Reading stored text gives back the same instant, aware and in UTC."""
    moment = datetime(2025, 5, 1, 12, 0, 0, 123456, tzinfo=UTC)
    restored = from_db_time(to_db_time(moment))
    assert restored == moment
    assert restored.tzinfo is UTC


def test_naive_datetime_is_refused() -> None:
    """Storing a naive datetime raises ValueError."""
    with pytest.raises(ValueError, match="aware"):
        to_db_time(datetime(2025, 5, 1, 12))  # noqa: DTZ001
