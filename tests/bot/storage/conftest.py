"""Fixtures for the storage tests: a fresh file database with a controllable clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.clock import SimulatedClock
from bot.storage import Database, open_database

T0 = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> SimulatedClock:
    """Return the database's clock: stopped at T0, moved by hand."""
    return SimulatedClock(T0, speed=0)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "confbot.sqlite3"


@pytest.fixture
async def db(db_path: Path, clock: SimulatedClock) -> AsyncIterator[Database]:
    database = await open_database(db_path, clock=clock.now)
    try:
        yield database
    finally:
        await database.close()
