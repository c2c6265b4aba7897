"""What repositories talk to: the :class:`Executor` interface, one implementation per database.

Repositories hold an executor and write their SQL once, in the subset both databases
speak: ``?`` placeholders, ``ON CONFLICT``, ``RETURNING``, ``json_each(?)`` for a list
passed as JSON text (``CAST(value AS BIGINT)`` when it holds ids), ``CASE`` rather than
two-argument ``MIN``/``MAX``. :mod:`bot.storage._sqlite` runs it on SQLite as written;
:mod:`bot.storage._postgres` translates it (``$n`` placeholders, ``json_each``) for
PostgreSQL. Both raise :class:`~bot.errors.DatabaseBusyError` when the database cannot
answer in time (a lock held elsewhere, a connection lost), so a command says "busy, try
again" instead of failing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any, Literal, Protocol

__all__ = ["Dialect", "ExecResult", "Executor", "Params", "Row", "is_query"]

Params = Sequence[Any]
Dialect = Literal["sqlite", "postgresql"]

# A statement the read connection may run: a plain query. ``INSERT ... RETURNING`` is
# fetched like a query but writes, so it stays on the write connection.
_QUERY = re.compile(r"^\s*(SELECT|WITH)\b", re.IGNORECASE)
_RETURNING = re.compile(r"\bRETURNING\b", re.IGNORECASE)


def is_query(sql: str) -> bool:
    """Return whether ``sql`` only reads (so a read connection may run it)."""
    return _QUERY.match(sql) is not None and _RETURNING.search(sql) is None


class Row(Protocol):
    """A result row: by column name or position (``sqlite3.Row``, ``asyncpg.Record``)."""

    def __getitem__(self, key: Any, /) -> Any: ...

    def keys(self) -> Any: ...

    def __iter__(self) -> Iterator[Any]: ...

    def __len__(self) -> int: ...


@dataclass(frozen=True, slots=True)
class ExecResult:
    """What a write statement did."""

    rowcount: int


class Executor(Protocol):
    """Runs SQL for the repositories; one per open database."""

    dialect: Dialect

    async def execute(self, sql: str, params: Params = ()) -> ExecResult:
        """Run one statement and return how many rows it changed.

        :raises DatabaseBusyError: the database could not answer in time.
        """

    async def executemany(self, sql: str, params: Sequence[Params]) -> int:
        """Run one statement once per parameter tuple; return the rows changed in all.

        :raises DatabaseBusyError: the database could not answer in time.
        """

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        """Run a query and return its first row, or ``None``.

        :raises DatabaseBusyError: the database could not answer in time.
        """

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        """Run a query and return all its rows.

        :raises DatabaseBusyError: the database could not answer in time.
        """

    def transaction(self) -> AbstractAsyncContextManager[None]:
        """Run the body atomically; a nested call is a SAVEPOINT.

        Only the task that opened it is inside it: its repository calls join the
        transaction; other tasks' calls do not.
        """

    async def set_busy_timeout(self, milliseconds: int) -> None:
        """Wait at most ``milliseconds`` for a lock held elsewhere from now on."""

    async def integrity_ok(self) -> bool:
        """Return whether the database's own consistency check passes."""

    async def close(self) -> None:
        """Close the connections (idempotent)."""
