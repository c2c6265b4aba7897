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

Every format follows one encoding policy (:func:`bot.text_files.decode_text`): UTF-8
with or without a BOM; anything else (Latin-1, UTF-16, a ZIP archive...) is named and
refused before any parsing. An HTML page is named as such. A refusal the person
importing can fix by a choice (the format, the zone) is a :class:`ChoiceNeededError`;
each front end words the choice its own way with :func:`explained` (``--tz`` on the
command line, an option of the upload command in Discord).
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.errors import ConfigError
from bot.schedule.formats.builder import ChoiceNeededError, ImportResult
from bot.schedule.model import Schedule
from bot.text_files import decode_text

__all__ = [
    "FORMATS",
    "ChoiceNeededError",
    "ImportResult",
    "UnknownFormatError",
    "detect_format",
    "explained",
    "import_bytes",
    "import_schedule",
    "schedule_text",
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


def explained(error: ConfigError, hints: Mapping[str, str]) -> list[str]:
    """Return ``error``'s problems, the last one ending with the hint for its choice.

    ``hints`` maps "format" and "zone" to what the reader can do, in their words
    ("give --format", "choose the upload's format option").
    """
    problems = list(error.problems)
    if isinstance(error, ChoiceNeededError) and problems and error.choice in hints:
        problems[-1] = f"{problems[-1]}: {hints[error.choice]}"
    return problems


# Folds (a line break then a space) undone on the bytes: a fold may split a UTF-8
# character (JRES 2022 splits "’"), which is only UTF-8 again once unfolded.
_ICAL_FOLD = re.compile(rb"(?:(?<!\n)\r\n|(?<![\r\n])\n)(?:\r?\n)*[ \t]")
_HTML = re.compile(rb"<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.IGNORECASE)


def _is_ical(content: bytes) -> bool:
    return content[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")[:15].upper() == b"BEGIN:VCALENDAR"


def schedule_text(content: bytes, source: str) -> str:
    """Return ``content`` as text, under the one encoding policy (see the module's notes).

    iCalendar is unfolded first (a fold may split a character), so the text is what
    every reader parses and what a stored copy keeps.

    :raises ConfigError: not UTF-8, or a ZIP archive, an HTML page... named as such.
    """
    if _is_ical(content):
        content = _ICAL_FOLD.sub(b"", content)
    text = decode_text(content, name=source, what="schedule export")
    head = content[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<") and _HTML.search(head):
        raise ConfigError(
            [
                f"{source}: this is an HTML page, not a schedule export; give the export "
                "itself (the schedule.json, schedule.xml or .ics link), not the page showing it"
            ]
        )
    return text


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


def _looks_like_csv_header(head: str) -> bool:
    """Return whether the first line is a delimited header naming a title column."""
    from bot.schedule.formats.csv_table import COLUMNS

    first = head.split("\n", 1)[0].casefold()
    cells = {"".join(ch for ch in cell if ch.isalnum()) for cell in re.split(r"[,;\t]", first)}
    return len(cells) > 1 and bool(cells & set(COLUMNS["title"]))


class UnknownFormatError(ChoiceNeededError):
    """The content is none of the formats known (and no ``format`` was given)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(problems, choice="format")


def _native_toml(text: str) -> bool:
    """Return whether ``text`` is TOML with a ``[conference]`` table (confbot's own format)."""
    if "conference" not in text:
        return False
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return False
    return isinstance(data.get("conference"), dict)


def detect_format(content: bytes, *, name: str = "") -> str:
    """Return the format ``content`` is in (one of :data:`FORMATS`), judged by what it holds.

    :raises UnknownFormatError: nothing recognisable; the message lists the formats known.
    :raises ConfigError: not UTF-8 text, or an HTML page.
    """
    return _detect(schedule_text(content, name or "the source"), name)[0]


def _detect(text: str, name: str) -> tuple[str, Any]:
    """Return the format and, for JSON, the parsed document (so it is parsed once)."""
    from bot.schedule.formats import europython, frab_json, sessionize

    head = text[:4096].lstrip("\ufeff \t\r\n")
    suffix = Path(name).suffix.lower()
    if head[:15].upper() == "BEGIN:VCALENDAR":
        return "ical", None
    if head.startswith("<"):
        return "schedule-xml", None
    if head.startswith(("{", "[")):
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            data = None
        if frab_json.looks_like(data):
            return "schedule-json", data
        if sessionize.looks_like(data):
            return "sessionize", data
        if europython.looks_like(data):
            return "europython", data
        if isinstance(data, dict) and "conference" in data:
            return "native", None
    if suffix == ".toml" or _native_toml(text):
        return "native", None
    if suffix in (".csv", ".tsv") or _looks_like_csv_header(head):
        return "csv", None
    raise UnknownFormatError(
        [
            f"{name or 'the source'}: cannot tell which schedule format this is "
            f"(one of {', '.join(FORMATS)})"
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
    :raises ChoiceNeededError: no zone (see :func:`explained`).
    :raises ConfigError: not UTF-8 text, an HTML page, or nothing usable.
    """
    if format is not None and format not in FORMATS:
        raise ConfigError([f"unknown format {format!r}: use one of {', '.join(FORMATS)}"])
    text = schedule_text(content, source)
    data: Any = None
    if format is None:
        chosen, data = _detect(text, path.name if path else source)
    else:
        chosen = format
    if data is None and chosen in ("schedule-json", "sessionize", "europython"):
        data = _json(text, source)
    readers: dict[str, Callable[[], ImportResult]] = {
        "schedule-json": lambda: _read_frab_json(data, source, zone),
        "schedule-xml": lambda: _read_frab_xml(text, source, zone),
        "sessionize": lambda: _read_sessionize(data, source, zone),
        "europython": lambda: _read_europython(data, source, zone, path),
        "ical": lambda: _read_ical(text, source, zone),
        "csv": lambda: _read_csv(text, source, zone),
        "native": lambda: _read_native(text, source),
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


def _read_frab_xml(content: str, source: str, zone: str | None) -> ImportResult:
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


def _read_ical(content: str, source: str, zone: str | None) -> ImportResult:
    from bot.schedule.formats import ical

    return ical.read(content, source=source, zone=zone)


def _read_csv(text: str, source: str, zone: str | None) -> ImportResult:
    from bot.schedule.formats import csv_table

    return csv_table.read(text, source=source, zone=zone)


def _read_native(text: str, source: str) -> ImportResult:
    from bot.schedule.native import parse_native_text

    # Told by content, not by the name: native JSON is an object, TOML never starts with "{".
    toml = not text.lstrip("\ufeff \t\r\n").startswith("{")
    schedule = parse_native_text(text, source=source, toml=toml)
    return ImportResult(schedule=schedule, format="native")
