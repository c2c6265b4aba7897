"""The native schedule file: TOML (or its JSON twin) written in local wall-clock time.

Organisers write times as they read them on a clock in the conference's zone; the
loader turns them into aware UTC instants once, here, and nowhere else. The format::

    [conference]
    name = "Example Conf"            # required
    zone = "America/New_York"        # required: the IANA zone every time is written in
    url = "https://example.org"      # optional
    description = "..."              # optional
    organisers = ["..."]             # optional

    [[rooms]]                         # optional, repeatable
    id = "main"                       # required, unique: letters, digits, - _ .
    name = "Main stage"               # required
    stream_url = "https://..."        # optional

    [[tracks]]                        # optional, repeatable
    id = "law"
    name = "Law and evidence"

    [[speakers]]                      # optional, repeatable
    id = "nice"
    name = "Sir Geoffrey Nice QC"
    affiliation = "..."               # optional; so are bio, url, avatar_url
    links = ["https://..."]           # optional
    discord_user_id = 123456789012345678   # optional (an integer or a string of digits)

    [[sessions]]
    id = "keynote"
    title = "..."
    start = "2021-02-24 16:00"        # local wall time in the conference zone
    end = "2021-02-24 17:45"          # or end = "17:45" (same day), or duration
    # duration = "1h45m"              # or "90m", "2h", or an integer of minutes
    room = "main"                     # optional, must name a [[rooms]] id
    track = "law"                     # optional, must name a [[tracks]] id
    kind = "keynote"                  # optional free text: talk, panel, workshop...
    language = "en"                   # optional
    speakers = ["nice"]               # optional, each a [[speakers]] id
    abstract = \"\"\"...\"\"\"              # optional; so are url and stream_url

A time may carry an explicit UTC offset (``"2021-11-07 01:30-05:00"``, or ``Z``); it
is then an exact instant, which is how an organiser says which of the two 01:30s of
a daylight-saving fold they mean. TOML's own date-time values (unquoted
``2021-02-24T16:00:00``) are accepted too. Durations are elapsed time, so a session
that spans a DST change still lasts what it says.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from bot.errors import AmbiguousTimeError, ConfigError, NonExistentTimeError
from bot.schedule.model import Conference, Room, Schedule, Session, Speaker, Track
from bot.schedule.validation import Problems, Table, describe_type, did_you_mean
from bot.text_files import read_text_file
from bot.timezones import is_valid_zone, localize_wall_time

__all__ = ["load_native_schedule", "parse_native_text", "parse_schedule"]

_Item = TypeVar("_Item", Room, Track, Speaker, Session)

_TOP_KEYS = ("conference", "rooms", "tracks", "speakers", "sessions")
_CONFERENCE_KEYS = ("name", "zone", "url", "description", "organisers")
_ROOM_KEYS = ("id", "name", "stream_url")
_TRACK_KEYS = ("id", "name")
_SPEAKER_KEYS = (
    "id",
    "name",
    "affiliation",
    "bio",
    "links",
    "avatar_url",
    "url",
    "discord_user_id",
)
_SESSION_KEYS = (
    "id",
    "title",
    "start",
    "end",
    "duration",
    "room",
    "track",
    "kind",
    "language",
    "speakers",
    "abstract",
    "url",
    "stream_url",
)

_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})?")
_TIME_OF_DAY = re.compile(r"\d{2}:\d{2}")
_DURATION = re.compile(r"(?:(?P<hours>\d+)\s*h)?\s*(?:(?P<minutes>\d+)\s*m(?:in)?)?")
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")


def load_native_schedule(path: str | os.PathLike[str]) -> Schedule:
    """Read a native ``.toml`` or ``.json`` schedule file and return the checked schedule.

    :raises ConfigError: the file cannot be read or parsed, or breaks any rule; its
        ``problems`` name the file and list every mistake found, not only the first.
    """
    path = Path(path)
    source = path.name
    suffix = path.suffix.lower()
    if suffix not in (".toml", ".json"):
        raise ConfigError([f"{source}: a schedule file must end in .toml or .json"])
    text = read_text_file(path, what="schedule file", name=source)
    return parse_native_text(text, source=source, toml=suffix == ".toml")


def parse_native_text(text: str, *, source: str, toml: bool) -> Schedule:
    """Return the schedule in native TOML (``toml``) or JSON ``text``.

    :raises ConfigError: ``text`` does not parse, or breaks any rule.
    """
    problems = Problems(source)
    if toml:
        try:
            data: Any = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            # tomllib's message ends "(at line 3, column 5)".
            raise ConfigError([f"{source}: not valid TOML: {error}"]) from None
    else:

        def reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
            # TOML refuses a repeated key; JSON silently keeps the last one.
            seen: dict[str, Any] = {}
            for key, value in pairs:
                if key in seen:
                    problems.add("", f'key "{key}" appears twice in the same object')
                seen[key] = value
            return seen

        try:
            data = json.loads(text, object_pairs_hook=reject_duplicates)
        except json.JSONDecodeError as error:
            raise ConfigError(
                [
                    f"{source}: not valid JSON: {error.msg} (at line {error.lineno}, "
                    f"column {error.colno})"
                ]
            ) from None
    if not isinstance(data, dict):
        raise ConfigError([f"{source}: the file must hold an object, not {describe_type(data)}"])
    return _Parser(data, problems).schedule()


def parse_schedule(data: Mapping[str, Any], *, source: str) -> Schedule:
    """Return the schedule described by parsed TOML/JSON ``data`` (``source`` names it).

    :raises ConfigError: ``data`` breaks any rule; every problem found is listed.
    """
    return _Parser(data, Problems(source)).schedule()


@dataclass(frozen=True, slots=True)
class _WallTime:
    """A time as written: the naive wall clock, plus the exact instant if an offset was given."""

    text: str
    wall: datetime
    instant: datetime | None


def _offset_text(delta: timedelta) -> str:
    minutes = int(delta.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


def _fold_offsets(wall: datetime, zone: str) -> tuple[str, str] | None:
    """Return the UTC offsets before and after the DST fold at ``wall``, to suggest them."""
    try:
        # Folds are hours apart from any other transition, so a day either side is clear.
        before = wall - timedelta(days=1)
        after = wall + timedelta(days=1)
        offset_before = before - localize_wall_time(before, zone).replace(tzinfo=None)
        offset_after = after - localize_wall_time(after, zone).replace(tzinfo=None)
    except (NonExistentTimeError, AmbiguousTimeError):
        return None
    return _offset_text(offset_before), _offset_text(offset_after)


def _parse_duration(value: object) -> timedelta | str:
    """Return the duration written as minutes or ``"1h45m"``, or why it is not one."""
    if isinstance(value, int) and not isinstance(value, bool):
        minutes = value
    elif (
        isinstance(value, str)
        and (match := _DURATION.fullmatch(value.strip()))
        and (match["hours"] or match["minutes"])
    ):
        minutes = int(match["hours"] or 0) * 60 + int(match["minutes"] or 0)
    else:
        return (
            f"duration {value!r} is not a duration: write minutes (90) "
            'or hours and minutes ("1h30m")'
        )
    if minutes <= 0:
        return f"duration {value!r} must be more than zero minutes"
    return timedelta(minutes=minutes)


class _Parser:
    """One pass over a schedule document that records every problem before giving up."""

    def __init__(self, data: Mapping[str, Any], problems: Problems) -> None:
        self.data = data
        self.problems = problems
        self.zone: str | None = None
        self.room_ids: set[str] = set()
        self.track_ids: set[str] = set()
        self.speaker_ids: set[str] = set()

    def schedule(self) -> Schedule:
        Table(self.data, "", self.problems, _TOP_KEYS)
        conference = self._conference()
        rooms = self._items("rooms", "room", _ROOM_KEYS, self._room)
        tracks = self._items("tracks", "track", _TRACK_KEYS, self._track)
        speakers = self._items("speakers", "speaker", _SPEAKER_KEYS, self._speaker)
        self.room_ids = {room.id for room in rooms}
        self.track_ids = {track.id for track in tracks}
        self.speaker_ids = {speaker.id for speaker in speakers}
        sessions = self._items("sessions", "session", _SESSION_KEYS, self._session)
        if self.problems or conference is None:
            raise ConfigError(self.problems.messages)
        sessions.sort(key=lambda session: (session.start, session.room_id or "", session.id))
        return Schedule(
            conference=conference,
            sessions=tuple(sessions),
            speakers=tuple(speakers),
            rooms=tuple(rooms),
            tracks=tuple(tracks),
        )

    def _conference(self) -> Conference | None:
        data = self.data.get("conference")
        if not isinstance(data, dict):
            if data is None:
                self.problems.add("", 'missing the [conference] table (with "name" and "zone")')
            else:
                self.problems.add(
                    "", f"conference must be a table, not {describe_type(data)} ({data!r})"
                )
            return None
        table = Table(data, "conference", self.problems, _CONFERENCE_KEYS)
        name = table.text("name", required=True)
        zone = table.text("zone")
        if zone is None:
            if "zone" not in data:
                table.problem(
                    'missing required key "zone" (the IANA time zone every time is '
                    'written in, such as "America/New_York")'
                )
        elif is_valid_zone(zone):
            self.zone = zone
        else:
            table.problem(
                f'zone "{zone}" is not an IANA time zone name '
                '(write one such as "America/New_York" or "Europe/Berlin")'
            )
        url = table.url("url")
        description = table.text("description")
        organisers = table.text_list("organisers")
        if name is None or zone is None or organisers is None:
            return None
        return Conference(
            name=name, zone=zone, url=url, description=description, organisers=organisers
        )

    def _items(
        self,
        key: str,
        noun: str,
        allowed: tuple[str, ...],
        read: Callable[[Table, str | None], _Item | None],
    ) -> list[_Item]:
        """Read the ``[[key]]`` array of tables, rejecting ids used twice (ignoring case)."""
        entries = self.data.get(key)
        if entries is None:
            return []
        if not isinstance(entries, list):
            self.problems.add(
                "", f"{key} must be a list of tables ([[{key}]]), not {describe_type(entries)}"
            )
            return []
        items: list[_Item] = []
        first_use: dict[str, tuple[int, str]] = {}
        for position, entry in enumerate(entries, start=1):
            if not isinstance(entry, dict):
                self.problems.add(
                    f"{noun} #{position}", f"must be a table, not {describe_type(entry)}"
                )
                continue
            raw_id = entry.get("id")
            named = raw_id.strip() if isinstance(raw_id, str) else ""
            where = f'{noun} "{named}"' if named else f"{noun} #{position}"
            table = Table(entry, where, self.problems, allowed)
            item_id = table.identifier()
            if item_id is not None:
                # Attendees type ids in commands, where case is easy to get wrong.
                folded = item_id.casefold()
                if folded in first_use:
                    first_position, first_id = first_use[folded]
                    table.problem(
                        f"duplicate {noun} id: {noun} #{first_position} already uses "
                        f'"{first_id}"' + (" (ids ignore case)" if first_id != item_id else "")
                    )
                else:
                    first_use[folded] = (position, item_id)
            item = read(table, item_id)
            if item is not None:
                items.append(item)
        return items

    def _room(self, table: Table, item_id: str | None) -> Room | None:
        name = table.text("name", required=True)
        stream_url = table.url("stream_url")
        if item_id is None or name is None:
            return None
        return Room(id=item_id, name=name, stream_url=stream_url)

    def _track(self, table: Table, item_id: str | None) -> Track | None:
        name = table.text("name", required=True)
        if item_id is None or name is None:
            return None
        return Track(id=item_id, name=name)

    def _speaker(self, table: Table, item_id: str | None) -> Speaker | None:
        name = table.text("name", required=True)
        affiliation = table.text("affiliation")
        bio = table.text("bio")
        links = table.text_list("links")
        for link in links or ():
            if not link.startswith(("https://", "http://")) or " " in link:
                table.problem(f'links item "{link}" must be a web address starting with https://')
        avatar_url = table.url("avatar_url")
        url = table.url("url")
        discord_user_id = table.snowflake("discord_user_id")
        if item_id is None or name is None or links is None:
            return None
        return Speaker(
            id=item_id,
            name=name,
            affiliation=affiliation,
            bio=bio,
            avatar_url=avatar_url,
            links=links,
            discord_user_id=discord_user_id,
            url=url,
        )

    def _session(self, table: Table, item_id: str | None) -> Session | None:
        title = table.text("title", required=True)
        start = self._wall_time(table, "start")
        start_instant = self._instant(table, "start", start)
        end_instant = self._end(table, start, start_instant)
        room_id = self._reference(table, "room", self.room_ids, "rooms")
        track_id = self._reference(table, "track", self.track_ids, "tracks")
        kind = table.text("kind")
        language = table.text("language")
        if language is not None and not _LANGUAGE.fullmatch(language):
            table.problem(f'language "{language}" must be a language code such as "en" or "pt-BR"')
        speaker_ids = table.text_list("speakers")
        for position, speaker_id in enumerate(speaker_ids or (), start=1):
            if speaker_id not in self.speaker_ids:
                table.problem(
                    f'speakers item "{speaker_id}" is not defined in [[speakers]]'
                    f"{did_you_mean(speaker_id, self.speaker_ids)}"
                )
            elif speaker_id in (speaker_ids or ())[: position - 1]:
                table.problem(f'speakers lists "{speaker_id}" twice')
        abstract = table.text("abstract")
        url = table.url("url")
        stream_url = table.url("stream_url")
        if (
            item_id is None
            or title is None
            or start_instant is None
            or end_instant is None
            or speaker_ids is None
        ):
            return None
        return Session(
            id=item_id,
            title=title,
            start=start_instant,
            end=end_instant,
            abstract=abstract,
            room_id=room_id,
            track_id=track_id,
            kind=kind,
            language=language,
            speaker_ids=speaker_ids,
            url=url,
            stream_url=stream_url,
        )

    def _end(
        self, table: Table, start: _WallTime | None, start_instant: datetime | None
    ) -> datetime | None:
        """Return the end instant, from ``end`` or from ``duration`` (elapsed time)."""
        has_end = table.data.get("end") is not None
        has_duration = table.data.get("duration") is not None
        if has_end and has_duration:
            table.problem('give either "end" or "duration", not both')
            return None
        if not has_end and not has_duration:
            table.problem('missing required key "end" (or "duration")')
            return None
        if has_duration:
            duration = _parse_duration(table.data["duration"])
            if isinstance(duration, str):
                table.problem(duration)
                return None
            return None if start_instant is None else start_instant + duration
        end = self._wall_time(table, "end", start=start)
        end_instant = self._instant(table, "end", end)
        if start is None or end is None or start_instant is None or end_instant is None:
            return None
        if end_instant <= start_instant:
            table.problem(f"end {end.text} is not after start {start.text}")
            return None
        return end_instant

    def _wall_time(
        self, table: Table, key: str, *, start: _WallTime | None = None
    ) -> _WallTime | None:
        """Return the time at ``key`` as written, or ``None`` (recording why)."""
        value = table.data.get(key)
        if value is None:
            table.problem(f'missing required key "{key}"')
            return None
        if isinstance(value, datetime):  # an unquoted TOML date-time
            text = value.isoformat(sep=" ")
            if value.tzinfo is None:
                return _WallTime(text, value, None)
            return _WallTime(text, value.replace(tzinfo=None), value.astimezone(UTC))
        if not isinstance(value, str):
            table.problem(
                f'{key} must be a date and time such as "2021-02-24 16:00", '
                f"not {describe_type(value)} ({value!r})"
            )
            return None
        text = value.strip()
        if key == "end" and _TIME_OF_DAY.fullmatch(text):
            if start is None:
                return None  # the start's problem is already recorded
            if start.instant is not None:
                table.problem(
                    f'end "{text}" gives only a time of day: write the date too '
                    "when start has a UTC offset"
                )
                return None
            text_with_day = f"{start.wall.date().isoformat()} {text}"
            try:
                return _WallTime(text, datetime.fromisoformat(text_with_day), None)
            except ValueError:
                table.problem(f'end "{text}" is not a real time of day')
                return None
        if not _DATETIME.fullmatch(text):
            table.problem(
                f'{key} "{text}" is not a date and time: write "YYYY-MM-DD HH:MM" '
                "in the conference zone's local time"
            )
            return None
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            table.problem(f'{key} "{text}" is not a real date and time')
            return None
        if parsed.tzinfo is None:
            return _WallTime(text, parsed, None)
        return _WallTime(text, parsed.replace(tzinfo=None), parsed.astimezone(UTC))

    def _instant(self, table: Table, key: str, written: _WallTime | None) -> datetime | None:
        """Return the UTC instant of a written time, reporting DST gaps and folds."""
        if written is None:
            return None
        if written.instant is not None:
            return written.instant
        if self.zone is None:
            return None  # the zone's problem is already recorded
        try:
            return localize_wall_time(written.wall, self.zone)
        except NonExistentTimeError:
            table.problem(
                f"{key} {written.text} does not exist in {self.zone}: the clocks skip it "
                "when daylight saving time starts; pick a time outside the gap"
            )
        except AmbiguousTimeError:
            hint = ""
            offsets = _fold_offsets(written.wall, self.zone)
            if offsets is not None:
                wall = f"{written.wall:%Y-%m-%d %H:%M}"
                hint = (
                    f', e.g. "{wall}{offsets[0]}" (the first) or "{wall}{offsets[1]}" (the second)'
                )
            table.problem(
                f"{key} {written.text} happens twice in {self.zone} (daylight saving time "
                f"ends): add the UTC offset to say which{hint}"
            )
        return None

    def _reference(self, table: Table, key: str, known: set[str], plural: str) -> str | None:
        """Return the id at ``key`` if it names a defined room/track, recording why not."""
        value = table.text(key)
        if value is None or value in known:
            return value
        hint = did_you_mean(value, known) if known else f" (the file defines no {plural})"
        table.problem(f'{key} "{value}" is not defined in [[{plural}]]{hint}')
        return None
