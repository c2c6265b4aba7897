"""The bot on PostgreSQL: the same answers as on SQLite; "busy" while the server is down."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Config
from confbot_dev.harness import ConferenceHarness
from confbot_dev.postgres import ThrowawayCluster
from confbot_dev.sandbox.state import InteractionResult

BUSY = "The bot is busy; try again in a moment."
PASSWORD_VARIABLE = "CONFBOT_TEST_DATABASE_PASSWORD"


@pytest.fixture
async def pg_harness(
    seed_config: Config,
    postgres_cluster: ThrowawayCluster,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> AsyncIterator[ConferenceHarness]:
    """The conference harness with its database in PostgreSQL (password from the environment)."""
    name = "bot_" + "".join(char if char.isalnum() else "_" for char in tmp_path.name[-40:])
    postgres_cluster.create_database(name)
    url = postgres_cluster.url(name, with_password=False)
    monkeypatch.setenv(PASSWORD_VARIABLE, postgres_cluster.password)
    storage = seed_config.storage.model_copy(
        update={"database": url, "password_env": PASSWORD_VARIABLE, "data_dir": tmp_path}
    )
    config = seed_config.model_copy(update={"storage": storage})
    async with ConferenceHarness(config) as started:
        yield started
        assert started.sandbox.rejections == [], "the bot sent requests Discord would reject"


async def _invoke(
    harness: ConferenceHarness, member: str, command: str, options: dict[str, object]
) -> InteractionResult:
    return await harness.sandbox.invoke(
        harness.member(member), command, options, channel=harness.channel("general")
    )


async def test_reminders_and_status_work_on_postgresql(pg_harness: ConferenceHarness) -> None:
    """/remind stores a reminder in PostgreSQL and /conference status counts it."""
    assert pg_harness.bot is not None
    assert pg_harness.bot.services.database.dialect == "postgresql"
    session = pg_harness.bot.services.schedule.sessions[0]
    reply = await _invoke(pg_harness, "alice", "remind", {"session": session.id})
    assert reply.ephemeral
    status = await _invoke(pg_harness, "moderator", "conference status", {})
    lines = status.content.splitlines()
    assert "Sessions: 1 · subscriptions: 1" in lines
    assert "Reminders: 1 / 0 / 0 / 0 / 0" in lines


async def test_a_command_while_postgresql_is_down_says_busy(
    pg_harness: ConferenceHarness,
    postgres_cluster: ThrowawayCluster,
) -> None:
    """With the server down, /timezone set says busy (ephemeral); once it is back, it works."""
    assert pg_harness.bot is not None
    await pg_harness.bot.services.database.set_busy_timeout(200)
    postgres_cluster.stop_server()
    try:
        reply = await _invoke(pg_harness, "alice", "timezone set", {"zone": "Sydney"})
    finally:
        postgres_cluster.start_server()
    assert (reply.content, reply.ephemeral) == (BUSY, True)
    again = await _invoke(pg_harness, "alice", "timezone set", {"zone": "Sydney"})
    assert again.content != BUSY
    assert "Sydney" in again.content
