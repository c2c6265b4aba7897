"""What every importer shares: stable ids, zones, instants, and the problems found on the way.

An importer reads its format and feeds a :class:`ScheduleBuilder`: rooms and tracks by
name, speakers and sessions by the source's own stable key (a guid, a pretalx code,
an iCalendar UID). The builder turns those keys into model ids, merges repeats, and
records every problem with where it is (day, room, event id). An item with a problem
is left out and named; a file that yields nothing usable, or no time zone, is refused
with a :class:`~bot.errors.ConfigError` that lists every problem.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.errors import AmbiguousTimeError, ConfigError, NonExistentTimeError, UserError
from bot.schedule.formats.markup import BIO_CHARS, NAME_CHARS, discord_markdown, plain
from bot.schedule.model import Conference, Room, Schedule, Session, Speaker, Track
from bot.schedule.validation import ID_PATTERN
from bot.timezones import is_valid_zone, localize_wall_time, resolve_zone

__all__ = [
    "ChoiceNeededError",
    "ImportResult",
    "ScheduleBuilder",
    "cancelled_title",
    "slug",
    "stable_id",
    "web_address",
]

_NOT_ID = re.compile(r"[^A-Za-z0-9_.-]+")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_URL = re.compile(r"https?://\S+")
_CANCELLED_TITLE = re.compile(
    r"^\s*[\[(]?\s*(?:cancell?ed|abgesagt|entf[äa]llt|annul[ée]e?)\s*[\])]?\s*[:\-–—!]*\s*",
    re.IGNORECASE,
)


class ChoiceNeededError(ConfigError):
    """A refusal the person importing fixes by a choice: ``choice`` is "format" or "zone".

    The last problem says what is missing without saying how to choose: the command
    line, the bot's config and Discord's upload command each have their own way
    (:func:`bot.schedule.formats.explained` adds it).
    """

    def __init__(self, problems: list[str], *, choice: str) -> None:
        super().__init__(problems)
        self.choice = choice


def stable_id(raw: object) -> str:
    """Return a model id for a source key, the same for the same key on every import.

    Keys that are already valid ids (uuids, pretalx codes, numbers) are kept as they
    are; others (31C3's base64 guids starting with "-", UIDs with "@") are cleaned and
    get a short hash of the original, so two keys never fold into one.
    """
    text = str(raw).strip()
    if ID_PATTERN.fullmatch(text):
        return text
    cleaned = _NOT_ID.sub("-", text).strip("-_.")[:50]
    digest = hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()[:8]
    return f"{cleaned}-{digest}" if cleaned else f"id-{digest}"


def slug(name: str) -> str:
    """Return a readable id for a room or track name ("Saal Zürich" -> "saal-zurich")."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    value = _NOT_SLUG.sub("-", ascii_name.casefold()).strip("-")[:48]
    return value or stable_id(name)


def cancelled_title(title: str) -> tuple[str, bool]:
    """Return ``title`` without a "CANCELLED:" style prefix, and whether it had one."""
    match = _CANCELLED_TITLE.match(title)
    if match is None or match.end() == len(title):
        return title, False
    return title[match.end() :].strip(), True


@dataclass(frozen=True, slots=True)
class ImportResult:
    """An imported schedule, the format it was read as, and what was noticed on the way.

    ``schedule`` keeps cancelled sessions (``Session.cancelled``) so a diff can say
    "cancelled". ``problems`` name the items left out and why; ``notes`` name
    adjustments that changed nothing the source meant (a zone spelled "Berlin").
    """

    schedule: Schedule
    format: str
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def active_sessions(self) -> tuple[Session, ...]:
        """Return the sessions that are not cancelled."""
        return tuple(session for session in self.schedule.sessions if not session.cancelled)


@dataclass(slots=True)
class _SpeakerDraft:
    id: str
    name: str
    affiliation: str | None = None
    bio: str | None = None
    avatar_url: str | None = None
    url: str | None = None
    links: list[str] = field(default_factory=list)


class ScheduleBuilder:
    """Collect one file's rooms, tracks, speakers and sessions, and every problem."""

    def __init__(self, source: str, format_name: str) -> None:
        self.source = source
        self.format_name = format_name
        self.problems: list[str] = []
        self.notes: list[str] = []
        self.zone: str | None = None
        self._zone_refused = False
        self.name: str | None = None
        self.url: str | None = None
        self.description: str | None = None
        self._rooms: dict[str, Room] = {}
        self._room_by_name: dict[str, str] = {}
        self._tracks: dict[str, Track] = {}
        self._track_by_name: dict[str, str] = {}
        self._speakers: dict[str, _SpeakerDraft] = {}
        self._sessions: dict[str, Session] = {}
        self._session_where: dict[str, str] = {}

    # --- problems ---------------------------------------------------------------

    def problem(self, where: str, message: str) -> None:
        """Record that the item at ``where`` is left out (or incomplete), and why."""
        self.problems.append(
            f"{self.source}: {where}: {message}" if where else f"{self.source}: {message}"
        )

    def note(self, message: str) -> None:
        """Record an adjustment that keeps what the source meant."""
        self.notes.append(f"{self.source}: {message}")

    # --- conference and zone ----------------------------------------------------

    def conference(self, name: object, *, url: object = None, description: object = None) -> None:
        """Set the conference's name (the file name if it has none), address and description."""
        self.name = plain(name) or self.name
        self.url = url if isinstance(url, str) and _URL.fullmatch(url.strip()) else self.url
        self.description = discord_markdown(description) or self.description

    def use_zone(self, declared: object, fallback: str | None, *, key: str) -> None:
        """Set the conference zone from the file's ``key`` (``declared``), else ``fallback``.

        A declared name that is not an exact IANA name ("Berlin", "europe/berlin") is
        resolved as a user's typing would be and noted; one that cannot be resolved is
        a problem, and the fallback is not silently used instead.
        """
        if isinstance(declared, str) and declared.strip():
            name = declared.strip()
            if is_valid_zone(name):
                self.zone = name
                return
            try:
                resolved = resolve_zone(name)
            except UserError as error:
                self._zone_refused = True
                self.problem(
                    "",
                    f'{key} "{name}" is not a time zone ({error}); '
                    'write an IANA name such as "Europe/Berlin"',
                )
                return
            self.zone = resolved
            self.note(f'{key} "{name}" is not an IANA name; read as {resolved}')
            return
        if fallback is not None:
            self.zone = fallback

    def offset_zone(self, instant_text: str) -> None:
        """Without any zone, fall back to the fixed offset the file's times carry (noted)."""
        if self.zone is not None:
            return
        try:
            parsed = datetime.fromisoformat(instant_text)
        except ValueError:
            return
        offset = parsed.utcoffset()
        if offset is None or offset % timedelta(hours=1):
            return
        hours = int(offset / timedelta(hours=1))
        # POSIX-style Etc names have the sign inverted: UTC+1 is "Etc/GMT-1".
        self.zone = "UTC" if hours == 0 else f"Etc/GMT{-hours:+d}"
        self.note(
            f"the file names no time zone; its times are UTC{hours:+d}, so {self.zone} is "
            "used (pass --tz or set guild.zone to name the real one)"
        )

    # --- instants ---------------------------------------------------------------

    def wall_instant(self, wall: datetime, where: str) -> datetime | None:
        """Return the UTC instant of a naive wall time in the conference zone (or a problem)."""
        if self.zone is None:
            return None
        try:
            return localize_wall_time(wall, self.zone)
        except NonExistentTimeError:
            self.problem(where, f"{wall:%Y-%m-%d %H:%M} does not exist in {self.zone} (DST gap)")
        except AmbiguousTimeError:
            self.problem(
                where,
                f"{wall:%Y-%m-%d %H:%M} happens twice in {self.zone} (DST fold); "
                "give the time with its UTC offset",
            )
        return None

    def instant(self, value: object, where: str, *, key: str = "start") -> datetime | None:
        """Return the UTC instant of an ISO date-time; naive ones are conference wall time."""
        if isinstance(value, datetime):
            parsed = value
        elif isinstance(value, str) and value.strip():
            text = value.strip()
            try:
                parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError:
                self.problem(where, f'{key} "{text}" is not an ISO 8601 date and time')
                return None
        else:
            self.problem(where, f"missing {key} time")
            return None
        if parsed.tzinfo is not None:
            return parsed.astimezone(UTC)
        return self.wall_instant(parsed, where)

    # --- rooms, tracks, speakers ------------------------------------------------

    def room(self, name: object) -> str | None:
        """Return the id of the room called ``name`` (added on first use), ``None`` if blank."""
        text = plain(name, limit=NAME_CHARS)
        if text is None:
            return None
        if text in self._room_by_name:
            return self._room_by_name[text]
        room_id = self._free_id(slug(text), self._rooms)
        self._rooms[room_id] = Room(id=room_id, name=text)
        self._room_by_name[text] = room_id
        return room_id

    def track(self, name: object) -> str | None:
        """Return the id of the track called ``name`` (added on first use), ``None`` if blank."""
        text = plain(name, limit=NAME_CHARS)
        if text is None:
            return None
        if text in self._track_by_name:
            return self._track_by_name[text]
        track_id = self._free_id(slug(text), self._tracks)
        self._tracks[track_id] = Track(id=track_id, name=text)
        self._track_by_name[text] = track_id
        return track_id

    @staticmethod
    def _free_id(wanted: str, taken: Mapping[str, object]) -> str:
        if wanted not in taken:
            return wanted
        number = 2
        while f"{wanted}-{number}" in taken:
            number += 1
        return f"{wanted}-{number}"

    def speaker(
        self,
        key: object,
        name: object,
        *,
        affiliation: object = None,
        bio: object = None,
        avatar_url: object = None,
        url: object = None,
        links: tuple[object, ...] = (),
    ) -> str | None:
        """Return the id of the speaker known by ``key`` (their name if ``None``), merged.

        A speaker listed by several sessions keeps the first non-empty value of each field.
        """
        text = plain(name, limit=NAME_CHARS)
        if text is None:
            return None
        speaker_id = stable_id(key if key not in (None, "") else slug(text))
        draft = self._speakers.get(speaker_id)
        if draft is None:
            draft = self._speakers[speaker_id] = _SpeakerDraft(id=speaker_id, name=text)
        draft.affiliation = draft.affiliation or plain(affiliation, limit=NAME_CHARS)
        draft.bio = draft.bio or discord_markdown(bio, limit=BIO_CHARS)
        draft.avatar_url = draft.avatar_url or web_address(avatar_url)
        draft.url = draft.url or web_address(url)
        for link in links:
            address = web_address(link)
            if address and address not in draft.links:
                draft.links.append(address)
        return speaker_id

    # --- sessions ---------------------------------------------------------------

    def session(self, session: Session, where: str) -> bool:
        """Add ``session``; a second session with the same id is a problem and left out.

        A session that ends when it starts (a 0:00 duration, DTEND = DTSTART: a marker
        such as "Doors open") is kept as a moment, with a note; one that ends before it
        starts is a problem.
        """
        if session.id in self._sessions:
            self.problem(
                where,
                f'id "{session.id}" is already used by {self._session_where[session.id]}; '
                "this one is left out",
            )
            return False
        if session.end < session.start:
            ends = f"{session.end:%Y-%m-%d %H:%M} UTC"
            self.problem(where, f"ends before it starts (at {ends}); left out")
            return False
        if session.end == session.start:
            self.note(
                f'{where}: "{session.title}" lasts no time (it ends when it starts); '
                "kept as a moment at its start"
            )
        self._sessions[session.id] = session
        self._session_where[session.id] = where
        return True

    def build(self) -> ImportResult:
        """Return the result, or raise when the file gave no zone or nothing usable.

        :raises ConfigError: no time zone, or not one session could be read.
        """
        if self.zone is None and self._zone_refused:
            raise ConfigError(self.problems)
        if self.zone is None:
            raise ChoiceNeededError(
                [
                    *self.problems,
                    f"{self.source}: the file names no time zone, and its times no "
                    "whole-hour UTC offset",
                ],
                choice="zone",
            )
        if not self._sessions:
            raise ConfigError([*self.problems, f"{self.source}: no session could be read"])
        sessions = sorted(self._sessions.values(), key=lambda s: (s.start, s.room_id or "", s.id))
        speakers = tuple(
            Speaker(
                id=d.id,
                name=d.name,
                affiliation=d.affiliation,
                bio=d.bio,
                avatar_url=d.avatar_url,
                links=tuple(d.links),
                url=d.url,
            )
            for d in self._speakers.values()
        )
        schedule = Schedule(
            conference=Conference(
                name=self.name or self.source,
                zone=self.zone,
                url=self.url,
                description=self.description,
            ),
            sessions=tuple(sessions),
            speakers=speakers,
            rooms=tuple(self._rooms.values()),
            tracks=tuple(self._tracks.values()),
        )
        return ImportResult(
            schedule=schedule,
            format=self.format_name,
            problems=tuple(self.problems),
            notes=tuple(self.notes),
        )


def web_address(value: object) -> str | None:
    """Return ``value`` if it is an http(s) address (spaces encoded), else ``None``."""
    if not isinstance(value, str):
        return None
    text = value.strip().replace(" ", "%20")
    return text if _URL.fullmatch(text) else None
