"""A spreadsheet exported as CSV: one session per row under a header row.

Columns are found by name, ignoring case, spaces and punctuation, with common
synonyms (:data:`COLUMNS`): title, start, end or duration, and optionally date, id,
room, track, speakers, abstract, type, language, url, status. The delimiter (comma,
semicolon or tab) is sniffed. Times are "YYYY-MM-DD HH:MM" wall time in the
conference zone (``--tz``/the config's zone), or carry a UTC offset; with a ``date``
column, ``start``/``end`` may be "HH:MM" (an end earlier than the start is after
midnight). Speakers are separated by ";" (or "," when the cell holds no ";").
Without an id column, ids come from titles, so a retitled row reads as a new one.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import date, datetime, timedelta

from bot.errors import ConfigError
from bot.schedule.formats.builder import (
    ImportResult,
    ScheduleBuilder,
    cancelled_title,
    slug,
    stable_id,
    web_address,
)
from bot.schedule.formats.durations import parse_duration
from bot.schedule.formats.markup import discord_markdown, plain
from bot.schedule.model import Session

__all__ = ["COLUMNS", "FORMAT", "read"]

FORMAT = "csv"

COLUMNS: dict[str, tuple[str, ...]] = {
    "title": ("title", "session", "sessiontitle", "talk", "talktitle", "name", "subject"),
    "start": ("start", "starts", "startsat", "starttime", "startdate", "begin", "from", "time"),
    "end": ("end", "ends", "endsat", "endtime", "enddate", "finish", "until", "to"),
    "duration": ("duration", "length", "minutes", "mins", "durationminutes"),
    "date": ("date", "day"),
    "id": ("id", "uid", "guid", "code", "key", "sessionid"),
    "room": ("room", "location", "venue", "stage", "hall", "place"),
    "track": ("track", "category", "theme", "topic"),
    "speakers": ("speakers", "speaker", "presenters", "presenter", "authors", "author", "by"),
    "abstract": ("abstract", "description", "details", "summary", "notes"),
    "kind": ("type", "kind", "format", "sessiontype"),
    "language": ("language", "lang"),
    "url": ("url", "link", "website", "web"),
    "status": ("status", "state"),
}
_FOLD = re.compile(r"[^a-z0-9]+")
_TIME_OF_DAY = re.compile(r"\d{1,2}:\d{2}(:\d{2})?")


def _fold(name: str) -> str:
    return _FOLD.sub("", name.casefold())


def _map_columns(header: list[str]) -> dict[str, int]:
    folded = [_fold(name) for name in header]
    mapping: dict[str, int] = {}
    for field, synonyms in COLUMNS.items():
        for synonym in synonyms:
            if synonym in folded and folded.index(synonym) not in mapping.values():
                mapping[field] = folded.index(synonym)
                break
    return mapping


def _missing(mapping: dict[str, int]) -> list[str]:
    def named(field: str) -> str:
        return f"{field} (or {', '.join(COLUMNS[field][1:4])})"

    missing = [named(field) for field in ("title", "start") if field not in mapping]
    if "end" not in mapping and "duration" not in mapping:
        missing.append(f"end or duration (or {', '.join(COLUMNS['end'][1:3])}, length)")
    return missing


def read(text: str, *, source: str, zone: str | None) -> ImportResult:
    """Return the schedule in CSV ``text``; wall times are read in ``zone``.

    :raises ConfigError: no header, or a required column is missing (each named).
    """
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text[:4096], delimiters=",;\t"
        )
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text), dialect))
    if not rows:
        raise ConfigError([f"{source}: the CSV file is empty"])
    header, body = rows[0], rows[1:]
    mapping = _map_columns(header)
    if missing := _missing(mapping):
        raise ConfigError(
            [
                f"{source}: the CSV header ({', '.join(h.strip() for h in header)}) has no "
                f"column for: {'; '.join(missing)}"
            ]
        )
    builder = ScheduleBuilder(source, FORMAT)
    builder.conference(None)
    builder.use_zone(None, zone, key="zone")
    if "id" not in mapping:
        builder.note("no id column: ids come from titles, so a retitled session reads as new")
    title_ids: dict[str, int] = {}
    for line, row in enumerate(body, start=2):
        if not any(cell.strip() for cell in row):
            continue

        def cell(field: str, row: list[str] = row) -> str | None:
            index = mapping.get(field)
            if index is None or index >= len(row):
                return None
            return row[index].strip() or None

        _read_row(builder, cell, line, title_ids)
    return builder.build()


def _when(
    builder: ScheduleBuilder, text: str | None, day: str | None, where: str, key: str
) -> datetime | None:
    if text is None:
        builder.problem(where, f"{key} is empty; left out")
        return None
    if day and _TIME_OF_DAY.fullmatch(text):
        text = f"{day} {text}"
    return builder.instant(text, where, key=key)


def _read_row(
    builder: ScheduleBuilder,
    get: Callable[[str], str | None],
    line: int,
    title_ids: dict[str, int],
) -> None:
    title = plain(get("title"))
    where = f"row {line}" + (f" ({get('id')})" if get("id") else "")
    if title is None:
        builder.problem(where, "title is empty; left out")
        return
    day = get("date")
    if day is not None:
        try:
            day = date.fromisoformat(day).isoformat()
        except ValueError:
            builder.problem(where, f'date "{day}" is not YYYY-MM-DD; left out')
            return
    start_text = get("start")
    start = _when(builder, start_text, day, where, "start")
    if start is None:
        return
    end_text = get("end")
    if end_text is not None:
        if _TIME_OF_DAY.fullmatch(end_text) and not day and start_text:
            end_text = f"{start_text[:10]} {end_text}"
        end = _when(builder, end_text, day, where, "end")
        if end is None:
            return
        if end < start and _TIME_OF_DAY.fullmatch(get("end") or ""):
            end += timedelta(days=1)  # "23:30" to "00:30": the end is after midnight
    else:
        duration = parse_duration(get("duration"))
        if duration is None:
            builder.problem(where, f"duration {get('duration')!r} is not minutes or H:MM")
            return
        end = start + duration
    key = get("id")
    if key is None:
        base = slug(title)
        title_ids[base] = title_ids.get(base, 0) + 1
        key = base if title_ids[base] == 1 else f"{base}-{title_ids[base]}"
    speakers_cell = get("speakers") or ""
    separator = ";" if ";" in speakers_cell else ","
    speaker_ids = [
        sid
        for name in speakers_cell.split(separator)
        if name.strip() and (sid := builder.speaker(None, name)) is not None
    ]
    title, cancelled = cancelled_title(title)
    status = (get("status") or "").casefold()
    builder.session(
        Session(
            id=stable_id(key),
            title=title,
            start=start,
            end=end,
            abstract=discord_markdown(get("abstract")),
            room_id=builder.room(get("room")),
            track_id=builder.track(get("track")),
            kind=plain(get("kind"), limit=64),
            language=plain(get("language"), limit=32),
            speaker_ids=tuple(speaker_ids),
            url=web_address(get("url")),
            cancelled=cancelled or status.startswith("cancel"),
        ),
        where,
    )
