"""Reading what a reader typed against the schedule: a session, a day, a zone, a room, a track.

:class:`ScheduleLookup` resolves the texts of slash-command options and plain questions
to the schedule's sessions, local days, rooms and tracks; :func:`zone_from_text` to an
IANA zone. Each raises a :class:`UserError` (one clear sentence, quoting what was typed
through :func:`echo`, naming the closest matches) when the text names nothing.
:class:`~bot.answers.schedule_answers.ScheduleAnswers` builds its answers on it.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from bot.answers.reader import Reader
from bot.answers.search import SearchIndex
from bot.errors import NotFoundError, TimeParseError, UnknownZoneError, UserError
from bot.rendering.text import human_join, neutralise, printable, truncate
from bot.schedule.index import ScheduleIndex
from bot.schedule.model import Session
from bot.timezones import parse_user_time, require_readable_date, resolve_zone
from bot.timezones import to_local as _to_local

__all__ = ["ECHO_CHARS", "LISTED_PLACES", "ScheduleLookup", "echo", "zone_from_text"]

# Echoed user input is cut to this, so an error sentence stays short whatever was typed.
ECHO_CHARS = 80
# How many places an unknown room or track sentence lists.
LISTED_PLACES = 8
_DAY_NUMBER = re.compile(r"^day\s*(\d{1,2})$", re.I)


def echo(text: str) -> str:
    """Return user input to quote back: one line, short, without markdown or mentions."""
    return neutralise(truncate(" ".join(text.split()), ECHO_CHARS))


def zone_from_text(text: str) -> str:
    """Return the IANA zone the user typed; the error sentence names the closest zones.

    :raises UnknownZoneError: nothing matches ("Did you mean …?" when something is close).
    :raises AmbiguousZoneError: several zones match; the sentence lists them.
    """
    text = " ".join(printable(text).split())[:100]
    if not text:
        raise UnknownZoneError("Type a time zone, for example “Europe/Paris” or “Tokyo”.")
    try:
        return resolve_zone(text)
    except UnknownZoneError as error:
        if not error.suggestions:
            raise UnknownZoneError(
                f"I don't know the time zone “{echo(text)}”: try a city such as “Tokyo”"
                " or a name such as “Europe/Paris”."
            ) from None
        named = human_join(error.suggestions[:5], conjunction="or")
        raise UnknownZoneError(
            f"I don't know the time zone “{echo(text)}”. Did you mean {named}?",
            suggestions=error.suggestions,
        ) from None


class ScheduleLookup:
    """Resolve typed sessions, days, rooms and tracks in one schedule and its search index."""

    def __init__(self, schedule: ScheduleIndex, search: SearchIndex) -> None:
        self.schedule = schedule
        self.search_index = search

    def find_session(self, text: str, now: datetime) -> Session:
        """Return the session ``text`` names, preferring sessions not yet over.

        :raises NotFoundError: nothing matches; the sentence names the closest titles.
        """
        match = self.search_index.find_session(text[:200], after=now) if text.strip() else None
        session = self.schedule.session(match.id) if match else None
        if session is None:
            raise self._no_session(text)
        return session

    def _no_session(self, text: str) -> NotFoundError:
        if not text.strip():
            return NotFoundError("Type part of a session's title or a speaker's name.")
        titles = self.search_index.suggest_sessions(text[:200], 3)
        if titles:
            named = human_join([f"“{neutralise(title)}”" for title in titles], conjunction="or")
            return NotFoundError(
                f"I found no session matching “{echo(text)}”. Did you mean {named}?",
                suggestions=titles,
            )
        return NotFoundError(
            f"I found no session matching “{echo(text)}”. Try /search or /schedule."
        )

    def reader_in(self, reader: Reader, zone_text: str | None) -> Reader:
        """Return ``reader`` moved to the zone they named ("…in Sydney"), if any.

        :raises UserError: the zone is unknown or ambiguous; the sentence offers some.
        """
        if not zone_text:
            return reader
        return reader.in_zone(zone_from_text(zone_text))

    def parse_day(self, text: str, reader: Reader, now: datetime) -> date:
        """Return the local day ``text`` names: an ISO date, "today", "friday", "25 feb", "day 2".

        :raises UserError: the text is not a day.
        """
        text = " ".join(printable(text).split())[:60]
        try:
            return require_readable_date(date.fromisoformat(text))
        except ValueError:
            pass
        number = _DAY_NUMBER.match(text)
        if number:
            days = self.schedule.local_days(reader.zone)
            position = int(number[1])
            if not 1 <= position <= len(days):
                raise UserError(f"The conference has {len(days)} days; pick day 1 to {len(days)}.")
            return days[position - 1]
        try:
            return _to_local(
                parse_user_time(f"{text} noon", reader.zone, now=now), reader.zone
            ).date()
        except TimeParseError:
            raise UserError(
                f"I can't read “{echo(text)}” as a day: try “today”, “friday”, “25 Feb”"
                " or pick one of the offered days."
            ) from None

    def track_id(self, text: str) -> str:
        """Return the id of the track ``text`` names (id or name).

        :raises NotFoundError: no track matches; the sentence lists some.
        """
        match = self.search_index.find_track(text[:100])
        if match is None:
            names = [neutralise(t.name) for t in self.schedule.tracks[:LISTED_PLACES]]
            raise NotFoundError(
                f"There is no track called “{echo(text)}”.{_listed('Tracks', names)}"
            )
        return match.id

    def room_id(self, text: str) -> str:
        """Return the id of the room ``text`` names (id or name).

        :raises NotFoundError: no room matches; the sentence lists some.
        """
        match = self.search_index.find_room(text[:100])
        if match is None:
            names = [neutralise(r.name) for r in self.schedule.rooms[:LISTED_PLACES]]
            raise NotFoundError(f"There is no room called “{echo(text)}”.{_listed('Rooms', names)}")
        return match.id

    def _place(self, room: str | None, track: str | None) -> tuple[str | None, str | None]:
        """Return (room id, track id); a "room" that is no room may be a track ("in law")."""
        track_id = self.track_id(track) if track else None
        if not room:
            return None, track_id
        if self.search_index.find_room(room[:100]) is None and track_id is None:
            as_track = self.search_index.find_track(room[:100])
            if as_track is not None:
                return None, as_track.id
        return self.room_id(room), track_id

    def _place_name(self, room_id: str | None, track_id: str | None) -> str | None:
        room = self.schedule.room(room_id) if room_id else None
        track = self.schedule.track(track_id) if track_id else None
        names = [room.name if room else "", f"the {track.name} track" if track else ""]
        return " / ".join(name for name in names if name) or None


def _listed(what: str, names: list[str]) -> str:
    return f" {what}: {human_join(names)}." if names else ""
