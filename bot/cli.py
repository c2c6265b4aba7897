"""The ``confbot`` command: run, check, schedule, import, copy-database, invite and demo.

Each subcommand builds what it needs from the config file; nothing starts at
import time. Whatever goes wrong that the organiser can fix (a file, the token, the
network) is printed as a sentence on stderr, never as a traceback. Exit statuses:
0 done, 1 a problem in the files or the token, 2 a usage problem (no token, an
unknown ``--tz``), 3 Discord or the PostgreSQL server cannot be reached (worth retrying
later), 4 (``run`` on PostgreSQL) another process took the lease, so this one stopped at
once.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from collections.abc import Callable, Sequence
from importlib.metadata import entry_points
from pathlib import Path

from bot.cli_common import config_path, print_problems, silence_stdout
from bot.clock import Clock, SimulatedClock, SystemClock
from bot.config import Config, load_config
from bot.errors import ConfigError, DatabaseUnreachableError, DatabaseVersionError, UserError
from bot.schedule.index import ScheduleIndex

log = logging.getLogger("confbot")

# Hidden: only the test harness and the demo run `confbot run` on a simulated clock.
SIMULATED_START_VARIABLE = "CONFBOT_SIMULATED_START"
SIMULATED_SPEED_VARIABLE = "CONFBOT_SIMULATED_SPEED"
SANDBOX_GUILD_READY_TIMEOUT = 0.1
EXIT_UNREACHABLE = 3
# The active process lost its lease (PostgreSQL): a supervisor restarts it as a standby.
EXIT_LEASE_LOST = 4
# Subcommands registered by other installed packages (the dev tools' ``demo``).
PLUGIN_GROUP = "confbot.commands"


def command_check(args: argparse.Namespace) -> int:
    """Validate the config and the schedule; print a summary or every problem."""
    from bot.schedule.summary import summarise

    try:
        config = load_config(config_path(args.config))
        schedule = _load_index(config)
    except ConfigError as error:
        print_problems(error.problems)
        return 1
    print(summarise(schedule, zone=config.guild.zone))
    return 0


def _config_or_report(args: argparse.Namespace) -> Config | None:
    """Return the config ``--config`` names, or print its problems and return ``None``."""
    try:
        return load_config(config_path(args.config))
    except ConfigError as error:
        print_problems(error.problems)
        return None


def _load_index(config: Config) -> ScheduleIndex:
    from bot.schedule.files import load_schedule

    return ScheduleIndex(load_schedule(config.schedule.source, zone=config.guild.zone))


def command_schedule(args: argparse.Namespace) -> int:
    """Print the whole schedule as a reader in ``--tz`` would read it."""
    from bot.rendering.schedule_text import schedule_as_text
    from bot.timezones import resolve_zone

    try:
        config = load_config(config_path(args.config))
        index = _load_index(config)
        zone = config.guild.zone or index.schedule.conference.zone
        reader_zone = resolve_zone(args.tz) if args.tz else zone
    except ConfigError as error:
        print_problems(error.problems)
        return 1
    except UserError as error:
        print(f"confbot: {error}", file=sys.stderr)
        if error.suggestions and error.suggestions[0] not in str(error):
            print(f"Did you mean: {', '.join(error.suggestions)}?", file=sys.stderr)
        return 2
    print(schedule_as_text(index, reader_zone, conference_zone=zone, clock=args.clock))
    return 0


def clock_from_environment(environ: dict[str, str] | None = None) -> Clock:
    """Return the wall clock, or a simulated one if the environment asks for it.

    ``CONFBOT_SIMULATED_START`` (ISO instant, UTC if no offset) starts the clock there;
    ``CONFBOT_SIMULATED_SPEED`` (default 1) runs it that many times faster. Tests use
    this to run the bot process on time they control.

    :raises ValueError: a variable is malformed.
    """
    from datetime import UTC, datetime

    environ = dict(os.environ) if environ is None else environ
    start = environ.get(SIMULATED_START_VARIABLE)
    if not start:
        return SystemClock()
    instant = datetime.fromisoformat(start)
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return SimulatedClock(instant, speed=float(environ.get(SIMULATED_SPEED_VARIABLE, "1")))


def command_run(args: argparse.Namespace) -> int:
    """Connect to Discord (or to the sandbox named in the environment) and serve."""
    from bot.app import create_bot
    from bot.endpoints import endpoints_from_environment
    from bot.logging_config import configure_logging

    try:
        config = load_config(config_path(args.config))
    except ConfigError as error:
        print_problems(error.problems)
        return 1
    token = config.token()
    if not token:
        print(
            "confbot: no bot token. Set the DISCORD_TOKEN environment variable "
            "(or bot.token in the config file).",
            file=sys.stderr,
        )
        return 2
    configure_logging(config.bot.log_level, secrets=[token])

    async def serve(sandboxed: bool) -> None:
        from bot.lease import active_lease

        clock = clock_from_environment()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        # With PostgreSQL, several processes may share the database: one is active.
        async with active_lease(config, clock, stop) as lease:
            if lease is None and config.storage.is_postgresql:
                return  # stopped while standing by
            keeping = asyncio.create_task(lease.keep(_lost_lease)) if lease else None
            try:
                await _serve_bot(config, clock, sandboxed, stop)
            finally:
                if keeping is not None:
                    keeping.cancel()

    async def _serve_bot(
        config: Config, clock: Clock, sandboxed: bool, stop: asyncio.Event
    ) -> None:
        bot = create_bot(
            config,
            clock=clock,
            force_sync=args.sync,
            # A sandbox sends every GUILD_CREATE at once: no need to wait for stragglers.
            guild_ready_timeout=SANDBOX_GUILD_READY_TIMEOUT if sandboxed else 2.0,
            tune_collector=True,
        )
        async with bot:
            running = asyncio.create_task(bot.start(token))
            stopping = asyncio.create_task(stop.wait())
            await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
            if stopping.done():
                # SIGTERM/SIGINT: stop claiming, let in-flight sends land, then close.
                log.info("stopping: draining deliveries, then disconnecting")
                await bot.close()
            else:
                stopping.cancel()
            await running

    with endpoints_from_environment() as sandboxed:
        if sandboxed:
            log.info("connecting to the Discord endpoints named in the environment")
        try:
            asyncio.run(serve(sandboxed))
        except KeyboardInterrupt:
            return 0
        except DatabaseUnreachableError as error:
            print(f"confbot: {error.sentence()}", file=sys.stderr)
            return EXIT_UNREACHABLE
        except (ConfigError, DatabaseVersionError, UserError) as error:
            print(f"confbot: {error}", file=sys.stderr)
            return 1
        except Exception as error:
            import aiohttp
            import discord

            if isinstance(error, discord.LoginFailure):
                print("confbot: Discord rejected the token.", file=sys.stderr)
                return 1
            if isinstance(error, aiohttp.ClientError | discord.DiscordServerError):
                reason = _network_reason(error).replace(token, "[token]")
                print(
                    f"confbot: cannot reach Discord ({reason}); "
                    "check the network connection and try again.",
                    file=sys.stderr,
                )
                return EXIT_UNREACHABLE
            raise
    return 0


def _lost_lease() -> None:
    """Stop at once: another process is active now, and two must never both send."""
    logging.shutdown()
    os._exit(EXIT_LEASE_LOST)


def _network_reason(error: Exception) -> str:
    """Return why a connection failed, in a few words ("Connection refused")."""
    import aiohttp
    import discord

    if isinstance(error, discord.DiscordServerError):
        return f"Discord answered HTTP {error.status}"
    if isinstance(error, aiohttp.ClientConnectorError):
        cause = error.os_error
        if cause.errno is not None and cause.errno > 0:
            return os.strerror(cause.errno)
        return cause.strerror or type(cause).__name__
    if isinstance(error, TimeoutError):
        return "no answer in time"
    return str(error) or type(error).__name__


def _add_plugin_commands(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    with_config: Callable[[argparse.ArgumentParser], argparse.ArgumentParser],
) -> None:
    """Add the subcommands other packages register (``confbot demo`` comes from the dev tools).

    The product never imports the development tooling: it plugs in through the
    ``confbot.commands`` entry-point group, whose entries are ``register(sub, with_config)``.
    """
    for entry in sorted(entry_points(group=PLUGIN_GROUP), key=lambda entry: entry.name):
        register = entry.load()
        register(sub, with_config)


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser for every subcommand."""
    parser = argparse.ArgumentParser(
        prog="confbot", description="A Discord companion bot for virtual conferences."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def with_config(command: argparse.ArgumentParser) -> argparse.ArgumentParser:
        command.add_argument(
            "--config",
            type=Path,
            help="config file (default: ./config.toml, else ./config.example.toml)",
        )
        return command

    run = with_config(sub.add_parser("run", help="connect to Discord and serve"))
    run.add_argument("--sync", action="store_true", help="register the commands even if unchanged")
    run.set_defaults(handler=command_run)

    check = with_config(sub.add_parser("check", help="validate the config and the schedule"))
    check.set_defaults(handler=command_check)

    schedule = with_config(sub.add_parser("schedule", help="print the schedule in a time zone"))
    schedule.add_argument("--tz", help="reader's time zone: IANA name, city or abbreviation")
    schedule.add_argument("--clock", choices=["24h", "12h"], default="24h")
    schedule.set_defaults(handler=command_schedule)

    from bot.import_progress import LARGE_INPUT_BYTES
    from bot.schedule.formats import FORMATS

    importer = with_config(
        sub.add_parser(
            "import",
            help="read a schedule export and show what would change",
            description="Read a schedule export, validate it, and show what it would change. "
            f"On a terminal, an input of {LARGE_INPUT_BYTES // (1024 * 1024)} MiB or more gets "
            "a progress bar while it is read and parsed (never when piped).",
        )
    )
    importer.add_argument(
        "source", help="schedule file or http(s) address (frab, pentabarf, Sessionize, ...)"
    )
    importer.add_argument(
        "--dry-run", action="store_true", help="only check and compare; change nothing"
    )
    importer.add_argument("--format", choices=FORMATS, help="skip detection: read as this")
    importer.add_argument("--tz", help="zone for times the file gives without one")
    importer.add_argument("--json", action="store_true", help="print one JSON object")
    from bot.cli_import import command_import

    importer.set_defaults(handler=command_import)

    from bot.cli_database import add_copy_database_command
    from bot.invite import add_invite_command

    add_copy_database_command(sub)
    add_invite_command(sub, with_config, _config_or_report)
    _add_plugin_commands(sub, with_config)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``confbot`` command line; return the exit status."""
    args = build_parser().parse_args(argv)
    handler = args.handler
    try:
        status: int = handler(args)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader left (``confbot schedule | head``): end quietly, as a shell tool does.
        silence_stdout()
        return 128 + signal.SIGPIPE
    return status


if __name__ == "__main__":
    sys.exit(main())
