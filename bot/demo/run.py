"""``confbot demo``: the sandbox, the conference server and the real bot in one process."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import tempfile
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime
from pathlib import Path

from bot.config import Config, load_config
from bot.demo.console import LineReader, Output
from bot.demo.render import Style
from bot.demo.session import DemoSession
from bot.errors import ConfigError, DatabaseVersionError
from bot.harness import ConferenceHarness, default_start, harness_config
from bot.logging_config import configure_logging
from bot.sandbox import Limits

# How long to wait for the bot to answer one action; a test may shorten it.
TIMEOUT_VARIABLE = "CONFBOT_DEMO_TIMEOUT"
DEFAULT_TIMEOUT = 10.0
CONFIG_CANDIDATES = (Path("config.toml"), Path("config.example.toml"))


def parse_at(text: str) -> datetime:
    """Return the instant ``text`` names in ISO 8601; without an offset it is UTC.

    :raises ValueError: with a message naming the expected form.
    """
    try:
        instant = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"--at {text!r} is not an ISO date-time; "
            "try 2021-02-24T13:45 (UTC) or 2021-02-24T08:45-05:00"
        ) from None
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=UTC)


def run_demo(args: argparse.Namespace) -> int:
    """Run the demo with the parsed ``confbot demo`` arguments; return the exit status."""
    try:
        start = parse_at(args.at) if args.at else None
        timeout = _timeout()
    except ValueError as error:
        print(f"confbot: {error}", file=sys.stderr)
        return 2
    if args.speed < 0:
        print("confbot: --speed must be 0 (a stopped clock) or more", file=sys.stderr)
        return 2
    try:
        base = load_config(_config_path(args.config))
    except ConfigError as error:
        _print_problems(error.problems)
        return 1
    with _data_dir(args.data_dir) as data_dir:
        config = harness_config(Path(data_dir), schedule=args.schedule, base=base)
        try:
            start = start or default_start(config)
        except (ConfigError, ValueError) as error:
            _print_problems(getattr(error, "problems", [str(error)]))
            return 1
        try:
            return asyncio.run(_serve(config, start, args, timeout))
        except KeyboardInterrupt:
            print(file=sys.stdout, flush=True)
            return 0
        except (ConfigError, DatabaseVersionError, OSError) as error:
            print(f"confbot: {error}", file=sys.stderr)
            return 1


async def _serve(config: Config, start: datetime, args: argparse.Namespace, timeout: float) -> int:
    harness = ConferenceHarness(
        config, start=start, speed=args.speed, limits=Limits(wait_timeout=timeout)
    )
    configure_logging("WARNING", secrets=[harness.sandbox.bot_token])
    logging.getLogger("discord.client").addFilter(_not_about_voice)
    interactive = sys.stdin.isatty()
    style = Style.for_stream(sys.stdout)
    output = Output(sys.stdout, interactive=interactive)
    try:
        async with harness:
            session = DemoSession(harness, output, style, timeout=timeout)
            try:
                output.print(_banner(session, args.speed))
                await _converse(session, output, interactive=interactive)
            finally:
                session.close()
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
    return session.style.header(
        f"confbot demo: {name} | simulated time {now:%a %d %b %Y %H:%M} UTC ({pace})"
        " | type :help for help, :quit to leave"
    )


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
    if value <= 0:
        raise ValueError(f"{TIMEOUT_VARIABLE} must be more than 0 seconds")
    return value


def _config_path(explicit: Path | None) -> Path | None:
    if explicit is not None:
        return explicit
    return next((path for path in CONFIG_CANDIDATES if path.exists()), None)


def _data_dir(explicit: Path | None) -> AbstractContextManager[str]:
    if explicit is None:
        return tempfile.TemporaryDirectory(prefix="confbot-demo-")
    explicit.mkdir(parents=True, exist_ok=True)
    return nullcontext(str(explicit))


def _print_problems(problems: list[str]) -> None:
    for problem in problems:
        print(f"confbot: {problem}", file=sys.stderr)
