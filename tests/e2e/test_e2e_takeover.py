"""Two `confbot run` on one PostgreSQL: one sends, the other stands by and takes over.

Both processes run on simulated clocks that agree (each starts where the other's would
be), as hosts kept in time by NTP would. The takeover time is 3 s (the least allowed),
except across a database restart: 10 s there, so the active outlives the outage and
must reconnect rather than hand over.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.config import Config, load_config
from bot.delivery import TEXT_KIND
from bot.storage.database import open_database
from confbot_dev.harness import build_conference_server
from confbot_dev.postgres import ThrowawayCluster
from confbot_dev.sandbox import Sandbox
from tests.bot.delivery.conftest import fast_limits
from tests.e2e.test_e2e_delivery_kill import plan_fan_out
from tests.e2e.test_e2e_delivery_kill import run_bot as run_killable_bot

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "examples" / "seed-conference.toml"
SUBSCRIBERS = 400
DUE = datetime(2021, 2, 24, 20, 50, tzinfo=UTC)
TIMEOUT = 30.0
PASSWORD_VARIABLE = "CONFBOT_TEST_DATABASE_PASSWORD"


def write_config(tmp_path: Path, url: str, takeover_seconds: float = 3) -> Path:
    """Write a config on the PostgreSQL ``url`` with a short takeover and a slow budget."""
    path = tmp_path / "config.toml"
    path.write_text(
        "[bot]\n"
        'log_level = "WARNING"\n'
        "[storage]\n"
        f"database = {url!r}\n"
        f"password_env = {PASSWORD_VARIABLE!r}\n"
        f"data_dir = {str(tmp_path)!r}\n"
        f"takeover_seconds = {takeover_seconds}\n"
        "[schedule]\n"
        f"source = {str(SEED)!r}\n"
        "[delivery]\n"
        "requests_per_second = 40\n"
        "dm_opens_per_minute = 100000\n",
        encoding="utf-8",
    )
    return path


async def run_bot(
    config: Path, sandbox: Sandbox, password: str, started: float
) -> asyncio.subprocess.Process:
    """Start `confbot run` on a simulated clock that agrees with the other process's."""
    now = DUE + timedelta(seconds=1 + time.monotonic() - started)
    return await run_killable_bot(
        config, sandbox, start=now, extra_environment={PASSWORD_VARIABLE: password}
    )


def load_with_password(config_path: Path, password: str) -> Config:
    """Load ``config_path``, its database password read from the environment as in ``run``."""
    os.environ[PASSWORD_VARIABLE] = password
    try:
        return load_config(config_path)
    finally:
        del os.environ[PASSWORD_VARIABLE]


async def test_a_standby_takes_over_a_killed_active_and_nobody_gets_two(
    tmp_path: Path, postgres_cluster: ThrowawayCluster
) -> None:
    """SIGKILL the active mid fan-out: the standby connects, finishes it, each DM once."""
    postgres_cluster.create_database("takeover")
    url = postgres_cluster.url("takeover", with_password=False)
    config_path = write_config(tmp_path, url)
    config = load_with_password(config_path, postgres_cluster.password)
    async with Sandbox(limits=fast_limits(), bot_name="confbot") as sandbox:
        server = build_conference_server(sandbox, config)
        users = [sandbox.add_member(server.guild, f"subscriber{n}") for n in range(SUBSCRIBERS)]
        await plan_fan_out(postgres_cluster.url("takeover"), [user.id for user in users])

        visible = 0
        reached = asyncio.Event()
        threshold = 40

        def count(message: dict[str, Any], edited: bool) -> None:
            nonlocal visible
            if not edited:
                visible += 1
                if visible >= threshold:
                    reached.set()

        stop_listening = sandbox.on_bot_message(count)
        started = time.monotonic()
        first = await run_bot(config_path, sandbox, postgres_cluster.password, started)
        second = None
        try:
            await asyncio.wait_for(reached.wait(), TIMEOUT)
            second = await run_bot(config_path, sandbox, postgres_cluster.password, started)
            threshold = visible + 120  # 3 s at 40/s: the standby has started and stands by
            reached.clear()
            await asyncio.wait_for(reached.wait(), TIMEOUT)
            identifies_before_kill = sandbox.gateway.identifies
            first.send_signal(signal.SIGKILL)
            assert await first.wait() == -signal.SIGKILL
            threshold = SUBSCRIBERS
            reached.clear()
            await asyncio.wait_for(reached.wait(), TIMEOUT)
        finally:
            stop_listening()
            for process in (first, second):
                if process is not None:
                    with contextlib.suppress(ProcessLookupError):
                        process.terminate()
                    await process.wait()

        assert identifies_before_kill == 1  # the standby never connected while A was active
        assert sandbox.gateway.identifies == 2
        for user in users:
            assert len(sandbox.dm_messages(user)) == 1, user.username
    async with await open_database(postgres_cluster.url("takeover")) as database:
        counts = (await database.outbox.counts())[TEXT_KIND]
    assert counts["sent"] == SUBSCRIBERS


async def test_a_database_restart_mid_fan_out_loses_and_repeats_nothing(
    tmp_path: Path, postgres_cluster: ThrowawayCluster
) -> None:
    """PostgreSQL restarts mid fan-out: a command meanwhile says busy; every DM lands once.

    Before the restart, /conference status names both live processes: the active one and
    the standby (which records itself at every try).

    The active keeps its lease through the outage (10 s takeover), reconnects and finishes:
    rows it was sending when the server went away are settled once it answers again, not
    left half-sent, and nothing is sent twice. The standby never connects.
    """
    postgres_cluster.create_database("restart")
    url = postgres_cluster.url("restart", with_password=False)
    config_path = write_config(tmp_path, url, takeover_seconds=10)
    config = load_with_password(config_path, postgres_cluster.password)
    async with Sandbox(limits=fast_limits(), bot_name="confbot") as sandbox:
        server = build_conference_server(sandbox, config)
        users = [sandbox.add_member(server.guild, f"subscriber{n}") for n in range(SUBSCRIBERS)]
        await plan_fan_out(postgres_cluster.url("restart"), [user.id for user in users])
        visible = 0
        reached = asyncio.Event()
        threshold = 40

        def count(message: dict[str, Any], edited: bool) -> None:
            nonlocal visible
            if not edited and int(message["channel_id"]) != server.channels["general"].id:
                visible += 1
                if visible >= threshold:
                    reached.set()

        stop_listening = sandbox.on_bot_message(count)
        started = time.monotonic()
        first = await run_bot(config_path, sandbox, postgres_cluster.password, started)
        second = None
        try:
            await asyncio.wait_for(reached.wait(), TIMEOUT)
            second = await run_bot(config_path, sandbox, postgres_cluster.password, started)
            threshold = visible + 80  # 2 s at 40/s: the standby has started and stands by
            reached.clear()
            await asyncio.wait_for(reached.wait(), TIMEOUT)
            status = await sandbox.invoke(
                server.members["moderator"], "conference status", {},
                channel=server.channels["general"], timeout=TIMEOUT,
            )  # fmt: skip
            await asyncio.to_thread(postgres_cluster.stop_server)
            try:
                during = await sandbox.invoke(
                    server.members["alice"], "timezone set", {"zone": "Sydney"},
                    channel=server.channels["general"], timeout=TIMEOUT,
                )  # fmt: skip
            finally:
                await asyncio.to_thread(postgres_cluster.start_server)
            threshold = SUBSCRIBERS
            reached.clear()
            await asyncio.wait_for(reached.wait(), TIMEOUT)
            after = await sandbox.invoke(
                server.members["alice"], "timezone set", {"zone": "Sydney"},
                channel=server.channels["general"], timeout=TIMEOUT,
            )  # fmt: skip
        finally:
            stop_listening()
            identifies = sandbox.gateway.identifies
            for process in (second, first):  # the standby first: it must not take over now
                if process is not None:
                    with contextlib.suppress(ProcessLookupError):
                        process.terminate()
                    await process.wait()

        host = socket.gethostname()  # instances are host:pid
        assert f"· standing by: `{host}:{second.pid}`" in status.content
        assert f"Active instance: `{host}:{first.pid}`, for 0 h 00 min" in status.content
        assert (during.content, during.ephemeral) == (
            "The bot is busy; try again in a moment.",
            True,
        )
        assert "Sydney" in after.content
        assert first.returncode == 0  # it kept the lease: stopped by us, not by losing it
        assert identifies == 1  # the active kept its session; the standby never connected
        for user in users:
            assert len(sandbox.dm_messages(user)) == 1, user.username
    async with await open_database(postgres_cluster.url("restart")) as database:
        counts = (await database.outbox.counts())[TEXT_KIND]
    assert counts["sent"] == SUBSCRIBERS
