"""confbot copy-database: a SQLite database into PostgreSQL and back, checked by counts."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.storage import Database, open_database
from bot.storage.copy import CopyRefusedError, copy_database

SNOWFLAKE = 1_234_567_890_123_456_789
DUE = datetime(2025, 5, 1, 14, 0, tzinfo=UTC)
TOKEN_HASH = bytes(range(32))


async def _fill(db: Database) -> None:
    """Write a little of everything, a foreign key and bytes included."""
    await db.users.set_zone(SNOWFLAKE, "Europe/Berlin")
    await db.subscriptions.subscribe(SNOWFLAKE, "talk-1")
    await db.outbox.enqueue("reminder:talk-1", "reminder", DUE, {"text": "héllo"}, SNOWFLAKE)
    announcement = await db.announcements.create(1, 2, 3, "Doors open", DUE, title="Welcome")
    await db.announcements.set_copies(announcement.id, [(2, "copy:2"), (4, "copy:4")])
    await db.feeds.set_token(SNOWFLAKE, TOKEN_HASH)
    await db.snapshots.add("seed", "{}", "hash-1", DUE)
    await db.meta.set("commands", "abc")


async def _facts(target: str | Path) -> tuple[object, ...]:
    """Return what a user of the copied database would see."""
    async with await open_database(target) as db:
        token = await db.feeds.by_token_hash(TOKEN_HASH)
        item = await db.outbox.get("reminder:talk-1")
        assert item is not None
        return (
            await db.users.zones_for([SNOWFLAKE]),
            await db.subscriptions.count(),
            (item.payload, item.due_at, item.target_user_id),
            [copy.channel_id for copy in await db.announcements.copies(1)],
            token is not None and token.user_id,
            await db.meta.get("commands"),
        )


async def test_sqlite_into_postgresql_and_back_keeps_everything(
    tmp_path: Path, postgres_url: str
) -> None:
    """Every row reaches PostgreSQL and comes back to a new SQLite file the same."""
    original = tmp_path / "original.db"
    async with await open_database(original) as db:
        await _fill(db)
    counts = await copy_database(original, postgres_url)
    assert {count.table: count.target for count in counts}["announcement_channels"] == 2
    assert all(count.source == count.target for count in counts)
    back = tmp_path / "back.db"
    await copy_database(postgres_url, back)
    expected = await _facts(original)
    assert expected[0] == {SNOWFLAKE: "Europe/Berlin"}
    assert await _facts(postgres_url) == expected
    assert await _facts(back) == expected


async def test_new_rows_after_a_copy_get_new_ids(tmp_path: Path, postgres_url: str) -> None:
    """PostgreSQL's id counters start after the copied ids (no clash on the next insert)."""
    original = tmp_path / "original.db"
    async with await open_database(original) as db:
        first = await db.snapshots.add("seed", "{}", "hash-1", DUE)
        second = await db.snapshots.add("seed", "{}", "hash-2", DUE + timedelta(hours=1))
    await copy_database(original, postgres_url)
    async with await open_database(postgres_url) as db:
        third = await db.snapshots.add("seed", "{}", "hash-3", DUE + timedelta(hours=2))
    assert first < second < third


async def test_a_target_holding_data_is_refused_and_left_alone(
    tmp_path: Path, postgres_url: str
) -> None:
    """Copying into a database that has rows is refused, naming the tables; nothing changes."""
    original = tmp_path / "original.db"
    async with await open_database(original) as db:
        await _fill(db)
    async with await open_database(postgres_url) as db:
        await db.meta.set("commands", "already here")
    with pytest.raises(CopyRefusedError, match=r"already holds data \(in meta\)"):
        await copy_database(original, postgres_url)
    async with await open_database(postgres_url) as db:
        assert await db.users.zones_for([SNOWFLAKE]) == {}
        assert await db.meta.get("commands") == "already here"


async def test_the_command_prints_counts_and_refuses_a_second_copy(
    tmp_path: Path, postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """confbot copy-database prints each table's count; run again, it says why it will not."""
    original = tmp_path / "original.db"
    async with await open_database(original) as db:
        await _fill(db)
    assert await _run_cli(["copy-database", str(original), postgres_url]) == 0
    out = capsys.readouterr().out
    assert "announcement_channels        2 rows (source 2)" in out
    assert "counts match" in out
    assert postgres_url.split("@")[0].split(":")[-1] not in out  # the password is not printed
    assert await _run_cli(["copy-database", str(original), postgres_url]) == 1
    err = capsys.readouterr().err
    assert "confbot: not copied: the destination already holds data" in err


async def _run_cli(argv: list[str]) -> int:
    """Run the command line in a worker thread (it starts its own event loop)."""
    return await asyncio.to_thread(main, argv)
