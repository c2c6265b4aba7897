"""One shared aiosqlite connection, serialised with a task-aware lock.

All statements of the process go through one :class:`Executor`. A lock makes each
statement (and each :meth:`Executor.transaction`) exclusive, so one task's open
transaction never swallows another task's writes. The task that holds a
transaction may keep calling repository methods: they join it (nested
transactions become SAVEPOINTs). Do not ``gather`` child tasks that touch storage
from inside a transaction: they are other tasks and would wait for the lock.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiosqlite

Params = Sequence[Any]


@dataclass(frozen=True, slots=True)
class ExecResult:
    """What a write statement did."""

    rowcount: int
    lastrowid: int | None


class Executor:
    """Runs SQL on the connection; the only object repositories talk to."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn
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

    async def _run(self, sql: str) -> None:
        async with self._conn.execute(sql):
            pass

    async def execute(self, sql: str, params: Params = ()) -> ExecResult:
        """Run one statement and return its row count and last row id."""
        async with self._exclusive(), self._conn.execute(sql, params) as cursor:
            return ExecResult(cursor.rowcount, cursor.lastrowid)

    async def fetchone(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        """Run a query and return its first row, or ``None``."""
        async with self._exclusive(), self._conn.execute(sql, params) as cursor:
            row: sqlite3.Row | None = await cursor.fetchone()
            return row

    async def fetchall(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        """Run a query and return all its rows."""
        async with self._exclusive(), self._conn.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """Run the body atomically: committed on success, rolled back on any exception.

        Uses ``BEGIN IMMEDIATE`` so the write lock is taken up front (no
        upgrade deadlocks between processes); nested calls use SAVEPOINTs.
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
