"""`confbot run` as a real subprocess, connected to a sandbox started by the test."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.config import load_config
from confbot_dev.harness import ConferenceServer, build_conference_server
from confbot_dev.sandbox import Sandbox

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "examples" / "seed-conference.toml"
CONFERENCE = "Online conference on forced organ harvesting in China"
STARTUP_TIMEOUT = 20.0


@dataclass
class BotProcess:
    """The sandbox, its conference server, and the bot process connected to it."""

    sandbox: Sandbox
    server: ConferenceServer
    process: asyncio.subprocess.Process
    stderr: asyncio.Task[bytes]

    async def stop(self) -> int:
        """Terminate the bot (if still running) and return its exit status."""
        if self.process.returncode is None:
            self.process.terminate()
        return await asyncio.wait_for(self.process.wait(), STARTUP_TIMEOUT)


def write_config(tmp_path: Path) -> Path:
    """Write a config with the seed schedule and a database in ``tmp_path``."""
    path = tmp_path / "config.toml"
    path.write_text(
        "[bot]\n"
        'log_level = "INFO"\n'
        "[storage]\n"
        f"database = {str(tmp_path / 'confbot.db')!r}\n"
        "[schedule]\n"
        f"source = {str(SEED)!r}\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
async def bot_process(tmp_path: Path) -> AsyncIterator[BotProcess]:
    """Start a sandbox, then `python -m bot run` against it; wait until it is connected."""
    config_path = write_config(tmp_path)
    async with Sandbox(bot_name="confbot") as sandbox:
        server = build_conference_server(sandbox, load_config(config_path))
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            "--config",
            str(config_path),
            env={**os.environ, **sandbox.env()},
            cwd=REPO,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        assert process.stderr is not None
        running = BotProcess(sandbox, server, process, asyncio.create_task(process.stderr.read()))
        try:
            await sandbox.commands_registered(timeout=STARTUP_TIMEOUT)
            await sandbox.wait_until_ready(timeout=STARTUP_TIMEOUT)
            yield running
        finally:
            await running.stop()
            with contextlib.suppress(asyncio.CancelledError):
                await running.stderr


async def test_subprocess_bot_answers_about(bot_process: BotProcess) -> None:
    """The bot in another process answers /about with the conference name."""
    reply = await bot_process.sandbox.invoke(
        bot_process.server.members["alice"],
        "about",
        channel=bot_process.server.channels["general"],
    )
    assert CONFERENCE in reply.content


async def test_subprocess_bot_exits_when_terminated(bot_process: BotProcess) -> None:
    """SIGTERM ends the bot process cleanly: it drains its deliveries and exits with 0."""
    assert await bot_process.stop() == 0
    assert "draining deliveries" in (await bot_process.stderr).decode()


async def test_subprocess_bot_keeps_its_token_out_of_stderr(bot_process: BotProcess) -> None:
    """The bot logs to stderr (the command sync shows it) but never its token."""
    await bot_process.sandbox.invoke(bot_process.server.members["bob"], "about")
    await bot_process.stop()
    logged = (await bot_process.stderr).decode()
    assert "synced" in logged
    assert bot_process.sandbox.bot_token not in logged
