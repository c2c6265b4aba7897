"""Starting and stopping the bot: command sync, unexpected errors, a newer database."""

from __future__ import annotations

import logging
import re
import sqlite3
from typing import TYPE_CHECKING

import pytest

from bot.app import ALL_EXTENSIONS
from bot.config import Config
from bot.errors import DatabaseVersionError
from confbot_dev.harness import ConferenceHarness

if TYPE_CHECKING:
    from tests.conftest import ErrorCollector


def command_puts(harness: ConferenceHarness) -> int:
    """Return how many times the bot overwrote its application commands."""
    return len(harness.sandbox.transcript.requests(method="PUT", path_contains="/commands"))


async def test_commands_sync_only_when_they_change(seed_config: Config) -> None:
    """The first start registers the commands; a restart with the same ones does not."""
    # Each harness has a new sandbox and forces a sync by default; here the hash decides.
    async with ConferenceHarness(seed_config, force_sync=False) as first:
        assert first.bot is not None
        assert first.bot.commands_synced
        assert command_puts(first) == 1
    async with ConferenceHarness(seed_config, force_sync=False) as second:
        assert second.bot is not None
        assert not second.bot.commands_synced
        assert command_puts(second) == 0
    fewer = ("cogs.meta",)
    async with ConferenceHarness(seed_config, extensions=fewer, force_sync=False) as changed:
        assert command_puts(changed) == 1


async def test_unexpected_error_shows_a_code_that_is_in_the_log(
    seed_config: Config,
    bot_logs_no_errors: ErrorCollector,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A bug gets a short error code, privately; the log has the same code and traceback."""
    bot_logs_no_errors.allow("unexpected error")
    extensions = (*ALL_EXTENSIONS, "tests.support.broken_cog")
    async with ConferenceHarness(seed_config, extensions=extensions) as harness:
        reply = await harness.sandbox.invoke(
            harness.member("alice"), "boom", channel=harness.channel("general")
        )
    assert reply.ephemeral
    match = re.search(r"error code ([0-9A-F]{6})", reply.content)
    assert match is not None, reply.content
    assert "a bug in a command" not in reply.content
    logged = [
        r for r in caplog.records if r.levelno == logging.ERROR and match[1] in r.getMessage()
    ]
    assert len(logged) == 1
    assert logged[0].exc_info is not None


async def test_a_newer_database_refuses_to_start(seed_config: Config) -> None:
    """A database written by a newer confbot stops the start with a clear message."""
    seed_config.storage.database.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(seed_config.storage.database) as connection:
        connection.execute("PRAGMA user_version = 99")
    harness = ConferenceHarness(seed_config)
    try:
        with pytest.raises(DatabaseVersionError, match="newer confbot"):
            await harness.start()
    finally:
        await harness.stop()
