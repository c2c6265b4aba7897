"""Copy every row of one confbot database into another (SQLite into PostgreSQL, or back).

Both ends are opened (and so migrated) by :func:`~bot.storage.database.open_database`,
so they have the same schema; the tables are read from each database's catalogue, so a
table a new migration adds is copied with no change here. Tables go parents first (a
foreign key's table before the table that points at it), 500 rows per transaction,
ids included; PostgreSQL's identity counters are moved past the copied ids. The copy
is checked by counting each table's rows at both ends.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.storage._executor import Executor
from bot.storage.database import Database, open_database

__all__ = ["CopyRefusedError", "TableCount", "copy_database"]

CHUNK = 500
# Bookkeeping of the migration runner, never copied (each end keeps its own).
_NOT_COPIED = frozenset({"confbot_schema", "sqlite_sequence"})


class CopyRefusedError(Exception):
    """The copy cannot be made (the target holds data, or the counts differ)."""


@dataclass(frozen=True, slots=True)
class TableCount:
    """How many rows a table has at the source and, after the copy, at the target."""

    table: str
    source: int
    target: int


async def _tables(executor: Executor) -> list[str]:
    if executor.dialect == "sqlite":
        rows = await executor.fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    else:
        rows = await executor.fetchall(
            "SELECT table_name FROM information_schema.tables"
            " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        )
    return sorted(str(row[0]) for row in rows if row[0] not in _NOT_COPIED)


async def _parents(executor: Executor, table: str) -> set[str]:
    """Return the tables ``table``'s foreign keys point at."""
    if executor.dialect == "sqlite":
        rows = await executor.fetchall('SELECT "table" FROM pragma_foreign_key_list(?)', (table,))
    else:
        rows = await executor.fetchall(
            "SELECT DISTINCT usage.table_name FROM information_schema.table_constraints AS tc"
            " JOIN information_schema.constraint_column_usage AS usage"
            " ON usage.constraint_name = tc.constraint_name"
            " AND usage.constraint_schema = tc.constraint_schema"
            " WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_name = ?",
            (table,),
        )
    return {str(row[0]) for row in rows} - {table}


async def _parents_first(executor: Executor, tables: list[str]) -> list[str]:
    parents = {table: await _parents(executor, table) & set(tables) for table in tables}
    ordered: list[str] = []
    while len(ordered) < len(tables):
        ready = [t for t in tables if t not in ordered and parents[t] <= set(ordered)]
        if not ready:  # a cycle of foreign keys: none of ours has one
            raise CopyRefusedError(f"the foreign keys between {sorted(parents)} form a cycle")
        ordered.extend(ready)
    return ordered


async def _count(executor: Executor, table: str) -> int:
    # ``table`` comes from the database's own catalogue, never from input.
    row = await executor.fetchone(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608
    return int(row[0]) if row is not None else 0


async def _copy_table(source: Executor, target: Executor, table: str) -> None:
    rows = await source.fetchall(f'SELECT * FROM "{table}"')  # noqa: S608 - catalogue name
    if not rows:
        return
    columns = list(rows[0].keys())
    names = ", ".join(f'"{column}"' for column in columns)
    marks = ", ".join("?" for _ in columns)
    insert = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'  # noqa: S608 - catalogue names
    values = [tuple(row[column] for column in columns) for row in rows]
    for start in range(0, len(values), CHUNK):
        async with target.transaction():
            await target.executemany(insert, values[start : start + CHUNK])


async def _move_identity_counters(target: Executor) -> None:
    """Set each PostgreSQL identity column's counter past the ids copied into it."""
    if target.dialect != "postgresql":
        return  # SQLite's AUTOINCREMENT follows the largest id inserted by itself
    identities = await target.fetchall(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND is_identity = 'YES'"
    )
    for table, column in ((str(row[0]), str(row[1])) for row in identities):
        await target.fetchone(
            f"SELECT setval(pg_get_serial_sequence(?, ?),"  # noqa: S608 - catalogue names
            f' (SELECT COALESCE(MAX("{column}"), 0) + 1 FROM "{table}"), false)',
            (table, column),
        )


async def copy_database(
    source_target: str | Path,
    destination: str | Path,
    *,
    progress: Callable[[str, int], None] | None = None,
) -> list[TableCount]:
    """Copy every row of ``source_target`` into the empty ``destination``; return the counts.

    Both are a SQLite path or a ``postgresql://`` URL (a password comes from the URL or
    ``PGPASSWORD``). ``progress(table, rows)`` is called before each table is copied.

    :raises CopyRefusedError: the destination already holds rows, or a count differs after
        the copy (the destination is then left as it is, for a look).
    """
    async with (
        await open_database(source_target) as source,
        await open_database(destination) as target,
    ):
        return await _copy(source, target, progress)


async def _copy(
    source: Database, target: Database, progress: Callable[[str, int], None] | None
) -> list[TableCount]:
    reader, writer = source._executor, target._executor  # storage's own
    tables = await _parents_first(reader, await _tables(reader))
    missing = set(tables) - set(await _tables(writer))
    if missing:
        raise CopyRefusedError(f"the destination has no table {', '.join(sorted(missing))}")
    filled = [table for table in tables if await _count(writer, table) > 0]
    if filled:
        raise CopyRefusedError(
            f"the destination already holds data (in {', '.join(filled)}); "
            "copy into an empty database"
        )
    for table in tables:
        if progress is not None:
            progress(table, await _count(reader, table))
        await _copy_table(reader, writer, table)
    await _move_identity_counters(writer)
    counts = [
        TableCount(table, await _count(reader, table), await _count(writer, table))
        for table in tables
    ]
    wrong = [count.table for count in counts if count.source != count.target]
    if wrong:
        raise CopyRefusedError(f"the row counts differ after the copy in {', '.join(wrong)}")
    return counts
