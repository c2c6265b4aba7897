"""SQLite's executor: one write connection under a task-aware lock, and a lock-free reader.

All statements of the process go through one :class:`SqliteExecutor`. Writes (and every
:meth:`SqliteExecutor.transaction`) run on the *write* connection under a lock, so one
task's open transaction never swallows another task's writes. The task that holds a
transaction may keep calling repository methods: they join it (nested transactions
become SAVEPOINTs), and its reads go to the write connection so they see its own
uncommitted writes. Do not ``gather`` child tasks that touch storage from inside a
transaction: they are other tasks and would wait for the lock.

Every other read goes to the *read* connection (a second connection to the same WAL
file, ``query_only``), without the lock: it sees the last committed state and never
waits behind a write, whether the writer is another task of this process or another
process holding the file's write lock. Without a read connection (an in-memory
database, which is private to its one connection) reads share the write connection
and its lock, as before.

A statement that finds the file locked for longer than the connection's busy timeout
raises :class:`~bot.errors.DatabaseBusyError` instead of a bare ``sqlite3`` error.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import aiosqlite

from bot.errors import DatabaseBusyError
from bot.storage._executor import Dialect, ExecResult, Params, Row, is_query

log = logging.getLogger(__name__)

# SQLite's primary result codes (the low byte of an extended code such as BUSY_SNAPSHOT).
_BUSY_CODES = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})


@contextmanager
def busy_as_error() -> Iterator[None]:
    """Turn SQLite's "database is locked" into :class:`DatabaseBusyError`."""
    try:
        yield
    except sqlite3.OperationalError as error:
        code = getattr(error, "sqlite_errorcode", None)
        if code is None or code & 0xFF not in _BUSY_CODES:
            raise
        # A warning, not an error: the user is told to retry; the log shows how often.
        log.warning("the database stayed locked past the busy timeout: %s", error)
        raise DatabaseBusyError() from error


class SqliteExecutor:
    """Runs SQL on SQLite's connections (an :class:`~bot.storage._executor.Executor`)."""

    dialect: Dialect = "sqlite"

    def __init__(
        self, conn: aiosqlite.Connection, *, reader: aiosqlite.Connection | None = None
    ) -> None:
        self._conn = conn
        self._reader = reader
        self._lock = asyncio.Lock()
        self._owner: asyncio.Task[Any] | None = None
        self._depth = 0

    def _holds_lock(self) -> bool:
        return self._owner is not None and self._owner is asyncio.current_task()

    @asynccontextmanager
    async def _exclusive(self) -> AsyncIterator[None]:
        if self._holds_lock():
            yield
            return
        async with self._lock:
            yield

    @asynccontextmanager
    async def _connection_for(self, sql: str) -> AsyncIterator[aiosqlite.Connection]:
        """Yield the connection that runs ``sql`` (holding the lock when it is the writer's)."""
        if self._reader is not None and is_query(sql) and not self._holds_lock():
            yield self._reader
            return
        async with self._exclusive():
            yield self._conn

    async def _run(self, sql: str) -> None:
        with busy_as_error():
            async with self._conn.execute(sql):
                pass

    async def execute(self, sql: str, params: Params = ()) -> ExecResult:
        """Run one statement and return its row count and last row id.

        :raises DatabaseBusyError: another process kept the database locked too long.
        """
        with busy_as_error():
            async with self._exclusive(), self._conn.execute(sql, params) as cursor:
                return ExecResult(cursor.rowcount)

    async def executemany(self, sql: str, params: Sequence[Params]) -> int:
        """Run one statement once per parameter tuple; return the rows changed in all.

        :raises DatabaseBusyError: another process kept the database locked too long.
        """
        with busy_as_error():
            async with self._exclusive(), self._conn.executemany(sql, params) as cursor:
                return cursor.rowcount

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        """Run a query and return its first row, or ``None``.

        :raises DatabaseBusyError: the database stayed locked too long.
        """
        with busy_as_error():
            async with self._connection_for(sql) as conn, conn.execute(sql, params) as cursor:
                row: sqlite3.Row | None = await cursor.fetchone()
                return row

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        """Run a query and return all its rows.

        :raises DatabaseBusyError: the database stayed locked too long.
        """
        with busy_as_error():
            async with self._connection_for(sql) as conn, conn.execute(sql, params) as cursor:
                return list(await cursor.fetchall())

    async def set_busy_timeout(self, milliseconds: int) -> None:
        """Make every connection wait at most ``milliseconds`` for another process's lock."""
        for conn in (self._conn, self._reader):
            if conn is not None:
                await set_busy_timeout(conn, milliseconds)

    async def integrity_ok(self) -> bool:
        """Return whether ``PRAGMA integrity_check`` finds the file sound."""
        row = await self.fetchone("PRAGMA integrity_check")
        return row is not None and row[0] == "ok"

    async def close(self) -> None:
        """Close the connections (idempotent)."""
        if self._reader is not None:
            await self._reader.close()
        await self._conn.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """Run the body atomically: committed on success, rolled back on any exception.

        Uses ``BEGIN IMMEDIATE`` so the write lock is taken up front (no
        upgrade deadlocks between processes); nested calls use SAVEPOINTs.

        :raises DatabaseBusyError: another process kept the write lock too long.
        """
        if self._holds_lock():
            self._depth += 1
            name = f"confbot_sp{self._depth}"
            await self._run(f"SAVEPOINT {name}")
            try:
                yield
            except BaseException:
                await self._run(f"ROLLBACK TO {name}")
                await self._run(f"RELEASE {name}")
                raise
            else:
                await self._run(f"RELEASE {name}")
            finally:
                self._depth -= 1
            return

        async with self._lock:
            self._owner = asyncio.current_task()
            try:
                await self._run("BEGIN IMMEDIATE")
                try:
                    yield
                    await self._run("COMMIT")
                except BaseException:
                    if self._conn.in_transaction:
                        await self._run("ROLLBACK")
                    raise
            finally:
                self._owner = None


async def set_busy_timeout(conn: aiosqlite.Connection, milliseconds: int) -> None:
    """Set how long ``conn`` waits for a lock held elsewhere before failing."""
    if milliseconds < 0:
        raise ValueError("a busy timeout cannot be negative")
    async with conn.execute(f"PRAGMA busy_timeout = {int(milliseconds)}"):
        pass
