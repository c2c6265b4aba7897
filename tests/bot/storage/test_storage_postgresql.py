"""PostgreSQL's own mechanics: its migration runner, SQL translation, busy and lost connections.

Everything else about storage runs on both backends through the ``db`` fixture.
"""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from bot.errors import DatabaseBusyError, DatabaseVersionError
from bot.storage import Migration, open_database
from bot.storage._postgres import migrate_postgresql, redact, translate
from bot.storage.migrate import latest_version, load_migrations, postgresql_ddl
from confbot_dev.postgres import ThrowawayCluster
from tests.bot.storage.test_storage_migrations import EXPECTED_TABLES

# Only a guard against hanging when the behaviour is broken; a passing run never waits.
GUARD_SECONDS = 5.0


async def _columns(url: str) -> dict[str, list[str]]:
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = 'public' ORDER BY table_name, ordinal_position"
        )
    finally:
        await conn.close()
    columns: dict[str, list[str]] = {}
    for row in rows:
        columns.setdefault(row["table_name"], []).append(row["column_name"])
    return columns


async def test_a_new_postgresql_database_gets_every_table_at_the_newest_version(
    postgres_url: str,
) -> None:
    """Opening an empty PostgreSQL database creates the same tables SQLite has."""
    async with await open_database(postgres_url) as db:
        assert db.schema_version == latest_version(load_migrations("postgresql"))
    columns = await _columns(postgres_url)
    assert set(columns) == EXPECTED_TABLES | {"confbot_schema"}
    assert "deadline_at" in columns["outbox"]


async def test_both_dialects_reach_the_same_version() -> None:
    """SQLite and PostgreSQL read one migration history: same versions, same names."""
    sqlite = [(m.version, m.name) for m in load_migrations("sqlite")]
    postgresql = [(m.version, m.name) for m in load_migrations("postgresql")]
    assert sqlite == postgresql


async def test_reopening_a_postgresql_database_keeps_its_data(postgres_url: str) -> None:
    """A second open migrates nothing and finds what the first wrote."""
    async with await open_database(postgres_url) as db:
        await db.meta.set("zone", "Asia/Tokyo")
    async with await open_database(postgres_url) as db:
        assert await db.meta.get("zone") == "Asia/Tokyo"


async def test_snowflakes_fit(postgres_url: str) -> None:
    """A Discord id (beyond 32 bits) is stored and read back whole."""
    snowflake = 1_234_567_890_123_456_789
    async with await open_database(postgres_url) as db:
        await db.users.set_zone(snowflake, "Europe/Berlin")
        assert await db.users.zones_for([snowflake]) == {snowflake: "Europe/Berlin"}


async def test_a_newer_postgresql_database_is_refused(postgres_url: str) -> None:
    """A database written by a newer confbot is refused, naming both versions."""
    async with await open_database(postgres_url):
        pass
    conn = await asyncpg.connect(postgres_url)
    await conn.execute("UPDATE confbot_schema SET version = 999")
    await conn.close()
    with pytest.raises(DatabaseVersionError, match="999"):
        await open_database(postgres_url)


async def test_a_failing_postgresql_migration_rolls_everything_back(postgres_url: str) -> None:
    """A broken migration leaves no table behind and its error names it."""
    broken = [
        Migration(1, "first", postgresql_ddl("CREATE TABLE kept_or_not (id INTEGER);")),
        Migration(2, "broken", "CREATE TABLE oops (id INTEGER REFERENCES nowhere (id));"),
    ]
    conn = await asyncpg.connect(postgres_url)
    try:
        with pytest.raises(asyncpg.PostgresError) as raised:
            await migrate_postgresql(conn, broken)
        tables = await conn.fetchval(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        )
    finally:
        await conn.close()
    assert tables == 0
    assert "0002_broken" in "".join(raised.value.__notes__)


@pytest.mark.parametrize(
    ("shared", "postgresql"),
    [
        ("SELECT * FROM meta WHERE key = ?", "SELECT * FROM meta WHERE key = $1"),
        (
            "UPDATE t SET a = ?, b = 'what?' WHERE c = ?",
            "UPDATE t SET a = $1, b = 'what?' WHERE c = $2",
        ),
        (
            "DELETE FROM t WHERE k IN (SELECT value FROM json_each(?)) AND z = ?",
            "DELETE FROM t WHERE k IN (SELECT value FROM json_array_elements_text(CAST($1 AS json))"
            " AS json_each(value)) AND z = $2",
        ),
    ],
)
def test_shared_sql_is_translated_for_postgresql(shared: str, postgresql: str) -> None:
    """Placeholders are numbered in order (not inside strings) and json_each is rewritten."""
    assert translate(shared) == postgresql


@pytest.mark.parametrize(
    ("shared", "postgresql"),
    [
        (
            "id INTEGER PRIMARY KEY AUTOINCREMENT,",
            "id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,",
        ),
        ("user_id INTEGER NOT NULL", "user_id BIGINT NOT NULL"),
        ("token_hash BLOB NOT NULL", "token_hash BYTEA NOT NULL"),
        ("zone TEXT", "zone TEXT"),
    ],
)
def test_shared_migrations_use_postgresql_types(shared: str, postgresql: str) -> None:
    """Shared migration SQL gets 64-bit integers, identity ids and BYTEA on PostgreSQL."""
    assert postgresql_ddl(shared) == postgresql


def test_a_url_is_logged_without_its_password() -> None:
    """The password in a database URL never reaches a log line."""
    url = "postgresql://confbot:s3cret@db.example:5432/conference"
    assert redact(url) == "postgresql://confbot:***@db.example:5432/conference"
    assert redact("postgresql://db.example/conference") == "postgresql://db.example/conference"


async def test_a_row_locked_elsewhere_past_the_busy_timeout_says_busy(postgres_url: str) -> None:
    """A write that waits for another connection's lock past the busy timeout raises busy."""
    async with await open_database(postgres_url, busy_timeout_ms=50) as db:
        await db.meta.set("zone", "Europe/Paris")
        holder = await asyncpg.connect(postgres_url)
        held = holder.transaction()
        await held.start()
        try:
            await holder.execute("UPDATE meta SET value = 'held' WHERE key = 'zone'")
            with pytest.raises(DatabaseBusyError) as raised:
                await asyncio.wait_for(db.meta.set("zone", "Asia/Tokyo"), GUARD_SECONDS)
        finally:
            await held.rollback()
            await holder.close()
        assert str(raised.value) == "The bot is busy; try again in a moment."
        assert await db.meta.get("zone") == "Europe/Paris"


async def test_commands_during_a_server_restart_say_busy_then_work(
    postgres_cluster: ThrowawayCluster, postgres_url: str
) -> None:
    """While the server is down a statement says busy; once it is back the pool reconnects."""
    async with await open_database(postgres_url, busy_timeout_ms=200) as db:
        await db.meta.set("zone", "Europe/Paris")
        postgres_cluster.stop_server()
        try:
            with pytest.raises(DatabaseBusyError):
                await db.meta.get("zone")
            with pytest.raises(DatabaseBusyError):
                await db.meta.set("zone", "Asia/Tokyo")
        finally:
            postgres_cluster.start_server()
        assert await db.meta.get("zone") == "Europe/Paris"
        await db.meta.set("zone", "Asia/Tokyo")
        assert await db.meta.get("zone") == "Asia/Tokyo"
