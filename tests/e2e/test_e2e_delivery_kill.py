"""`confbot run` killed mid fan-out, 20 times, on one database: everyone gets one message.

The bot runs as a subprocess on a simulated clock (the hidden ``CONFBOT_SIMULATED_START``
run option) against a sandbox whose limits are raised, so the test stays fast.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
import sys
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.clock import SimulatedClock
from bot.config import load_config
from bot.delivery import TEXT_KIND, DeliveryEngine
from bot.scheduler import KeyedScheduler
from bot.storage.database import open_database
from bot.storage.repositories.outbox import STATUSES
from confbot_dev.harness import build_conference_server
from confbot_dev.sandbox import Sandbox
from tests.bot.delivery.conftest import fast_limits

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "examples" / "seed-conference.toml"
SUBSCRIBERS = 1000
KILLS = 20
DUE = datetime(2021, 2, 24, 20, 50, tzinfo=UTC)
TIMEOUT = 30.0


def write_config(tmp_path: Path, budget: float = 400.0) -> Path:
    """Write a config with the seed schedule, a database in ``tmp_path`` and a fast budget."""
    path = tmp_path / "config.toml"
    path.write_text(
        "[bot]\n"
        'log_level = "WARNING"\n'
        "[storage]\n"
        f"database = {str(tmp_path / 'confbot.db')!r}\n"
        "[schedule]\n"
        f"source = {str(SEED)!r}\n"
        "[delivery]\n"
        f"requests_per_second = {budget}\n"
        "max_concurrent_sends = 40\n"
        "dm_opens_per_minute = 100000\n",
        encoding="utf-8",
    )
    return path


async def plan_fan_out(database_path: Path | str, user_ids: list[int]) -> None:
    """Write one outbox row per subscriber through the engine's public API."""
    clock = SimulatedClock(DUE, speed=0)
    async with await open_database(database_path) as database:
        engine = DeliveryEngine(database, KeyedScheduler(clock), clock)
        rows = [
            engine.message(
                f"{TEXT_KIND}:keynote:{user_id}",
                TEXT_KIND,
                DUE,
                {"content": f"The keynote starts in 10 minutes ({user_id})."},
                deadline_at=DUE + timedelta(days=1),
                target_user_id=user_id,
            )
            for user_id in user_ids
        ]
        assert await engine.enqueue_many(rows) == len(user_ids)


async def run_bot(
    config: Path,
    sandbox: Sandbox,
    *,
    start: datetime | None = None,
    log: Path | None = None,
    extra_environment: Mapping[str, str] | None = None,
) -> asyncio.subprocess.Process:
    """Start `confbot run` on a simulated clock at ``start`` (just after the due time).

    With ``log``, the process's output is appended to that file (to read after a failure);
    ``extra_environment`` is added to its environment (a database password).
    """
    environment = {
        **os.environ,
        **sandbox.env(),
        **(extra_environment or {}),
        "CONFBOT_SIMULATED_START": (start or DUE + timedelta(seconds=1)).isoformat(),
    }
    output = log.open("ab") if log is not None else None
    try:
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            "--config",
            str(config),
            env=environment,
            cwd=REPO,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=output or asyncio.subprocess.DEVNULL,
            stderr=output or asyncio.subprocess.DEVNULL,
        )
    finally:
        if output is not None:
            output.close()


async def test_sigkill_mid_fan_out_twenty_times_delivers_everyone_exactly_once(
    tmp_path: Path,
) -> None:
    """20 SIGKILLs mid fan-out and restarts: each of 1,000 subscribers sees one DM."""
    config_path = write_config(tmp_path)
    limits = fast_limits()
    chooser = random.Random(9)
    async with Sandbox(limits=limits, bot_name="confbot") as sandbox:
        server = build_conference_server(sandbox, load_config(config_path))
        users = [sandbox.add_member(server.guild, f"subscriber{n}") for n in range(SUBSCRIBERS)]
        await plan_fan_out(tmp_path / "confbot.db", [user.id for user in users])

        visible = 0
        target = asyncio.Event()
        threshold = 0

        def count(message: dict[str, Any], edited: bool) -> None:
            nonlocal visible
            if not edited:
                visible += 1
                if visible >= threshold:
                    target.set()

        stop_listening = sandbox.on_bot_message(count)
        try:
            for _ in range(KILLS):
                threshold = min(visible + chooser.randint(5, 40), SUBSCRIBERS)
                target.clear()
                process = await run_bot(config_path, sandbox)
                await asyncio.wait_for(target.wait(), TIMEOUT)
                process.send_signal(signal.SIGKILL)
                assert await process.wait() == -signal.SIGKILL
            killed_at = visible
            threshold = SUBSCRIBERS
            target.clear()
            process = await run_bot(config_path, sandbox)
            try:
                await asyncio.wait_for(target.wait(), TIMEOUT)
            finally:
                with contextlib.suppress(ProcessLookupError):
                    process.terminate()
                status = await process.wait()
        finally:
            stop_listening()

        assert killed_at < SUBSCRIBERS  # the last run still had work left
        assert status == 0
        for user in users:
            assert len(sandbox.dm_messages(user)) == 1, user.username
        raw_sends = sandbox.transcript.requests(
            method="POST", route="/channels/{channel_id}/messages"
        )
        assert len(raw_sends) >= SUBSCRIBERS
    async with await open_database(tmp_path / "confbot.db") as database:
        assert await database.integrity_ok()
        counts = (await database.outbox.counts())[TEXT_KIND]
    assert counts["sent"] == SUBSCRIBERS
    assert sum(counts[status] for status in STATUSES) == SUBSCRIBERS


async def test_sigterm_mid_fan_out_drains_and_the_next_run_finishes(tmp_path: Path) -> None:
    """SIGTERM during a fan-out: exit 0, no row left half-sent; a restart sends the rest once."""
    config_path = write_config(tmp_path, budget=50.0)
    limits = fast_limits()
    async with Sandbox(limits=limits, bot_name="confbot") as sandbox:
        server = build_conference_server(sandbox, load_config(config_path))
        users = [sandbox.add_member(server.guild, f"subscriber{n}") for n in range(200)]
        await plan_fan_out(tmp_path / "confbot.db", [user.id for user in users])
        first = asyncio.Event()
        stop_listening = sandbox.on_bot_message(lambda message, edited: first.set())
        process = await run_bot(config_path, sandbox)
        try:
            await asyncio.wait_for(first.wait(), TIMEOUT)
            process.terminate()
            assert await asyncio.wait_for(process.wait(), TIMEOUT) == 0
        finally:
            stop_listening()
        delivered = sum(len(sandbox.dm_messages(user)) for user in users)
        async with await open_database(tmp_path / "confbot.db") as database:
            counts = (await database.outbox.counts())[TEXT_KIND]
        assert counts["sending"] == 0
        assert counts["sent"] == delivered
        assert counts["pending"] == len(users) - delivered  # returned untried, not failed
        assert 0 < delivered < len(users)

        done = asyncio.Event()
        stop_listening = sandbox.on_bot_message(
            lambda message, edited: (
                done.set() if all(sandbox.dm_messages(user) for user in users) else None
            )
        )
        process = await run_bot(config_path, sandbox)
        try:
            await asyncio.wait_for(done.wait(), TIMEOUT)
        finally:
            stop_listening()
            process.terminate()
            await process.wait()
        assert all(len(sandbox.dm_messages(user)) == 1 for user in users)
