"""The database away mid send (a PostgreSQL restart, here a SQLite write lock): nothing resent.

A message Discord created while the outbox could not be written is recorded as sent once
the database answers again, not sent a second time.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web

from bot.config import Config
from bot.delivery import TEXT_KIND
from confbot_dev.harness import ConferenceHarness
from confbot_dev.sandbox.server import Handler

from .conftest import engine_of, fast_config, fast_limits, message_posts


class WriteLock:
    """Another process's write lock on the bot's SQLite file, taken and given back on cue."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.armed = False
        self.taken = 0
        self._held: sqlite3.Connection | None = None

    @web.middleware
    async def after_a_send(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Take the lock once Discord created a message, before the bot hears it did."""
        response = await handler(request)
        if self.armed and request.method == "POST" and request.path.endswith("/messages"):
            self.armed = False
            self._held = sqlite3.connect(self.path, isolation_level=None, timeout=0)
            self._held.execute("BEGIN IMMEDIATE")
            self.taken += 1
        return response

    def give_back(self) -> None:
        if self._held is not None:
            self._held.execute("ROLLBACK")
            self._held.close()
            self._held = None


class GiveBackWhenWaiting(logging.Handler):
    """Give the lock back when the engine says it waits to record an outcome."""

    def __init__(self, lock: WriteLock) -> None:
        super().__init__(level=logging.WARNING)
        self.write_lock = lock  # not ``lock``: logging.Handler has one of its own
        self.waits = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "waits for the database" in record.getMessage():
            self.waits += 1
            self.write_lock.give_back()


@pytest.fixture
def lock(seed_config: Config) -> Iterator[WriteLock]:
    held = WriteLock(Path(seed_config.storage.database))
    yield held
    held.give_back()


async def test_a_message_sent_while_the_outbox_is_locked_is_recorded_not_resent(
    seed_config: Config, lock: WriteLock
) -> None:
    """The write lock arrives between Discord's answer and the outbox's "sent": one request."""
    config = fast_config(seed_config)
    waiting = GiveBackWhenWaiting(lock)
    settle_log = logging.getLogger("bot.delivery.records")
    settle_log.addHandler(waiting)
    try:
        async with ConferenceHarness(
            config, limits=fast_limits(), observers=[lock.after_a_send]
        ) as harness:
            assert harness.bot is not None
            database = harness.bot.services.database
            await database.set_busy_timeout(50)
            engine = engine_of(harness)
            alice = harness.member("alice")
            await engine.enqueue(
                "text:outage:alice", TEXT_KIND, harness.clock.now(), {"content": "Hello"},
                target_user_id=alice.id,
            )  # fmt: skip
            lock.armed = True
            await engine.deliver_due()
            await engine.deliver_due()
            (message,) = harness.sandbox.dm_messages(alice)
            row = await database.outbox.get("text:outage:alice")
            posts = message_posts(harness)
    finally:
        settle_log.removeHandler(waiting)
    assert (lock.taken, waiting.waits) == (1, 1)
    assert len(posts) == 1  # Discord was asked once: the answer was kept, not resent
    assert row is not None
    assert (row.status, row.discord_message_id) == ("sent", int(message["id"]))
