"""Fixtures for the storage tests: a fresh database on each backend, with a controllable clock.

``db`` (and ``database_target``) run each test twice: on a SQLite file and on a new
database of the session's real PostgreSQL. A test about one backend's own mechanics
(WAL, a SQLite file locked by another process) takes ``db_path`` instead.
"""

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


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    """Return the backend this run of the test uses."""
    name: str = request.param
    return name


@pytest.fixture
def database_target(backend: str, db_path: Path, request: pytest.FixtureRequest) -> str | Path:
    """Return where a fresh database of ``backend`` lives: a file path or a URL."""
    if backend == "sqlite":
        return db_path
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
async def db(database_target: str | Path, clock: SimulatedClock) -> AsyncIterator[Database]:
    database = await open_database(database_target, clock=clock.now)
    try:
        yield database
    finally:
        await database.close()
