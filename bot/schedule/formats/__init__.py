"""Importers for organisers' schedule exports, one module per format, detected from content.

:func:`import_schedule` reads a file, works out its format from what it holds (the
name's suffix only breaks ties), and returns an :class:`ImportResult`: the model, the
format's name, and every problem found with where it is. ``format`` overrides the
detection; ``zone`` is the conference zone for files that name none (Sessionize,
FOSDEM's pentabarf XML, floating iCalendar times, CSV). A zone the file declares wins.

=================  ==========================================================
``schedule-json``  frab / pretalx / c3voc ``schedule.json``, frab 0.8 legacy JSON
``schedule-xml``   frab / pentabarf / wafer / c3voc ``schedule.xml``
``sessionize``     Sessionize "All" API JSON
``europython``     EuroPython programapi sessions(+speakers) JSON or a day file
``ical``           iCalendar (``.ics``), RRULEs expanded
``csv``            a table with a header row (title, start, end or duration, ...)
``native``         confbot's own TOML/JSON (see :mod:`bot.schedule.native`)
=================  ==========================================================
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.errors import ConfigError
from bot.schedule.formats.builder import ImportResult
from bot.schedule.model import Schedule

__all__ = [
    "FORMATS",
    "ImportResult",
    "UnknownFormatError",
    "detect_format",
    "import_bytes",
    "import_schedule",
    "without_cancelled",
]

FORMATS = ("schedule-json", "schedule-xml", "sessionize", "europython", "ical", "csv", "native")


def without_cancelled(schedule: Schedule) -> Schedule:
    """Return ``schedule`` without its cancelled sessions (what attendees are shown)."""
    if not any(session.cancelled for session in schedule.sessions):
        return schedule
    return replace(
        schedule, sessions=tuple(session for session in schedule.sessions if not session.cancelled)
    )


def _decode(content: bytes, source: str) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ConfigError(
            [f"{source}: not UTF-8 text (byte {error.start}); save the export as UTF-8"]
        ) from None


def _json(text: str, source: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ConfigError(
            [
                f"{source}: not valid JSON: {error.msg} "
                f"(at line {error.lineno}, column {error.colno})"
            ]
        ) from None


def _looks_like_csv_header(head: bytes) -> bool:
    """Return whether the first line is a delimited header naming a title column."""
    from bot.schedule.formats.csv_table import COLUMNS

    first = head.split(b"\n", 1)[0].decode("utf-8", "replace").casefold()
    cells = {"".join(ch for ch in cell if ch.isalnum()) for cell in re.split(r"[,;\t]", first)}
    return len(cells) > 1 and bool(cells & set(COLUMNS["title"]))


class UnknownFormatError(ConfigError):
    """The content is none of the formats known (and no ``format`` was given)."""


def detect_format(content: bytes, *, name: str = "") -> str:
    """Return the format ``content`` is in (one of :data:`FORMATS`), judged by what it holds.

    :raises UnknownFormatError: nothing recognisable; the message lists the formats known.
    """
    return _detect(content, name)[0]


def _detect(content: bytes, name: str) -> tuple[str, Any]:
    """Return the format and, for JSON, the parsed document (so it is parsed once)."""
    from bot.schedule.formats import europython, frab_json, sessionize

    head = content[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    suffix = Path(name).suffix.lower()
    if head[:15].upper() == b"BEGIN:VCALENDAR":
        return "ical", None
    if head.startswith(b"<"):
        return "schedule-xml", None
    if head.startswith((b"{", b"[")):
        try:
            data = json.loads(content.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            data = None
        if frab_json.looks_like(data):
            return "schedule-json", data
        if sessionize.looks_like(data):
            return "sessionize", data
        if europython.looks_like(data):
            return "europython", data
        if isinstance(data, dict) and "conference" in data:
            return "native", None
    if suffix == ".toml":
        return "native", None
    if suffix in (".csv", ".tsv") or _looks_like_csv_header(head):
        return "csv", None
    raise UnknownFormatError(
        [
            f"{name or 'the source'}: cannot tell which schedule format this is; "
            f"give --format (one of {', '.join(FORMATS)})"
        ]
    )


def import_bytes(
    content: bytes,
    *,
    source: str,
    format: str | None = None,
    zone: str | None = None,
    path: Path | None = None,
) -> ImportResult:
    """Return the schedule in ``content`` (named ``source`` in every problem).

    ``path``, when the content came from a file, lets a format find a companion file
    (EuroPython's speakers next to its sessions).

    :raises UnknownFormatError: no ``format`` given and none recognised.
    :raises ConfigError: unreadable, no zone, or nothing usable.
    """
    data: Any = None
    if format is None:
        chosen, data = _detect(content, path.name if path else source)
    elif format in FORMATS:
        chosen = format
    else:
        raise ConfigError([f"unknown format {format!r}: use one of {', '.join(FORMATS)}"])
    if data is None and chosen in ("schedule-json", "sessionize", "europython"):
        data = _json(_decode(content, source), source)
    readers: dict[str, Callable[[], ImportResult]] = {
        "schedule-json": lambda: _read_frab_json(data, source, zone),
        "schedule-xml": lambda: _read_frab_xml(content, source, zone),
        "sessionize": lambda: _read_sessionize(data, source, zone),
        "europython": lambda: _read_europython(data, source, zone, path),
        "ical": lambda: _read_ical(content, source, zone),
        "csv": lambda: _read_csv(content, source, zone),
        "native": lambda: _read_native(content, source, path),
    }
    return readers[chosen]()


def import_schedule(
    path: str | os.PathLike[str], *, format: str | None = None, zone: str | None = None
) -> ImportResult:
    """Read the schedule file at ``path`` in any known format.

    :raises ConfigError: the file cannot be read, or see :func:`import_bytes`.
    """
    path = Path(path)
    try:
        content = path.read_bytes()
    except OSError as error:
        raise ConfigError([f"{path.name}: cannot read the file: {error.strerror}"]) from None
    return import_bytes(content, source=path.name, format=format, zone=zone, path=path)


def _read_frab_json(data: Any, source: str, zone: str | None) -> ImportResult:
    from bot.schedule.formats import frab_json

    if not frab_json.looks_like(data):
        raise ConfigError([f"{source}: not a schedule.json (no schedule.conference.days)"])
    return frab_json.read(data, source=source, zone=zone)


def _read_frab_xml(content: bytes, source: str, zone: str | None) -> ImportResult:
    from bot.schedule.formats import frab_xml

    return frab_xml.read(content, source=source, zone=zone)


def _read_sessionize(data: Any, source: str, zone: str | None) -> ImportResult:
    from bot.schedule.formats import sessionize

    if not sessionize.looks_like(data):
        raise ConfigError([f"{source}: not a Sessionize export (no sessions with startsAt)"])
    return sessionize.read(data, source=source, zone=zone)


def _read_europython(data: Any, source: str, zone: str | None, path: Path | None) -> ImportResult:
    from bot.schedule.formats import europython

    return europython.read(data, source=source, zone=zone, path=path)


def _read_ical(content: bytes, source: str, zone: str | None) -> ImportResult:
    from bot.schedule.formats import ical

    return ical.read(content, source=source, zone=zone)


def _read_csv(content: bytes, source: str, zone: str | None) -> ImportResult:
    from bot.schedule.formats import csv_table

    return csv_table.read(_decode(content, source), source=source, zone=zone)


def _read_native(content: bytes, source: str, path: Path | None) -> ImportResult:
    from bot.schedule.native import parse_native_text

    toml = path is not None and path.suffix.lower() == ".toml"
    if path is None and not content.lstrip().startswith((b"{", b"[")):
        toml = True
    schedule = parse_native_text(_decode(content, source), source=source, toml=toml)
    return ImportResult(schedule=schedule, format="native")
