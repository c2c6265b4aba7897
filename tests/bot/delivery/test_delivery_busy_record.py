"""The record after a confirmed send waits for a busy database: delivered is never failed."""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from bot.delivery.records import log as records_log
from confbot_dev.harness import ConferenceHarness

from .conftest import engine_of
from .test_delivery_engine import enqueue_text, status_of

TEXT = "Recorded anyway"


class LockUntilTheBotWaits(logging.Handler):
    """Take the database's write lock when Discord stores the DM; free it once the bot waits.

    Another process (a backup) holds the lock from the moment the message is stored until
    the bot says it is waiting for it: the write after the confirmed send meets the lock.
    """

    def __init__(self, path: str) -> None:
        super().__init__(logging.WARNING)
        self.path = path
        self.holder: sqlite3.Connection | None = None
        self.held = 0

    def take(self, message: dict[str, Any], edited: bool) -> None:
        if message.get("content") == TEXT and self.holder is None and not self.held:
            self.holder = sqlite3.connect(self.path, isolation_level=None, timeout=0)
            self.holder.execute("BEGIN IMMEDIATE")
            self.holder.execute("INSERT INTO meta (key, value) VALUES ('held by', 'backup')")
            self.held += 1

    def emit(self, record: logging.LogRecord) -> None:
        if self.holder is not None:
            self.holder.execute("ROLLBACK")
            self.holder.close()
            self.holder = None


async def test_a_delivered_dm_is_recorded_sent_after_the_lock_is_freed(
    fast: ConferenceHarness,
) -> None:
    """A DM Discord stored while another process held the database ends sent, not failed."""
    assert fast.bot is not None
    database = fast.bot.services.database
    await database.set_busy_timeout(20)
    lock = LockUntilTheBotWaits(str(fast.config.storage.database))
    stop = fast.sandbox.on_bot_message(lock.take)
    records_log.addHandler(lock)
    try:
        await enqueue_text(fast, "text:busy", "alice", TEXT)
        await engine_of(fast).deliver_due()
    finally:
        records_log.removeHandler(lock)
        stop()
        lock.emit(logging.makeLogRecord({}))
    assert lock.held == 1
    messages = fast.sandbox.dm_messages(fast.member("alice"))
    assert [m["content"] for m in messages] == [TEXT]
    item = await status_of(fast, "text:busy")
    assert (item.status, item.discord_message_id) == ("sent", int(messages[0]["id"]))
    counts = (await engine_of(fast).delivery_counts())["text"]
    assert (counts.sent, counts.failed) == (1, 0)
