"""One pass over a native schedule document (:mod:`bot.schedule.native`) that lists every problem.

:class:`NativeParser` reads the ``[conference]`` table and the ``[[rooms]]``,
``[[tracks]]``, ``[[speakers]]`` and ``[[sessions]]`` arrays of parsed TOML/JSON,
checks every key (unknown ones, types, ids used twice, references to undefined rooms,
tracks and speakers) and raises one :class:`ConfigError` listing them all; the times
are read by :mod:`bot.schedule.native_times`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from bot.errors import ConfigError
from bot.schedule.model import Conference, Room, Schedule, Session, Speaker, Track
from bot.schedule.native_times import read_wall_time, session_end, wall_instant
from bot.schedule.validation import Problems, Table, describe_type, did_you_mean
from bot.timezones import is_valid_zone

__all__ = ["NativeParser"]

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

_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")


class NativeParser:
    """One pass over a schedule document that records every problem before giving up."""

    def __init__(self, data: Mapping[str, Any], problems: Problems) -> None:
        self.data = data
        self.problems = problems
        self.zone: str | None = None
        self.room_ids: set[str] = set()
        self.track_ids: set[str] = set()
        self.speaker_ids: set[str] = set()

    def schedule(self) -> Schedule:
        """Return the checked schedule.

        :raises ConfigError: the document breaks any rule; every problem found is listed.
        """
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
        start = read_wall_time(table, "start")
        start_instant = wall_instant(table, "start", start, self.zone)
        end_instant = session_end(table, start, start_instant, self.zone)
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

    def _reference(self, table: Table, key: str, known: set[str], plural: str) -> str | None:
        """Return the id at ``key`` if it names a defined room/track, recording why not."""
        value = table.text(key)
        if value is None or value in known:
            return value
        hint = did_you_mean(value, known) if known else f" (the file defines no {plural})"
        table.problem(f'{key} "{value}" is not defined in [[{plural}]]{hint}')
        return None
