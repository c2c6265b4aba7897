"""Fetch the schedule source, validate it, and keep the last good copy.

The source is a file (any format :mod:`bot.schedule.formats` reads) or an http(s)
address, fetched with ``If-None-Match`` / ``If-Modified-Since`` and compared by a
SHA-256 of its content, so an unchanged schedule costs one small request and no parse.
A fetch that fails, arrives truncated, or does not validate raises
:class:`SourceError` with one sentence; nothing is replaced (EuroPython's bot wrote
its cache before parsing, and a bad fetch became the schedule).

The last good copy is a :class:`LastGood`: the source's text, its name (the format
is detected from both, unless ``confbot import`` stored the format it read), the
zone ``confbot import --tz`` gave for times without one, and the tombstones
(sessions cancelled or removed earlier, so they stay cancelled while later versions
lack them). It is stored in the
``schedule_snapshots`` table and as a file next to the database; at start the bot
uses the database's copy, else the source, else the file.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp

from bot.config import Config
from bot.errors import ConfigError
from bot.schedule.diff import carry_cancelled
from bot.schedule.model import Schedule, Session
from bot.storage.database import Database

__all__ = [
    "IMPORT_SOURCE",
    "LAST_GOOD_FILE",
    "Fetched",
    "LastGood",
    "SourceError",
    "applied_schedule",
    "fetch_source",
    "initial_schedule",
    "last_good_path",
    "parse_source",
    "read_last_good_file",
    "source_key",
    "stage_import",
    "write_last_good_file",
]

log = logging.getLogger(__name__)

LAST_GOOD_FILE = "last-good-schedule.json"
# Snapshots written by ``confbot import`` wait under this source until the bot applies them.
IMPORT_SOURCE = "confbot import"
# The largest real export we know (39C3, 58 rooms) is 2.6 MB; leave room, refuse a flood.
MAX_BYTES = 32 * 1024 * 1024
# Problems named in one report; the rest are counted (a broken export can have hundreds).
MAX_PROBLEMS_SHOWN = 5


class SourceError(Exception):
    """The source could not be fetched whole or did not validate; ``reason`` says why."""

    def __init__(self, reason: str, problems: list[str] | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.problems = problems or [reason]


@dataclass(frozen=True, slots=True)
class Fetched:
    """One complete body of the source, with the validators to send next time."""

    body: bytes
    name: str
    etag: str | None = None
    last_modified: str | None = None

    @property
    def content_hash(self) -> str:
        """Return the SHA-256 of the body (hex)."""
        return content_hash(self.body)


def content_hash(body: bytes) -> str:
    """Return the SHA-256 of ``body`` as hex."""
    return hashlib.sha256(body).hexdigest()


def source_key(config: Config) -> str:
    """Return the name the configured source's snapshots are stored under."""
    return str(config.schedule.source)


def source_name(source: Path | str) -> str:
    """Return the file name the format detection sees for ``source``."""
    if isinstance(source, Path):
        return source.name
    return source.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1] or source


async def fetch_source(
    source: Path | str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    timeout: float = 30.0,
) -> Fetched | None:
    """Return the source's body, or ``None`` when the server answered 304 Not Modified.

    :raises SourceError: it cannot be read whole; the sentence says why.
    """
    if isinstance(source, Path):
        try:
            body = source.read_bytes()
        except OSError as error:
            raise SourceError(f"cannot read {source.name}: {error.strerror}") from None
        return Fetched(body, source.name)
    return await _download(source, etag=etag, last_modified=last_modified, timeout=timeout)


async def _download(
    url: str, *, etag: str | None, last_modified: str | None, timeout: float
) -> Fetched | None:
    headers = {"Accept": "application/json, text/xml, text/calendar, */*"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as session,
            session.get(url, headers=headers) as response,
        ):
            if response.status == 304:
                return None
            if response.status != 200:
                answer = f"{response.status} {response.reason or ''}".strip()
                raise SourceError(f"the server answered {answer}")
            body = bytearray()
            async for chunk in response.content.iter_chunked(65536):
                body += chunk
                if len(body) > MAX_BYTES:
                    raise SourceError(f"larger than {MAX_BYTES // 1_000_000} MB; refused")
            expected = response.content_length
            if expected is not None and len(body) < expected:
                raise SourceError(f"truncated: got {len(body)} of {expected} bytes")
            return Fetched(
                bytes(body),
                source_name(url),
                etag=response.headers.get("ETag"),
                last_modified=response.headers.get("Last-Modified"),
            )
    except TimeoutError:
        raise SourceError(f"no complete answer within {timeout:g} s") from None
    except aiohttp.ClientPayloadError:
        raise SourceError("the transfer broke off (truncated body)") from None
    except aiohttp.InvalidURL:
        raise SourceError("not a valid address") from None
    except aiohttp.ClientError as error:
        raise SourceError(f"cannot fetch it: {error}") from None


# What the owner of the config does about a source that needs a choice (the refresh's
# failures go to the moderation log; an upload words its own, see bot.conference).
SOURCE_HINTS = {
    "zone": "set guild.zone in the bot's config",
    "format": "the schedule source must be an export in one of these formats",
}


def parse_source(
    body: bytes,
    *,
    name: str,
    zone: str | None = None,
    path: Path | None = None,
    format: str | None = None,
    hints: Mapping[str, str] = SOURCE_HINTS,
) -> Schedule:
    """Return the validated schedule in ``body`` (cancelled sessions kept, marked).

    ``name`` (a file name) breaks format ties; ``format`` skips the detection;
    ``path`` lets a format find a companion file next to it; ``hints`` say how the
    reader of a refusal names a format or a zone (see
    :func:`bot.schedule.formats.explained`).

    :raises SourceError: the format is unknown or the file has problems (the first
        few are named, the rest counted).
    """
    from bot.schedule.formats import explained, import_bytes

    try:
        result = import_bytes(body, source=name, format=format, zone=zone, path=path)
    except ConfigError as error:
        problems = explained(error, hints)
        raise SourceError(_problems_text(problems), problems) from None
    if result.problems:
        raise SourceError(_problems_text(list(result.problems)), list(result.problems))
    return result.schedule


def _source_text(body: bytes, name: str) -> str:
    """Return ``body`` as the text every reader parses (the one encoding policy).

    :raises SourceError: not UTF-8 text (named: Latin-1, UTF-16, a ZIP archive...).
    """
    from bot.schedule.formats import schedule_text

    try:
        return schedule_text(body, name)
    except ConfigError as error:
        raise SourceError(_problems_text(error.problems), error.problems) from None


def _problems_text(problems: list[str]) -> str:
    shown = "; ".join(problems[:MAX_PROBLEMS_SHOWN])
    more = len(problems) - MAX_PROBLEMS_SHOWN
    return f"{shown}; and {more} more problem{'s' if more > 1 else ''}" if more > 0 else shown


# -- the last good copy ----------------------------------------------------------------


def _session_to_json(session: Session) -> dict[str, Any]:
    return {
        "id": session.id,
        "title": session.title,
        "start": session.start.isoformat(),
        "end": session.end.isoformat(),
        "room_id": session.room_id,
        "track_id": session.track_id,
        "kind": session.kind,
        "speaker_ids": list(session.speaker_ids),
    }


def _session_from_json(data: dict[str, Any]) -> Session:
    return Session(
        id=str(data["id"]),
        title=str(data["title"]),
        start=datetime.fromisoformat(data["start"]),
        end=datetime.fromisoformat(data["end"]),
        room_id=data.get("room_id"),
        track_id=data.get("track_id"),
        kind=data.get("kind"),
        speaker_ids=tuple(data.get("speaker_ids") or ()),
        cancelled=True,
    )


@dataclass(frozen=True, slots=True)
class LastGood:
    """A schedule that validated: its source text, name, how it was read, and its tombstones.

    ``format`` and ``zone`` are what ``confbot import --format/--tz`` chose (``None``:
    detect the format, use the config's zone), kept so every later read of this copy
    (the apply, a restart) gives the schedule the command showed.
    """

    name: str
    text: str
    tombstones: tuple[Session, ...] = ()
    format: str | None = None
    zone: str | None = None

    @classmethod
    def of(
        cls,
        name: str,
        body: bytes,
        live: Schedule,
        *,
        format: str | None = None,
        zone: str | None = None,
    ) -> LastGood:
        """Return the copy of ``body`` (named ``name``, read so) that was applied as ``live``.

        :raises SourceError: ``body`` is not UTF-8 text (every format we read is).
        """
        text = _source_text(body, name)
        tombstones = tuple(s for s in live.sessions if s.cancelled)
        return cls(name, text, tombstones, format=format, zone=zone)

    def to_json(self) -> str:
        """Return the copy as one JSON document (what is stored)."""
        document: dict[str, Any] = {
            "name": self.name,
            "text": self.text,
            "tombstones": [_session_to_json(session) for session in self.tombstones],
        }
        # Optional keys: copies stored before they existed read as "detect, config zone".
        if self.format is not None:
            document["format"] = self.format
        if self.zone is not None:
            document["zone"] = self.zone
        return json.dumps(document)

    @classmethod
    def from_json(cls, text: str) -> LastGood:
        """Return the copy stored as ``text``.

        :raises SourceError: ``text`` is not a stored copy.
        """
        try:
            data = json.loads(text)
            return cls(
                str(data["name"]),
                str(data["text"]),
                tuple(_session_from_json(item) for item in data.get("tombstones", ())),
                format=_optional_text(data.get("format")),
                zone=_optional_text(data.get("zone")),
            )
        except (ValueError, KeyError, TypeError) as error:
            raise SourceError(f"the stored copy is unreadable: {error}") from None

    def schedule(self, *, zone: str | None = None) -> Schedule:
        """Return the schedule this copy holds, its tombstones cancelled in it.

        ``zone`` (the config's) is used only if the copy keeps none of its own.

        :raises SourceError: it no longer validates (a newer confbot's rules).
        """
        imported = parse_source(
            self.text.encode(), name=self.name, format=self.format, zone=self.zone or zone
        )
        if not self.tombstones:
            return imported
        present = {session.id for session in imported.sessions}
        tombstones = tuple(s for s in self.tombstones if s.id not in present)
        return carry_cancelled(replace(imported, sessions=tombstones), imported)


def _optional_text(value: object) -> str | None:
    """Return ``value`` as text, ``None`` staying ``None``."""
    return None if value is None else str(value)


def last_good_path(config: Config) -> Path:
    """Return the file the last good copy is kept in: beside the database (``files_dir``)."""
    return config.storage.files_dir / LAST_GOOD_FILE


def write_last_good_file(path: Path, copy: LastGood) -> None:
    """Write ``copy`` to ``path`` atomically (a crash leaves the old copy whole)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".last-good-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(copy.to_json())
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read_last_good_file(path: Path) -> LastGood | None:
    """Return the copy kept at ``path``, or ``None`` if there is none or it is unreadable."""
    try:
        return LastGood.from_json(path.read_text(encoding="utf-8"))
    except (OSError, SourceError):
        return None


async def initial_schedule(config: Config, database: Database) -> Schedule:
    """Return the schedule to start with: the last applied, else the source, else the file.

    A first read of the source is stored as the first snapshot, so the next refresh
    has something to compare with.

    :raises ConfigError: none of the three gives a valid schedule.
    """
    zone = config.guild.zone
    key = source_key(config)
    stored = await database.snapshots.latest(key)
    if stored is not None:
        try:
            return LastGood.from_json(stored.body).schedule(zone=zone)
        except SourceError as error:
            log.warning("the stored schedule is unusable (%s); reading the source", error.reason)
    source = config.schedule.source
    try:
        fetched = await fetch_source(source, timeout=config.schedule.fetch_timeout_seconds)
        if fetched is None:  # pragma: no cover - no validators were sent
            raise SourceError("the server answered 304 to an unconditional request")
        path = source if isinstance(source, Path) else None
        live = parse_source(fetched.body, name=fetched.name, zone=zone, path=path)
        copy = LastGood.of(fetched.name, fetched.body, live)
    except SourceError as error:
        kept = read_last_good_file(last_good_path(config))
        if kept is None:
            problems = error.problems if len(error.problems) > 1 else [error.reason]
            raise ConfigError(problems) from None
        log.warning("schedule source unusable (%s); starting from the last good copy", error)
        return kept.schedule(zone=zone)
    await database.snapshots.add(key, copy.to_json(), fetched.content_hash)
    await database.meta.set(SOURCE_HASH_KEY, fetched.content_hash)
    write_last_good_file(last_good_path(config), copy)
    return live


async def stage_import(
    config: Config,
    body: bytes,
    name: str,
    *,
    format: str | None = None,
    zone: str | None = None,
) -> int:
    """Store ``body`` for the bot to apply at its next refresh (or start); return its id.

    The bot applies it as a refresh would: the diff against what it shows, the
    notices, the moved reminders (``confbot import`` has no Discord connection).
    ``format`` and ``zone`` (``--format``, ``--tz``) are stored with it, so the bot
    reads it as the command did.

    :raises SourceError: ``body`` is not UTF-8 text.
    """
    from bot.storage.database import open_database

    text = _source_text(body, name)
    storage = config.storage
    async with await open_database(storage.database, password=storage.password()) as database:
        return await database.snapshots.add(
            IMPORT_SOURCE,
            LastGood(name, text, format=format, zone=zone).to_json(),
            content_hash(body),
        )


async def applied_schedule(config: Config) -> Schedule | None:
    """Return the schedule the bot last applied (from its database), or ``None``."""
    from bot.storage.database import open_database

    storage = config.storage
    if isinstance(storage.database, Path) and not storage.database.exists():
        return None  # no bot has run here yet; do not create a database to find out
    async with await open_database(storage.database, password=storage.password()) as database:
        stored = await database.snapshots.latest(source_key(config))
    if stored is None:
        return None
    try:
        return LastGood.from_json(stored.body).schedule(zone=config.guild.zone)
    except SourceError:
        return None


# Meta keys: what the last fetch of the source returned, and the last failure reported.
SOURCE_HASH_KEY = "schedule_source_hash"
ETAG_KEY = "schedule_source_etag"
LAST_MODIFIED_KEY = "schedule_source_last_modified"
FAILURE_KEY = "schedule_refresh_failure"
IMPORT_APPLIED_KEY = "schedule_import_applied"
