"""PostgreSQL's executor (asyncpg): a pool, the shared SQL translated, busy errors mapped.

Repositories write SQL once (see :mod:`bot.storage._executor`); :func:`translate` turns
it into PostgreSQL's: ``?`` placeholders become ``$1, $2, ...`` and ``json_each(?)``
(a list passed as JSON text) becomes ``json_array_elements_text``, whose column is
named ``value`` as SQLite's is. Nothing else is rewritten.

Every statement borrows a pooled connection, except inside a transaction: the task
that opens :meth:`PostgresExecutor.transaction` keeps one connection until it ends, and
its repository calls run on it (nested transactions are SAVEPOINTs). Other tasks run
on other connections, at the same time (PostgreSQL locks rows, not the database).

A connection the pool cannot hand out within the busy timeout, a lock held past it
(``lock_timeout``), a deadlock or serialization failure, and a lost or refused
connection (the server restarting) raise :class:`~bot.errors.DatabaseBusyError`, so a
command says "busy, try again"; the pool replaces broken connections by itself.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import re
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager, suppress
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from bot.errors import DatabaseBusyError, DatabaseUnreachableError, DatabaseVersionError
from bot.storage._executor import Dialect, ExecResult, Params, Row
from bot.storage.migrate import Migration, latest_version, load_migrations, split_statements

__all__ = ["PostgresExecutor", "migrate_postgresql", "open_postgresql", "redact", "translate"]

log = logging.getLogger(__name__)

POOL_SIZE = 10
# Any fixed number: two processes migrating the same database take turns on it.
_MIGRATION_LOCK = 0x636F6E66626F74  # "confbot"

_BUSY_ERRORS: tuple[type[BaseException], ...] = (
    asyncpg.PostgresConnectionError,  # class 08: the connection failed or was lost
    asyncpg.exceptions.OperatorInterventionError,  # 57: shutting down, starting, cancelled
    asyncpg.exceptions.LockNotAvailableError,  # lock_timeout
    asyncpg.exceptions.TransactionRollbackError,  # deadlock, serialization failure
    asyncpg.exceptions.InsufficientResourcesError,  # too many connections
    OSError,  # connection refused: the server is down
    TimeoutError,  # no pooled connection within the busy timeout
)

_JSON_EACH = re.compile(r"\bjson_each\(\?\)", re.IGNORECASE)
# A quoted string (kept as it is) or a placeholder.
_PLACEHOLDER = re.compile(r"'(?:[^']|'')*'|\?")


@lru_cache(maxsize=1024)
def translate(sql: str) -> str:
    """Return the shared SQL ``sql`` in PostgreSQL's words (``$n``, ``json_each``)."""
    sql = _JSON_EACH.sub("json_array_elements_text(CAST(? AS json)) AS json_each(value)", sql)
    numbers = itertools.count(1)
    return _PLACEHOLDER.sub(lambda match: f"${next(numbers)}" if match[0] == "?" else match[0], sql)


def redact(url: str) -> str:
    """Return ``url`` with its password (if any) replaced by ``***``, for logs and errors."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


# Opening the pool: nobody answers there (yet). Refused logins are not among them.
_UNREACHABLE: tuple[type[BaseException], ...] = (
    OSError,
    TimeoutError,
    asyncpg.exceptions.CannotConnectNowError,
    asyncpg.PostgresConnectionError,
)


def _where(url: str) -> str:
    """Return ``host:port`` of ``url`` (libpq's defaults when it names none)."""
    parts = urlsplit(url)
    return f"{parts.hostname or 'localhost'}:{parts.port or 5432}"


def _reason(error: BaseException) -> str:
    """Return why a connection failed, in a few words ("Connection refused")."""
    if isinstance(error, asyncpg.exceptions.CannotConnectNowError):
        return "the server is starting up or shutting down"
    if isinstance(error, TimeoutError):
        return "no answer in time"
    if isinstance(error, OSError) and error.errno:
        return os.strerror(error.errno)
    return str(error) or type(error).__name__


def _rowcount(status: str | None) -> int:
    """Return the row count of a command tag such as ``UPDATE 3`` or ``INSERT 0 1``."""
    last = (status or "").rpartition(" ")[2]
    return int(last) if last.isdigit() else 0


@contextmanager
def busy_as_error() -> Iterator[None]:
    """Turn "cannot answer now" failures (see the module's doc) into ``DatabaseBusyError``."""
    try:
        yield
    except _BUSY_ERRORS as error:
        # A warning, not an error: the user is told to retry; the log shows how often.
        log.warning("PostgreSQL could not answer in time: %s", type(error).__name__)
        raise DatabaseBusyError() from error


class PostgresExecutor:
    """Runs SQL on a PostgreSQL pool (an :class:`~bot.storage._executor.Executor`)."""

    dialect: Dialect = "postgresql"

    def __init__(self, busy_timeout_ms: int) -> None:
        self.busy_timeout_ms = busy_timeout_ms
        self._pool: asyncpg.Pool | None = None
        self._url = ""
        self._password: str | None = None
        self._held: dict[asyncio.Task[Any], asyncpg.Connection] = {}

    async def connect(self, url: str, password: str | None) -> None:
        """Open the pool; its connections start with ``lock_timeout`` = the busy timeout."""
        self._url, self._password = url, password
        self._pool = await asyncpg.create_pool(
            min_size=1, max_size=POOL_SIZE, **self._connect_arguments()
        )

    def _connect_arguments(self) -> dict[str, Any]:
        # A startup setting, not a SET: the pool's RESET ALL on release keeps it.
        settings = {"lock_timeout": str(int(self.busy_timeout_ms))}
        return {"dsn": self._url, "password": self._password, "server_settings": settings}

    @property
    def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise RuntimeError("the PostgreSQL pool is not open")
        return self._pool

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[asyncpg.Connection]:
        """Yield the calling task's transaction connection, or a pooled one."""
        held = self._held.get(asyncio.current_task())  # type: ignore[arg-type]
        if held is not None:
            yield held
            return
        with busy_as_error():
            conn = await self.pool.acquire(timeout=self.busy_timeout_ms / 1000)
        try:
            yield conn
        finally:
            await self.pool.release(conn)

    async def execute(self, sql: str, params: Params = ()) -> ExecResult:
        """Run one statement and return how many rows it changed."""
        with busy_as_error():
            async with self.connection() as conn:
                return ExecResult(_rowcount(await conn.execute(translate(sql), *params)))

    async def executemany(self, sql: str, params: Sequence[Params]) -> int:
        """Run one prepared statement once per parameter tuple; return the rows changed."""
        total = 0
        with busy_as_error():
            async with self.connection() as conn:
                statement = await conn.prepare(translate(sql))
                for values in params:
                    await statement.fetch(*values)
                    total += _rowcount(statement.get_statusmsg())
        return total

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        """Run a query and return its first row, or ``None``."""
        with busy_as_error():
            async with self.connection() as conn:
                row: Row | None = await conn.fetchrow(translate(sql), *params)
                return row

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        """Run a query and return all its rows."""
        with busy_as_error():
            async with self.connection() as conn:
                return list(await conn.fetch(translate(sql), *params))

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """Run the body atomically on one connection; nested calls are SAVEPOINTs."""
        task = asyncio.current_task()
        assert task is not None  # noqa: S101 - storage runs inside tasks
        held = self._held.get(task)
        if held is not None:
            with busy_as_error():
                savepoint = held.transaction()
                await savepoint.start()
            try:
                yield
            except BaseException:
                with suppress(*_BUSY_ERRORS, asyncpg.InterfaceError):
                    await savepoint.rollback()
                raise
            with busy_as_error():
                await savepoint.commit()
            return

        async with self.connection() as conn:
            self._held[task] = conn
            try:
                with busy_as_error():
                    outer = conn.transaction()
                    await outer.start()
                try:
                    yield
                except BaseException:
                    with suppress(*_BUSY_ERRORS, asyncpg.InterfaceError):
                        await outer.rollback()
                    raise
                with busy_as_error():
                    await outer.commit()
            finally:
                del self._held[task]

    async def set_busy_timeout(self, milliseconds: int) -> None:
        """Wait at most ``milliseconds`` for a lock or a pooled connection from now on."""
        if milliseconds < 0:
            raise ValueError("a busy timeout cannot be negative")
        self.busy_timeout_ms = milliseconds
        self.pool.set_connect_args(**self._connect_arguments())
        await self.pool.expire_connections()  # they reconnect with the new lock_timeout

    async def integrity_ok(self) -> bool:
        """Return whether the server answers (PostgreSQL checks its own pages)."""
        row = await self.fetchone("SELECT 1")
        return row is not None and row[0] == 1

    async def close(self) -> None:
        """Close the pool (idempotent)."""
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await pool.close()


async def migrate_postgresql(
    conn: asyncpg.Connection, migrations: Sequence[Migration] | None = None
) -> int:
    """Bring the schema up to date in one transaction; return the version reached.

    The version lives in the ``confbot_schema`` table; an advisory lock makes two
    processes opening a new database at once take turns.

    :raises DatabaseVersionError: the database is newer than the newest migration.
    :raises asyncpg.PostgresError: a migration failed (rolled back; a note names it).
    """
    chosen = sorted(
        load_migrations("postgresql") if migrations is None else migrations,
        key=lambda m: m.version,
    )
    newest = latest_version(chosen)
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", _MIGRATION_LOCK)
        await conn.execute("CREATE TABLE IF NOT EXISTS confbot_schema (version INTEGER NOT NULL)")
        current = int(await conn.fetchval("SELECT COALESCE(MAX(version), 0) FROM confbot_schema"))
        if current > newest:
            raise DatabaseVersionError(
                f"This database was written by a newer confbot (schema version {current}; "
                f"this confbot knows up to {newest}). "
                "Upgrade confbot or point storage.database at another database."
            )
        for migration in chosen:
            if migration.version <= current:
                continue
            try:
                for statement in split_statements(migration.sql):
                    await conn.execute(statement)
            except asyncpg.PostgresError as exc:
                exc.add_note(f"while applying migration {migration.version:04d}_{migration.name}")
                raise
        if newest > current:
            await conn.execute("DELETE FROM confbot_schema")
            await conn.execute("INSERT INTO confbot_schema (version) VALUES ($1)", newest)
    return max(current, newest)


async def open_postgresql(
    url: str, *, password: str | None, busy_timeout_ms: int
) -> tuple[PostgresExecutor, int]:
    """Connect to the database at ``url``, migrate it; return the executor and the version.

    :raises DatabaseVersionError: the database was written by a newer confbot.
    :raises DatabaseUnreachableError: no server answered at ``url`` (refused, no answer,
        still starting).
    :raises DatabaseBusyError: the server dropped the connection while migrating.
    """
    executor = PostgresExecutor(busy_timeout_ms)
    try:
        try:
            await executor.connect(url, password)
        except _UNREACHABLE as error:
            raise DatabaseUnreachableError(_where(url), _reason(error)) from error
        with busy_as_error():
            async with executor.connection() as conn:
                version = await migrate_postgresql(conn)
    except BaseException:
        await executor.close()
        raise
    log.info("storage: PostgreSQL at %s, schema version %d", redact(url), version)
    return executor, version
