"""``confbot demo``: the sandbox, the conference server and the real bot in one process."""

from __future__ import annotations

import argparse
import asyncio
import logging
import math
import os
import sys
import tempfile
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime
from pathlib import Path

from bot.cli_common import config_path
from bot.config import Config, WebConfig, load_config
from bot.errors import ConfigError, DatabaseVersionError
from confbot_dev.demo.console import LineReader, Output
from confbot_dev.demo.keep import DemoHarness, KeptWorld
from confbot_dev.demo.logs import demo_logging
from confbot_dev.demo.render import Style
from confbot_dev.demo.script import EARLIEST, LATEST
from confbot_dev.demo.session import DemoSession
from confbot_dev.harness import default_start, harness_config
from confbot_dev.sandbox import Limits

# How long to wait for the bot to answer one action; a test may shorten it.
TIMEOUT_VARIABLE = "CONFBOT_DEMO_TIMEOUT"
DEFAULT_TIMEOUT = 10.0
# Beyond this the simulated clock would outrun any calendar in a few hours of real time.
MAX_SPEED = 10_000.0


def parse_at(text: str) -> datetime:
    """Return the instant ``text`` names in ISO 8601; without an offset it is UTC.

    :raises ValueError: with a message naming the expected form or the allowed span.
    """
    try:
        instant = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"--at {text!r} is not an ISO date-time; "
            "try 2021-02-24T13:45 (UTC) or 2021-02-24T08:45-05:00"
        ) from None
    instant = instant if instant.tzinfo is not None else instant.replace(tzinfo=UTC)
    if not EARLIEST <= instant < LATEST:
        raise ValueError(
            f"--at {text!r} is outside the span the demo can show "
            f"({EARLIEST:%Y-%m-%d} to {LATEST:%Y-%m-%d} UTC)"
        )
    return instant


def parse_speed(text: str | float) -> float:
    """Return the clock speed ``text`` names if the simulated clock can run at it.

    :raises ValueError: it is not a number, negative, infinite or absurdly fast.
    """
    try:
        speed = float(text)
    except ValueError:
        raise ValueError(f"--speed {text!r} is not a number; try 0, 1 or 60") from None
    if not math.isfinite(speed) or not 0 <= speed <= MAX_SPEED:
        raise ValueError(
            f"--speed {text!r}: give a number from 0 (a stopped clock) to {MAX_SPEED:g}"
        )
    return speed


def run_demo(args: argparse.Namespace) -> int:
    """Run the demo with the parsed ``confbot demo`` arguments; return the exit status."""
    try:
        start = parse_at(args.at) if args.at else None
        speed = parse_speed(args.speed)
        timeout = _timeout()
    except ValueError as error:
        print(f"confbot: {error}", file=sys.stderr)
        return 2
    try:
        base = load_config(config_path(args.config))
    except ConfigError as error:
        _print_problems(error.problems)
        return 1
    with _data_dir(args.data_dir) as data_dir:
        config = harness_config(Path(data_dir), schedule=args.schedule, base=base)
        if config.web is None:  # the demo serves feeds and agenda pages on loopback anyway
            config = config.model_copy(update={"web": WebConfig(listen="127.0.0.1", port=0)})
        # The demo shows the event list: the mirror is on (its sandbox grants Create Events).
        config = config.model_copy(
            update={"events": config.events.model_copy(update={"enabled": True})}
        )
        kept = KeptWorld.load(Path(data_dir))
        try:
            # --at wins; else the clock goes on from where the last run on this data dir left it.
            start = start or kept.clock or default_start(config)
        except (ConfigError, ValueError) as error:
            _print_problems(getattr(error, "problems", [str(error)]))
            return 1
        try:
            return asyncio.run(_serve(config, Path(data_dir), start, speed, args, timeout, kept))
        except KeyboardInterrupt:
            print(file=sys.stdout, flush=True)
            return 0
        except (ConfigError, DatabaseVersionError, OSError) as error:
            print(f"confbot: {error}", file=sys.stderr)
            return 1


async def _serve(
    config: Config,
    data_dir: Path,
    start: datetime,
    speed: float,
    args: argparse.Namespace,
    timeout: float,
    kept: KeptWorld,
) -> int:
    harness = DemoHarness(
        config, start=start, speed=speed, limits=Limits(wait_timeout=timeout), kept=kept
    )
    interactive = sys.stdin.isatty()
    style = Style.for_stream(sys.stdout)
    output = Output(sys.stdout, interactive=interactive)
    logs = demo_logging(
        harness.clock,
        data_dir,
        output,
        style,
        verbose=args.verbose,
        secrets=[harness.sandbox.bot_token],
    )
    logging.getLogger("discord.client").addFilter(_not_about_voice)
    try:
        with logs:
            async with harness:
                session = DemoSession(harness, output, style, timeout=timeout)
                try:
                    output.print(_banner(session, speed))
                    await session.show(harness.sent_while_starting())
                    await _converse(session, output, interactive=interactive)
                finally:
                    await session.close()
            harness.kept().save(data_dir)  # once the bot is closed: nothing changes after
    finally:
        if args.transcript:  # the sandbox's throwaway token, redacted all the same
            token = harness.sandbox.bot_token
            output.print(harness.sandbox.transcript.format().replace(token, "[redacted]"))
    return 0


async def _converse(session: DemoSession, output: Output, *, interactive: bool) -> None:
    reader = LineReader(interactive=interactive)
    try:
        while True:
            prompt = session.prompt
            output.prompt = prompt if interactive else None
            line = await reader.read(prompt)
            output.prompt = None
            if line is None:
                if interactive:
                    output.print("")
                return
            if not interactive and line.strip() and not line.lstrip().startswith("#"):
                output.print(session.style.dim(prompt) + line)
            if not await session.run_line(line):
                return
    finally:
        reader.close()


def _banner(session: DemoSession, speed: float) -> str:
    bot = session.harness.bot
    name = bot.services.schedule.schedule.conference.name if bot is not None else "confbot"
    pace = "stopped" if speed == 0 else f"{speed:g}x real time"
    now = session.harness.clock.now()
    banner = session.style.header(
        f"confbot demo: {name} | simulated time {now:%a %d %b %Y %H:%M} UTC ({pace})"
        " | type :help for help, :quit to leave"
    )
    web = bot.services.web if bot is not None else None
    if web is not None:  # feeds and pages are served on loopback (or [web]'s address)
        banner += "\n" + session.style.dim(
            f"calendar feeds and agenda pages at {web.public_url}"
            " (/agenda subscribe gives your links)"
        )
    return banner


def _not_about_voice(record: logging.LogRecord) -> bool:
    """Drop discord.py's "voice will NOT be supported" warnings: the demo has no voice."""
    return "voice will NOT be supported" not in record.getMessage()


def _timeout() -> float:
    raw = os.environ.get(TIMEOUT_VARIABLE, "").strip()
    if not raw:
        return DEFAULT_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{TIMEOUT_VARIABLE}={raw!r} is not a number of seconds") from None
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{TIMEOUT_VARIABLE} must be a finite number of seconds above 0")
    return value


def _data_dir(explicit: Path | None) -> AbstractContextManager[str]:
    if explicit is None:
        return tempfile.TemporaryDirectory(prefix="confbot-demo-")
    explicit.mkdir(parents=True, exist_ok=True)
    return nullcontext(str(explicit))


def _print_problems(problems: list[str]) -> None:
    for problem in problems:
        print(f"confbot: {problem}", file=sys.stderr)
