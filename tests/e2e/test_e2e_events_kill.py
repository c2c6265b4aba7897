"""`confbot run` killed while it mirrors a 1,000-session programme: each event is made once.

The bot runs as a subprocess on a simulated clock against a sandbox with raised limits;
it is SIGKILLed a few times while it creates the window's events, then runs to the end.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import signal
from collections import Counter
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from bot.config import load_config
from bot.events.plan import in_window
from bot.schedule.native_dump import write_native_schedule
from confbot_dev.generate import generate_schedule
from confbot_dev.harness import build_conference_server
from confbot_dev.sandbox import Limits, RouteLimit, Sandbox
from confbot_dev.sandbox.scheduled_events import ScheduledEvent
from tests.e2e.test_e2e_delivery_kill import run_bot

KILLS = 5
CAP = 80
TIMEOUT = 60.0


async def wait_or_show(reached: asyncio.Event, log: Path) -> None:
    """Wait for ``reached``; past :data:`TIMEOUT`, fail with the end of the bot's log."""
    try:
        await asyncio.wait_for(reached.wait(), TIMEOUT)
    except TimeoutError:
        tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-60:]
        raise AssertionError(
            "the bot made no progress; its log ends:\n" + "\n".join(tail)
        ) from None


async def test_sigkill_while_mirroring_creates_each_event_once(tmp_path: Path) -> None:
    """5 SIGKILLs mid-mirror and a last run: the window's 80 sessions, one event each."""
    generated = generate_schedule(sessions=1000, tracks=10, days=3, seed=4)
    speakers = tuple(replace(s, discord_user_id=None) for s in generated.speakers)
    schedule = replace(generated, speakers=speakers)
    source = write_native_schedule(schedule, tmp_path / "big.json")
    start = min(s.start for s in schedule.sessions) - timedelta(hours=1)
    config_path = tmp_path / "config.toml"
    log = tmp_path / "bot.log"
    config_path.write_text(
        "[bot]\n"
        'log_level = "WARNING"\n'
        "[storage]\n"
        f"database = {str(tmp_path / 'confbot.db')!r}\n"
        "[schedule]\n"
        f"source = {str(source)!r}\n"
        "[delivery]\n"
        "requests_per_second = 60\n"
        "[events]\n"
        "enabled = true\n"
        f"cap = {CAP}\n",
        encoding="utf-8",
    )
    limits = Limits(global_per_second=100_000, routes={}, default_route=RouteLimit(100_000, 1.0))
    chooser = random.Random(5)
    async with Sandbox(limits=limits, bot_name="confbot") as sandbox:
        server = build_conference_server(sandbox, load_config(config_path))
        made = 0
        target = asyncio.Event()
        threshold = 0

        def count(_event: ScheduledEvent) -> None:
            nonlocal made
            made += 1
            if made >= threshold:
                target.set()

        stop_listening = sandbox.bus.subscribe("scheduled_event_create", count)
        try:
            for _ in range(KILLS):
                threshold = min(made + chooser.randint(3, 12), CAP)
                target.clear()
                process = await run_bot(config_path, sandbox, start=start, log=log)
                await wait_or_show(target, log)
                process.send_signal(signal.SIGKILL)
                assert await process.wait() == -signal.SIGKILL
            killed_at = made
            threshold = CAP
            target.clear()
            process = await run_bot(config_path, sandbox, start=start, log=log)
            try:
                await wait_or_show(target, log)
            finally:
                with contextlib.suppress(ProcessLookupError):
                    process.terminate()
                await process.wait()
        finally:
            stop_listening()
        assert killed_at < CAP
        events = sandbox.scheduled_events.in_guild(server.guild)
        per_session = Counter(event.description for event in events)
        assert max(per_session.values()) == 1
        expected = in_window(schedule.sessions, start, timedelta(hours=48), CAP)
        assert sorted(event.name for event in events) == sorted(s.title[:100] for s in expected)
