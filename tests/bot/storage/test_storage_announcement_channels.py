"""Announcement copies: one per channel, and what 0005 makes of announcements made before it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import aiosqlite

from bot.storage import migrate, open_database
from bot.storage.migrate import load_migrations

WHEN = "2021-02-24T20:55:00.000000+00:00"


async def _version_4_database(path: Path) -> None:
    """Write a database at schema 4 with a scheduled announcement and a draft."""
    conn = await aiosqlite.connect(path, isolation_level=None)
    try:
        await migrate(conn, [m for m in load_migrations() if m.version <= 4])
        for number, status, key in ((1, "scheduled", "announcement:1"), (2, "draft", None)):
            await conn.execute(
                "INSERT INTO announcements (id, guild_id, channel_id, author_id, content,"
                " post_at, status, outbox_key, created_at, updated_at)"
                " VALUES (?, 1, 500, 9, 'hello', ?, ?, ?, ?, ?)",
                (number, WHEN, status, key, WHEN, WHEN),
            )
    finally:
        await conn.close()


async def test_an_older_announcement_keeps_its_one_row_and_is_never_crossposted(
    db_path: Path,
) -> None:
    """Queued before 0005: one copy in its channel, under its old key, crosspost settled."""
    await _version_4_database(db_path)
    async with await open_database(db_path) as db:
        (copy,) = await db.announcements.copies(1)
        assert (copy.channel_id, copy.outbox_key) == (500, "announcement:1")
        assert copy.crosspost == "before-crossposting"
        found = await db.announcements.get(1)
        assert found is not None
        assert found.session_id is None


async def test_an_older_draft_is_crossposted_when_it_is_sent(db_path: Path) -> None:
    """A draft from before 0005 gets a copy whose crosspost is still to be settled."""
    await _version_4_database(db_path)
    async with await open_database(db_path) as db:
        (copy,) = await db.announcements.copies(2)
        assert (copy.channel_id, copy.outbox_key, copy.crosspost) == (500, "announcement:2", None)


async def test_copies_keep_the_order_chosen(db_path: Path) -> None:
    """set_copies records the channels in order, each with its own outbox key."""
    async with await open_database(db_path) as db:
        found = await db.announcements.create(
            1, 30, 9, "hello", datetime(2021, 2, 24, 20, 55, tzinfo=UTC), status="draft"
        )
        await db.announcements.set_copies(found.id, [(30, "k:30"), (10, "k:10"), (20, "k:20")])
        copies = await db.announcements.copies(found.id)
        assert [(c.channel_id, c.outbox_key) for c in copies] == [
            (30, "k:30"),
            (10, "k:10"),
            (20, "k:20"),
        ]
        copy = await db.announcements.copy_by_key("k:10")
        assert copy is not None
        assert copy.position == 1
