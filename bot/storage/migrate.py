"""Schema migrations: numbered SQL files, tracked in ``PRAGMA user_version``.

Files live in ``bot/storage/migrations/`` as ``NNNN_short_name.sql`` (``0001`` up,
no gaps). :func:`migrate` applies every pending one in a single ``BEGIN IMMEDIATE``
transaction, together with the new ``user_version``: either all succeed or the
database is left exactly as it was. Never edit a released migration; add a new one.
A migration runs inside that transaction, so it cannot change ``journal_mode`` or
``foreign_keys`` (SQLite ignores those pragmas inside a transaction).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import aiosqlite

from bot.errors import DatabaseVersionError

__all__ = ["Migration", "latest_version", "load_migrations", "migrate", "split_statements"]

_FILE_NAME = re.compile(r"^(?P<version>\d{4})_(?P<name>[a-z0-9_]+)\.sql$")


@dataclass(frozen=True, slots=True)
class Migration:
    """One schema step: applying it moves the database from ``version - 1`` to ``version``."""

    version: int
    name: str
    sql: str


@cache
def load_migrations() -> tuple[Migration, ...]:
    """Return the packaged migrations in version order.

    :raises RuntimeError: a file is misnamed, or the versions are not 1..N without gaps.
    """
    found: list[Migration] = []
    for entry in files("bot.storage").joinpath("migrations").iterdir():
        if not entry.name.endswith(".sql"):
            continue
        match = _FILE_NAME.match(entry.name)
        if match is None:
            raise RuntimeError(f"migration file {entry.name!r} is not named NNNN_name.sql")
        found.append(
            Migration(
                version=int(match["version"]),
                name=match["name"],
                sql=entry.read_text(encoding="utf-8"),
            )
        )
    found.sort(key=lambda m: m.version)
    _check_sequence(found)
    return tuple(found)


def latest_version(migrations: Sequence[Migration] | None = None) -> int:
    """Return the schema version the given (default: packaged) migrations reach."""
    chosen = load_migrations() if migrations is None else migrations
    return max((m.version for m in chosen), default=0)


def _check_sequence(migrations: Sequence[Migration]) -> None:
    versions = [m.version for m in migrations]
    if versions != list(range(1, len(versions) + 1)):
        raise RuntimeError(f"migration versions must be 1..N without gaps, got {versions}")


def split_statements(script: str) -> list[str]:
    """Split an SQL script into complete statements (semicolons in strings/triggers are safe).

    ``executescript`` would commit the surrounding transaction, so migrations are run
    statement by statement instead.
    """
    statements: list[str] = []
    current: list[str] = []
    for char in script:
        current.append(char)
        if char == ";":
            candidate = "".join(current)
            if sqlite3.complete_statement(candidate):
                statements.append(candidate.strip())
                current = []
    rest = "".join(current).strip()
    if rest and any(
        line.strip() and not line.strip().startswith("--") for line in rest.splitlines()
    ):
        statements.append(rest)
    return statements


async def _user_version(conn: aiosqlite.Connection) -> int:
    async with conn.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row is not None else 0


async def migrate(conn: aiosqlite.Connection, migrations: Sequence[Migration] | None = None) -> int:
    """Bring the schema up to date and return the resulting ``user_version``.

    ``conn`` must be in autocommit mode (``isolation_level=None``) with no open
    transaction. ``migrations`` defaults to the packaged files; tests pass their own.
    Running it again on an up-to-date database changes nothing.

    :raises DatabaseVersionError: the database is newer than the newest migration.
    :raises sqlite3.Error: a migration failed; everything was rolled back and the
        exception carries a note naming the migration.
    :raises RuntimeError: the migrations are not numbered 1..N without gaps.
    """
    chosen = list(load_migrations() if migrations is None else migrations)
    chosen.sort(key=lambda m: m.version)
    _check_sequence(chosen)
    newest = latest_version(chosen)

    async with conn.execute("BEGIN IMMEDIATE"):
        pass
    try:
        current = await _user_version(conn)
        if current > newest:
            raise DatabaseVersionError(
                f"This database was written by a newer confbot (schema version {current}; "
                f"this confbot knows up to {newest}). "
                "Upgrade confbot or point storage.database at another file."
            )
        for migration in chosen:
            if migration.version <= current:
                continue
            try:
                for statement in split_statements(migration.sql):
                    async with conn.execute(statement):
                        pass
            except sqlite3.Error as exc:
                exc.add_note(f"while applying migration {migration.version:04d}_{migration.name}")
                raise
        if newest > current:
            # PRAGMA takes no parameters; ``newest`` is an int we computed.
            async with conn.execute(f"PRAGMA user_version = {int(newest)}"):
                pass
        async with conn.execute("COMMIT"):
            pass
    except BaseException:
        if conn.in_transaction:
            async with conn.execute("ROLLBACK"):
                pass
        raise
    return max(current, newest)
