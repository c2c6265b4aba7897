"""``confbot import``: read a schedule export, validate it, show the diff, stage it."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli_common import config_path, emit, print_problems
from bot.config import Config, load_config
from bot.errors import ConfigError, UserError

if TYPE_CHECKING:
    from bot.import_progress import ImportProgress

__all__ = ["command_import"]

log = logging.getLogger("confbot")

# A whole new programme would print hundreds of "added" lines; --json has them all.
_LISTED_CHANGES = 50


def _import_hints() -> dict[str, str]:
    from bot.schedule.formats import FORMATS

    return {
        "format": f"give --format (one of {', '.join(FORMATS)})",
        "zone": "pass --tz (or set guild.zone in the config)",
    }


def command_import(args: argparse.Namespace) -> int:
    """Read a schedule export, validate it, and print its summary and the diff."""
    import json

    from bot.import_progress import ImportProgress
    from bot.schedule.diff import diff_schedules
    from bot.schedule.files import load_schedule
    from bot.schedule.formats import explained, import_bytes
    from bot.schedule.import_report import (
        change_line,
        diff_rows,
        import_json,
        import_summary,
        refused_json,
        render_table,
    )
    from bot.timezones import resolve_zone

    def refused(problems: list[str], status: int) -> int:
        if args.json:  # still exactly one object on stdout, with the problems
            emit(json.dumps(refused_json(problems), ensure_ascii=False, indent=2))
        print_problems(problems)
        return status

    path_of_config = config_path(args.config)
    # Drawn only on a terminal, only for a large input; a pipe sees nothing of it.
    progress = ImportProgress.for_terminal()
    try:
        config = load_config(path_of_config) if path_of_config is not None else None
        given_zone = resolve_zone(args.tz) if args.tz else None
        zone = given_zone or (config.guild.zone if config else None)
        content, name, path = _read_import_source(args.source, progress)
        with progress.parsing(len(content)):
            result = import_bytes(content, source=name, format=args.format, zone=zone, path=path)
    except ConfigError as error:
        return refused(explained(error, _import_hints()), 1)
    except UserError as error:
        return refused([f"--tz: {error}"], 2) if args.json else _bad_tz(error)
    finally:
        progress.close()
    current = None
    if config is not None:
        from bot.programme.refresh import applied_schedule
        from bot.schedule.formats import without_cancelled

        # What the bot shows now: its last applied schedule, else the configured source.
        applied = asyncio.run(applied_schedule(config))
        try:
            current = (
                without_cancelled(applied)
                if applied is not None
                else load_schedule(config.schedule.source, zone=zone)
            )
        except ConfigError as error:
            log.warning("the current schedule cannot be read, so no diff: %s", error.problems[0])
    diff = diff_schedules(current, result.schedule) if current is not None else None
    if args.json:
        emit(json.dumps(import_json(result, diff), ensure_ascii=False, indent=2))
    else:
        emit(import_summary(result))
        for note in result.notes:
            emit(f"Note: {note}")
        if current is None or diff is None:
            emit("Changes:    no current schedule to compare with")
        elif not diff:
            emit("Changes:    none against the current schedule")
        else:
            counts = ", ".join(f"{count} {kind}" for kind, count in diff.counts().items())
            emit(f"Changes:    {counts}")
            rows = diff_rows(diff, current, result.schedule)
            shown = rows[:_LISTED_CHANGES]
            if sys.stdout.isatty():
                emit(render_table(shown))
            else:
                emit("\n".join(change_line(row) for row in shown))
            if len(rows) > len(shown):
                emit(f"... and {len(rows) - len(shown)} more (--json lists every change)")
    if result.problems:
        print_problems(list(result.problems))
    if not args.dry_run:
        staged = _Staged(content, result.format, given_zone)
        return _apply_import(args, config, result.problems, staged)
    return 1 if result.problems else 0


def _bad_tz(error: UserError) -> int:
    print(f"confbot import: --tz: {error}", file=sys.stderr)
    return 2


def _read_import_source(source: str, progress: ImportProgress) -> tuple[bytes, str, Path | None]:
    """Return the body of ``source`` (a file or an http(s) address), its name and its path.

    :raises ConfigError: it cannot be read or fetched whole; the sentence says why.
    """
    from bot.import_progress import read_file

    if source.startswith(("http://", "https://")):
        from bot.schedule.formats.download import download

        return asyncio.run(download(source, progress=progress.received)), source, None
    path = Path(source)
    try:
        return read_file(path, progress), path.name, path
    except OSError as error:
        raise ConfigError([f"{path.name}: cannot read the file: {error.strerror}"]) from None


@dataclass(frozen=True, slots=True)
class _Staged:
    """What ``confbot import`` read and how: the bytes shown, their format, ``--tz``."""

    body: bytes
    format: str
    zone: str | None


def _apply_import(
    args: argparse.Namespace, config: Config | None, problems: Sequence[str], staged: _Staged
) -> int:
    """Stage the bytes just shown for the bot, which applies them as a refresh would.

    The format they were read as and ``--tz`` go with them, so the bot reads them as
    this command did (not by detecting again, nor in ``guild.zone``).
    """
    from bot.programme.refresh import SourceError, source_name, stage_import

    if problems:
        print("confbot import: nothing was applied: fix the problems above.", file=sys.stderr)
        return 1
    if config is None:
        print(
            "confbot import: nothing was applied: give --config (the bot's database is in it).",
            file=sys.stderr,
        )
        return 2
    source = args.source
    try:
        asyncio.run(
            stage_import(
                config,
                staged.body,
                source_name(source if "://" in source else Path(source)),
                format=staged.format,
                zone=staged.zone,
            )
        )
    except (ConfigError, SourceError, OSError) as error:
        print(f"confbot import: nothing was applied: {error}", file=sys.stderr)
        return 1
    minutes = config.schedule.refresh_minutes
    when = f"at its next refresh (within {minutes} min) or start" if minutes else "at its start"
    emit(
        f"Applied: the bot swaps in this schedule {when}, posts the changes, DMs "
        "subscribers and moves their reminders. It stays until schedule.source changes."
    )
    return 0
