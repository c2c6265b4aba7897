"""Read a schedule file of any known format: the native one or an organiser's export."""

from __future__ import annotations

import os
from pathlib import Path

from bot.errors import ConfigError
from bot.schedule.formats import (
    ChoiceNeededError,
    UnknownFormatError,
    explained,
    import_bytes,
    without_cancelled,
)
from bot.schedule.model import Schedule
from bot.schedule.native import load_native_schedule

__all__ = ["SCHEDULE_SUFFIXES", "load_schedule"]

SCHEDULE_SUFFIXES = (".toml", ".json", ".xml", ".ics", ".csv", ".tsv")
# What the owner of the config does about a file that needs a choice.
CONFIG_HINTS = {
    "zone": "set guild.zone in the config",
    "format": "schedule.source must be one of these formats (see the README)",
}


def load_schedule(path: str | os.PathLike[str], *, zone: str | None = None) -> Schedule:
    """Read a schedule file in any known format and return the checked schedule.

    A ``.toml`` file, or JSON holding a ``conference`` table, is the native format;
    anything else (frab, pentabarf, Sessionize, iCalendar, CSV...) goes through
    :mod:`bot.schedule.formats`, with ``zone`` for files that name none. Cancelled
    sessions are left out: this is the programme attendees see.

    :raises ConfigError: the file cannot be read or parsed, or breaks any rule; its
        ``problems`` name the file and list every mistake found, not only the first.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".toml":
        return load_native_schedule(path)
    if suffix not in SCHEDULE_SUFFIXES:
        raise ConfigError(
            [f"{path.name}: a schedule file must end in {', '.join(SCHEDULE_SUFFIXES)}"]
        )
    try:
        content = path.read_bytes()
    except OSError as error:
        raise ConfigError([f"{path.name}: cannot read the file: {error}"]) from None
    try:
        result = import_bytes(content, source=path.name, zone=zone, path=path)
    except UnknownFormatError as error:
        if suffix != ".json":
            raise ConfigError(explained(error, CONFIG_HINTS)) from None
        return load_native_schedule(path)  # it says where the JSON breaks
    except ChoiceNeededError as error:
        raise ConfigError(explained(error, CONFIG_HINTS)) from None
    if result.problems:
        raise ConfigError(list(result.problems))
    return without_cancelled(result.schedule)
