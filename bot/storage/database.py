"""Opening the SQLite database: pragmas, migrations, and the repositories.

Usage::

    async with await open_database(settings.storage.database) as db:
        await db.users.set_zone(user_id, "Europe/Berlin")

Time convention: every ``*_at`` column stores fixed-width ISO-8601 UTC text
(``2025-05-01T14:00:00.000000+00:00``); repositories convert at the boundary, so
callers only ever pass and receive aware datetimes (naive ones raise ``ValueError``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Self

import aiosqlite

from bot.storage._executor import Executor
from bot.storage.migrate import migrate
from bot.storage.repositories import (
    AnnouncementRepository,
    GuildSettingsRepository,
    MetaRepository,
    OutboxRepository,
    RecipientRepository,
    SnapshotRepository,
    SpeakerLinkRepository,
    SubscriptionRepository,
    UserRepository,
)

__all__ = ["BUSY_TIMEOUT_MS", "Database", "open_database"]

BUSY_TIMEOUT_MS = 5000
"""How long a statement waits for another process's write lock before failing."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Database:
    """An open confbot database: one connection and a repository per table.

    Build it with :func:`open_database`; close it with :meth:`close` or ``async with``.
    """

    def __init__(
        self,
        conn: aiosqlite.Connection,
        *,
        schema_version: int,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self._conn = conn
        self._executor = Executor(conn)
        self.schema_version = schema_version
        """The ``PRAGMA user_version`` after migrating."""
        ex = self._executor
        self.users = UserRepository(ex, clock)
        self.guilds = GuildSettingsRepository(ex, clock)
        self.subscriptions = SubscriptionRepository(ex, clock)
        self.outbox = OutboxRepository(ex, clock)
        self.recipients = RecipientRepository(ex, clock)
        self.announcements = AnnouncementRepository(ex, clock)
        self.snapshots = SnapshotRepository(ex, clock)
        self.speaker_links = SpeakerLinkRepository(ex, clock)
        self.meta = MetaRepository(ex, clock)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """Run several repository calls atomically (all committed or all rolled back).

        Only the task that opened the transaction may use storage inside it; other
        tasks wait until it ends.
        """
        async with self._executor.transaction():
            yield

    async def integrity_ok(self) -> bool:
        """Return whether SQLite's ``PRAGMA integrity_check`` finds the file sound."""
        row = await self._executor.fetchone("PRAGMA integrity_check")
        return row is not None and row[0] == "ok"

    async def close(self) -> None:
        """Close the connection (idempotent)."""
        await self._conn.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


async def open_database(
    path: str | Path, *, clock: Callable[[], datetime] | None = None
) -> Database:
    """Open (creating if needed) the database at ``path`` and migrate it to the newest schema.

    ``":memory:"`` gives a private in-memory database. A file database uses WAL
    journaling; all get ``foreign_keys=ON`` and a busy timeout. ``clock`` (aware UTC
    ``now``) stamps ``created_at``/``updated_at``; tests may inject one.

    :raises DatabaseVersionError: the file was written by a newer confbot.
    :raises sqlite3.Error: the file cannot be opened, or a migration failed (rolled back).
    """
    in_memory = str(path) == ":memory:"
    if not in_memory:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    conn = await aiosqlite.connect(path, isolation_level=None)
    try:
        conn.row_factory = sqlite3.Row
        await _pragma(conn, f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await _pragma(conn, "PRAGMA foreign_keys = ON")
        if not in_memory:
            await _pragma(conn, "PRAGMA journal_mode = WAL")
            await _pragma(conn, "PRAGMA synchronous = NORMAL")
        version = await migrate(conn)
    except BaseException:
        await conn.close()
        raise
    return Database(conn, schema_version=version, clock=clock or _utc_now)


async def _pragma(conn: aiosqlite.Connection, statement: str) -> None:
    async with conn.execute(statement):
        pass
