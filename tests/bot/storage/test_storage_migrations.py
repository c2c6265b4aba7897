"""Migrations: versioning, atomicity, refusal of newer databases, connection pragmas."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import aiosqlite
import pytest

from bot.errors import DatabaseVersionError
from bot.storage import Migration, migrate, open_database
from bot.storage.migrate import latest_version, load_migrations, split_statements

EXPECTED_TABLES = {
    "users",
    "guild_settings",
    "subscriptions",
    "outbox",
    "announcements",
    "schedule_snapshots",
    "speaker_links",
    "meta",
    "recipients",
    "announcement_channels",
    "feed_tokens",
    "feed_sessions",
    "leases",
    "instances",
    "event_mirror",
    "event_interest",
}

GOOD_1 = Migration(1, "one", "CREATE TABLE t1 (x INTEGER);")
GOOD_2 = Migration(2, "two", "CREATE TABLE t2 (x INTEGER);\nINSERT INTO t2 VALUES (2);")
BAD_3 = Migration(3, "three", "CREATE TABLE t3 (x INTEGER);\nTHIS IS NOT SQL;")


async def _raw(path: Path) -> aiosqlite.Connection:
    return await aiosqlite.connect(path, isolation_level=None)


async def _scalar(conn: aiosqlite.Connection, sql: str) -> object:
    async with conn.execute(sql) as cursor:
        row = await cursor.fetchone()
    assert row is not None
    return row[0]


async def _tables(conn: aiosqlite.Connection) -> set[str]:
    async with conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'") as cursor:
        return {row[0] for row in await cursor.fetchall()} - {"sqlite_sequence"}


def test_packaged_migrations_are_numbered_from_one_without_gaps() -> None:
    """The shipped SQL files load as versions 1..N."""
    versions = [m.version for m in load_migrations()]
    assert versions == list(range(1, len(versions) + 1))
    assert versions[0] == 1


async def test_empty_database_reaches_newest_version(db_path: Path) -> None:
    """Opening a new file migrates it to the newest schema version."""
    async with await open_database(db_path) as db:
        assert db.schema_version == latest_version()
    conn = await _raw(db_path)
    try:
        assert await _scalar(conn, "PRAGMA user_version") == latest_version()
    finally:
        await conn.close()


async def test_empty_database_gets_all_tables(db_path: Path) -> None:
    """Migrating from empty creates every table of the schema."""
    async with await open_database(db_path):
        pass
    conn = await _raw(db_path)
    try:
        assert await _tables(conn) == EXPECTED_TABLES
    finally:
        await conn.close()


async def test_reopening_is_a_noop_that_keeps_data(db_path: Path) -> None:
    """Opening an up-to-date database again keeps its version and its rows."""
    async with await open_database(db_path) as db:
        await db.meta.set("k", "v")
    async with await open_database(db_path) as db:
        assert db.schema_version == latest_version()
        assert await db.meta.get("k") == "v"


async def test_migrate_twice_returns_same_version(db_path: Path) -> None:
    """Calling migrate() on a migrated connection applies nothing and returns the same version."""
    conn = await _raw(db_path)
    try:
        first = await migrate(conn, [GOOD_1, GOOD_2])
        second = await migrate(conn, [GOOD_1, GOOD_2])
        assert first == second == 2
        assert await _scalar(conn, "SELECT COUNT(*) FROM t2") == 1
    finally:
        await conn.close()


async def test_newer_database_is_refused_naming_both_versions(db_path: Path) -> None:
    """A user_version above the newest migration raises DatabaseVersionError with both numbers."""
    newer = latest_version() + 1
    conn = await _raw(db_path)
    await conn.execute(f"PRAGMA user_version = {newer}")
    await conn.close()
    with pytest.raises(DatabaseVersionError) as info:
        await open_database(db_path)
    message = str(info.value)
    assert f"schema version {newer}" in message
    assert f"knows up to {latest_version()}" in message
    assert "storage.database" in message


async def test_newer_database_is_left_untouched(db_path: Path) -> None:
    """Refusing a newer database changes neither its version nor its tables."""
    newer = latest_version() + 1
    conn = await _raw(db_path)
    try:
        await conn.execute(f"PRAGMA user_version = {newer}")
        with pytest.raises(DatabaseVersionError):
            await migrate(conn)
        assert await _scalar(conn, "PRAGMA user_version") == newer
        assert await _tables(conn) == set()
    finally:
        await conn.close()


async def test_failing_migration_from_empty_rolls_everything_back(db_path: Path) -> None:
    """If any pending migration fails, earlier ones of the same run are undone too."""
    conn = await _raw(db_path)
    try:
        with pytest.raises(sqlite3.OperationalError):
            await migrate(conn, [GOOD_1, GOOD_2, BAD_3])
        assert await _scalar(conn, "PRAGMA user_version") == 0
        assert await _tables(conn) == set()
        assert not conn.in_transaction
    finally:
        await conn.close()


async def test_failing_migration_leaves_database_at_old_version(db_path: Path) -> None:
    """A database at version 1 stays at 1, without version 2's table, when version 3 fails."""
    conn = await _raw(db_path)
    try:
        await migrate(conn, [GOOD_1])
        with pytest.raises(sqlite3.OperationalError):
            await migrate(conn, [GOOD_1, GOOD_2, BAD_3])
        assert await _scalar(conn, "PRAGMA user_version") == 1
        assert await _tables(conn) == {"t1"}
    finally:
        await conn.close()


async def test_failing_migration_error_names_the_migration(db_path: Path) -> None:
    """The raised error carries a note naming the migration that failed."""
    conn = await _raw(db_path)
    try:
        with pytest.raises(sqlite3.OperationalError) as info:
            await migrate(conn, [GOOD_1, GOOD_2, BAD_3])
        assert "0003_three" in " ".join(info.value.__notes__)
    finally:
        await conn.close()


async def test_migrations_with_a_gap_are_rejected(db_path: Path) -> None:
    """Migrations must be numbered 1..N; a gap raises RuntimeError before touching the file."""
    conn = await _raw(db_path)
    try:
        with pytest.raises(RuntimeError, match="without gaps"):
            await migrate(conn, [GOOD_1, BAD_3])
        assert await _scalar(conn, "PRAGMA user_version") == 0
    finally:
        await conn.close()


def test_split_statements_keeps_semicolons_inside_strings_and_triggers() -> None:
    """The splitter cuts only at statement ends, not at semicolons in literals or trigger bodies."""
    script = """
    -- a comment; with a semicolon
    CREATE TABLE a (x TEXT DEFAULT 'x;y');
    CREATE TRIGGER tr AFTER INSERT ON a BEGIN
        UPDATE a SET x = 'p;q';
    END;
    INSERT INTO a VALUES ('1;2')
    """
    statements = split_statements(script)
    assert len(statements) == 3
    assert statements[0].endswith("CREATE TABLE a (x TEXT DEFAULT 'x;y');")
    assert statements[1].startswith("CREATE TRIGGER")
    assert statements[2] == "INSERT INTO a VALUES ('1;2')"


async def test_file_database_uses_wal(db_path: Path) -> None:
    """A file database is switched to WAL journaling."""
    async with await open_database(db_path) as db:
        row = await db._executor.fetchone("PRAGMA journal_mode")
    assert row is not None
    assert row[0] == "wal"


async def test_foreign_keys_and_busy_timeout_are_set(db_path: Path) -> None:
    """Every connection has foreign keys on and a busy timeout."""
    async with await open_database(db_path) as db:
        foreign_keys = await db._executor.fetchone("PRAGMA foreign_keys")
        busy = await db._executor.fetchone("PRAGMA busy_timeout")
    assert foreign_keys is not None
    assert foreign_keys[0] == 1
    assert busy is not None
    assert busy[0] > 0


async def test_memory_database_opens_and_migrates() -> None:
    """':memory:' gives a working, fully migrated database."""
    async with await open_database(":memory:") as db:
        assert db.schema_version == latest_version()
        await db.meta.set("k", "v")
        assert await db.meta.get("k") == "v"


async def test_open_creates_missing_parent_directory(tmp_path: Path) -> None:
    """A database path in a directory that does not exist yet still opens."""
    path = tmp_path / "nested" / "dir" / "bot.sqlite3"
    async with await open_database(path):
        pass
    assert path.exists()
