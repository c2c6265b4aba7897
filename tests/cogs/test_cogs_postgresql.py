"""The bot on PostgreSQL: the same answers as on SQLite; "busy" while the server is down."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.config import Config
from bot.storage.copy import copy_database
from bot.storage.repositories.leases import ACTIVE_LEASE
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


async def test_status_names_the_active_instance_and_the_standbys(
    pg_harness: ConferenceHarness,
) -> None:
    """/conference status says who holds the lease, for how long, and who stands by."""
    assert pg_harness.bot is not None
    database, clock = pg_harness.bot.services.database, pg_harness.clock
    now = clock.now()
    await database.leases.take(ACTIVE_LEASE, "host-a:1", now, now + timedelta(seconds=30))
    await database.leases.seen("host-a:1", now)
    await database.leases.seen("host-b:2", now)
    clock.advance(timedelta(minutes=2, seconds=10))
    await database.leases.take(
        ACTIVE_LEASE, "host-a:1", clock.now(), clock.now() + timedelta(seconds=30)
    )
    await database.leases.seen("host-a:1", clock.now())
    await database.leases.seen("host-b:2", clock.now())
    await database.leases.seen("host-c:3", now)  # last seen long ago: gone
    lines = (await _invoke(pg_harness, "moderator", "conference status", {})).content.splitlines()
    assert "Active instance: `host-a:1`, for 0 h 02 min · standing by: `host-b:2`" in lines
    assert "Database: PostgreSQL" in lines


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


async def test_a_copy_into_postgresql_answers_as_the_original(
    harness: ConferenceHarness, postgres_url: str
) -> None:
    """After copy-database into PostgreSQL, /agenda and /conference status say what they said."""
    assert harness.bot is not None
    session = harness.bot.services.schedule.sessions[0]
    await _invoke(harness, "alice", "timezone set", {"zone": "Sydney"})
    await _invoke(harness, "alice", "remind", {"session": session.id})
    await _invoke(harness, "bob", "remind", {"session": session.id})
    before = await _answers(harness)
    await copy_database(harness.config.storage.database, postgres_url)
    storage = harness.config.storage.model_copy(update={"database": postgres_url})
    harness.config = harness.config.model_copy(update={"storage": storage})
    bot = await harness.restart_bot()
    assert bot.services.database.dialect == "postgresql"
    assert await _answers(harness) == before
    assert "Sessions: 1 · subscriptions: 2" in before[1]
    assert before[0].startswith("Next: **Ending forced organ harvesting")
    assert before[2], "the agenda shows the session as a card"


async def _answers(harness: ConferenceHarness) -> tuple[str, list[str], list[object]]:
    """Return alice's /agenda show (text and cards) and the status lines that count things."""
    agenda = await _invoke(harness, "alice", "agenda show", {})
    status = await _invoke(harness, "moderator", "conference status", {})
    counted = [
        line
        for line in status.content.splitlines()
        if line.startswith(("Sessions:", "Reminders:", "Next due:"))
    ]
    return agenda.content, counted, list(agenda.embeds)
