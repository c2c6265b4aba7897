"""Opening the database (a SQLite file, or PostgreSQL by URL): migrations and repositories.

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

from bot.storage._executor import Dialect, Executor
from bot.storage._sqlite import SqliteExecutor, busy_as_error, set_busy_timeout
from bot.storage.migrate import migrate
from bot.storage.repositories import (
    AnnouncementRepository,
    FeedRepository,
    GuildSettingsRepository,
    LeaseRepository,
    MetaRepository,
    OutboxRepository,
    RecipientRepository,
    SnapshotRepository,
    SpeakerLinkRepository,
    SubscriptionRepository,
    UserRepository,
)
from bot.storage.repositories.scheduled_events import ScheduledEventRepository

__all__ = ["BUSY_TIMEOUT_MS", "Database", "is_postgresql_url", "open_database"]

BUSY_TIMEOUT_MS = 1500
"""How long a statement waits for another process's lock before raising ``DatabaseBusyError``.

Discord drops an interaction not answered within 3 s; a command that writes before
answering must fail (and say so) well inside that, with time left for the reply.
"""


def _utc_now() -> datetime:
    return datetime.now(UTC)


def is_postgresql_url(target: str | Path) -> bool:
    """Return whether ``target`` names a PostgreSQL database (a ``postgresql://`` URL)."""
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


class Database:
    """An open confbot database: its executor and a repository per table.

    A SQLite file database has two connections: writes and transactions use the write
    connection; other reads use a read-only one, so they never wait behind a write.
    An in-memory database has one (see :mod:`bot.storage._sqlite`). PostgreSQL uses a
    pool (see :mod:`bot.storage._postgres`). Build it with :func:`open_database`;
    close it with :meth:`close` or ``async with``.
    """

    def __init__(
        self,
        executor: Executor,
        *,
        schema_version: int,
        clock: Callable[[], datetime] = _utc_now,
        busy_timeout_ms: int = BUSY_TIMEOUT_MS,
    ) -> None:
        self._executor = executor
        self.dialect: Dialect = executor.dialect
        """``"sqlite"`` or ``"postgresql"``."""
        self.schema_version = schema_version
        """The schema version after migrating (SQLite's ``PRAGMA user_version``)."""
        self.busy_timeout_ms = busy_timeout_ms
        """How long a statement waits for another process's lock, in milliseconds."""
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
        self.feeds = FeedRepository(ex, clock)
        self.leases = LeaseRepository(ex, clock)
        self.scheduled_events = ScheduledEventRepository(ex, clock)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """Run several repository calls atomically (all committed or all rolled back).

        Only the task that opened the transaction may write inside it; other tasks'
        writes wait until it ends, and their reads see the state before it.

        :raises DatabaseBusyError: another process kept the write lock too long.
        """
        async with self._executor.transaction():
            yield

    async def set_busy_timeout(self, milliseconds: int) -> None:
        """Wait at most ``milliseconds`` for another process's lock from now on."""
        await self._executor.set_busy_timeout(milliseconds)
        self.busy_timeout_ms = milliseconds

    async def integrity_ok(self) -> bool:
        """Return whether the database's own check passes (SQLite's ``integrity_check``)."""
        return await self._executor.integrity_ok()

    async def close(self) -> None:
        """Close the connections (idempotent)."""
        await self._executor.close()

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
    path: str | Path,
    *,
    clock: Callable[[], datetime] | None = None,
    busy_timeout_ms: int = BUSY_TIMEOUT_MS,
    password: str | None = None,
) -> Database:
    """Open (creating if needed) the database at ``path`` and migrate it to the newest schema.

    ``path`` is a SQLite file, ``":memory:"``, or a ``postgresql://`` URL (the database
    must exist; ``password``, if given, is used instead of one in the URL, and neither
    is ever logged: see :func:`bot.storage._postgres.open_postgresql`).

    ``":memory:"`` gives a private in-memory database on one connection (a second
    connection would see another, empty database). A file database uses WAL
    journaling and gets a second, read-only connection for reads, which WAL lets
    run while another connection or process holds the write lock. All get
    ``foreign_keys=ON`` and a busy timeout of ``busy_timeout_ms`` (keep it under
    Discord's 3 s deadline). ``clock`` (aware UTC ``now``) stamps
    ``created_at``/``updated_at``; tests may inject one.

    :raises DatabaseVersionError: the file was written by a newer confbot.
    :raises DatabaseBusyError: another process kept the database locked while migrating.
    :raises sqlite3.Error: the file cannot be opened, or a migration failed (rolled back).
    """
    if is_postgresql_url(path):
        from bot.storage._postgres import open_postgresql  # asyncpg only when it is used

        executor, version = await open_postgresql(
            str(path), password=password, busy_timeout_ms=busy_timeout_ms
        )
        return Database(
            executor,
            schema_version=version,
            clock=clock or _utc_now,
            busy_timeout_ms=busy_timeout_ms,
        )
    in_memory = str(path) == ":memory:"
    if not in_memory:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    conn = await aiosqlite.connect(path, isolation_level=None)
    reader: aiosqlite.Connection | None = None
    try:
        conn.row_factory = sqlite3.Row
        await set_busy_timeout(conn, busy_timeout_ms)
        await _pragma(conn, "PRAGMA foreign_keys = ON")
        if not in_memory:
            with busy_as_error():
                await _pragma(conn, "PRAGMA journal_mode = WAL")
            await _pragma(conn, "PRAGMA synchronous = NORMAL")
        with busy_as_error():
            version = await migrate(conn)
        if not in_memory:
            reader = await _open_reader(path, busy_timeout_ms)
    except BaseException:
        await conn.close()
        raise
    return Database(
        SqliteExecutor(conn, reader=reader),
        schema_version=version,
        clock=clock or _utc_now,
        busy_timeout_ms=busy_timeout_ms,
    )


async def _open_reader(path: str | Path, busy_timeout_ms: int) -> aiosqlite.Connection:
    reader = await aiosqlite.connect(path, isolation_level=None)
    try:
        reader.row_factory = sqlite3.Row
        await set_busy_timeout(reader, busy_timeout_ms)
        # A write sent here by mistake fails loudly instead of bypassing the write lock.
        await _pragma(reader, "PRAGMA query_only = ON")
    except BaseException:
        await reader.close()
        raise
    return reader


async def _pragma(conn: aiosqlite.Connection, statement: str) -> None:
    async with conn.execute(statement):
        pass
