"""A read-only index over a :class:`Schedule` that answers the bot's questions fast.

Built once per schedule (load or reload), then every question is a dict look-up or a
bisection over sorted instants: "what is on now" uses precomputed segments between
consecutive start/end instants, so it costs the same for a 20-minute talk as for a
three-day hackathon. Local days are computed by localising midnights in the reader's
zone (never by adding 24 hours), so 23- and 25-hour DST days come out right.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import TypeVar

from bot.errors import AmbiguousTimeError, NonExistentTimeError
from bot.schedule.model import Conference, Room, Schedule, Session, Speaker, Track
from bot.timezones import localize_wall_time

__all__ = ["ScheduleIndex"]

_CACHE_LIMIT = 4096
_Value = TypeVar("_Value")


def _session_order(session: Session) -> tuple[datetime, str, str]:
    return (session.start, session.room_id or "", session.id)


def _fold(text: str) -> str:
    """Return ``text`` case- and accent-folded, so "José" sorts and matches like "jose"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _require_aware(instant: datetime) -> None:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("ScheduleIndex expects aware datetimes")


class _Timeline:
    """Sessions in start order with their starts, for bisection."""

    __slots__ = ("sessions", "starts")

    def __init__(self, sessions: Iterable[Session]) -> None:
        self.sessions: tuple[Session, ...] = tuple(sessions)
        self.starts: list[datetime] = [session.start for session in self.sessions]


_EMPTY = _Timeline(())


class ScheduleIndex:
    """Fast, read-only answers about one schedule; build it once per (re)load."""

    def __init__(self, schedule: Schedule) -> None:
        self.schedule = schedule
        ordered = sorted(schedule.sessions, key=_session_order)
        self._all = _Timeline(ordered)
        self._sessions = {session.id: session for session in ordered}
        self._speakers = {speaker.id: speaker for speaker in schedule.speakers}
        self._rooms = {room.id: room for room in schedule.rooms}
        self._tracks = {track.id: track for track in schedule.tracks}
        # Ids are typed by attendees; fall back to a case-insensitive match.
        self._folded: dict[str, dict[str, str]] = {
            kind: {key.casefold(): key for key in table}
            for kind, table in (
                ("session", self._sessions),
                ("speaker", self._speakers),
                ("room", self._rooms),
                ("track", self._tracks),
            )
        }
        by_room: dict[str, list[Session]] = {}
        by_track: dict[str, list[Session]] = {}
        by_speaker: dict[str, list[Session]] = {}
        for session in ordered:
            if session.room_id is not None:
                by_room.setdefault(session.room_id, []).append(session)
            if session.track_id is not None:
                by_track.setdefault(session.track_id, []).append(session)
            for speaker_id in session.speaker_ids:
                by_speaker.setdefault(speaker_id, []).append(session)
        self._by_room = {key: _Timeline(value) for key, value in by_room.items()}
        self._by_track = {key: _Timeline(value) for key, value in by_track.items()}
        self._by_speaker = {key: tuple(value) for key, value in by_speaker.items()}
        self._bounds, self._running = self._segments(ordered)
        self._last_end = max((session.end for session in ordered), default=None)
        self._speakers_sorted = tuple(
            sorted(schedule.speakers, key=lambda speaker: (_fold(speaker.name), speaker.id))
        )
        self._day_bounds: dict[tuple[date, str], tuple[datetime, datetime]] = {}
        self._local_days: dict[str, tuple[date, ...]] = {}
        self._haystack_cache: list[str] | None = None  # built on the first search

    @staticmethod
    def _segments(
        ordered: list[Session],
    ) -> tuple[list[datetime], list[tuple[Session, ...]]]:
        """Return the sorted boundary instants and the sessions running from each one.

        Between two consecutive boundaries the set of running sessions cannot change, so
        "what is on at t" is one bisection plus a precomputed tuple.
        """
        starting: dict[datetime, list[Session]] = {}
        ending: dict[datetime, list[Session]] = {}
        for session in ordered:
            starting.setdefault(session.start, []).append(session)
            ending.setdefault(session.end, []).append(session)
        bounds = sorted(starting.keys() | ending.keys())
        position = {session.id: number for number, session in enumerate(ordered)}
        running: dict[str, Session] = {}
        segments: list[tuple[Session, ...]] = []
        for bound in bounds:
            for session in ending.get(bound, ()):
                del running[session.id]
            for session in starting.get(bound, ()):
                running[session.id] = session
            segments.append(
                tuple(sorted(running.values(), key=lambda session: position[session.id]))
            )
        return bounds, segments

    # Look-ups by id -------------------------------------------------------------------

    def _lookup(self, kind: str, table: dict[str, _Value], key: str) -> _Value | None:
        found = table.get(key)
        if found is None:
            exact = self._folded[kind].get(key.strip().casefold())
            found = None if exact is None else table[exact]
        return found

    def session(self, session_id: str) -> Session | None:
        """Return the session with this id (case-insensitive), or ``None``."""
        return self._lookup("session", self._sessions, session_id)

    def speaker(self, speaker_id: str) -> Speaker | None:
        """Return the speaker with this id (case-insensitive), or ``None``."""
        return self._lookup("speaker", self._speakers, speaker_id)

    def room(self, room_id: str) -> Room | None:
        """Return the room with this id (case-insensitive), or ``None``."""
        return self._lookup("room", self._rooms, room_id)

    def track(self, track_id: str) -> Track | None:
        """Return the track with this id (case-insensitive), or ``None``."""
        return self._lookup("track", self._tracks, track_id)

    # The whole programme --------------------------------------------------------------

    @property
    def conference(self) -> Conference:
        """Return the conference the schedule belongs to."""
        return self.schedule.conference

    @property
    def sessions(self) -> tuple[Session, ...]:
        """Return every session, ordered by (start, room, id)."""
        return self._all.sessions

    @property
    def rooms(self) -> tuple[Room, ...]:
        """Return the rooms in the order the schedule lists them."""
        return self.schedule.rooms

    @property
    def tracks(self) -> tuple[Track, ...]:
        """Return the tracks in the order the schedule lists them."""
        return self.schedule.tracks

    @property
    def speakers_sorted(self) -> tuple[Speaker, ...]:
        """Return the speakers by name, ignoring case and accents ("Émile" near "Emma")."""
        return self._speakers_sorted

    @property
    def first_start(self) -> datetime | None:
        """Return when the first session starts, or ``None`` for an empty schedule."""
        return self._all.starts[0] if self._all.starts else None

    @property
    def last_end(self) -> datetime | None:
        """Return when the last session ends, or ``None`` for an empty schedule."""
        return self._last_end

    def __len__(self) -> int:
        return len(self._all.sessions)

    # Questions about time -------------------------------------------------------------

    def _timeline(self, room_id: str | None, track_id: str | None) -> _Timeline:
        """Return the narrowest timeline for the filters (the caller applies the other)."""
        if room_id is not None:
            return self._by_room.get(room_id, _EMPTY)
        if track_id is not None:
            return self._by_track.get(track_id, _EMPTY)
        return self._all

    def sessions_at(
        self, instant: datetime, room_id: str | None = None, track_id: str | None = None
    ) -> tuple[Session, ...]:
        """Return the sessions running at ``instant`` (start inclusive, end exclusive)."""
        _require_aware(instant)
        segment = bisect_right(self._bounds, instant) - 1
        if segment < 0:
            return ()
        running = self._running[segment]
        if room_id is None and track_id is None:
            return running
        return tuple(
            session
            for session in running
            if (room_id is None or session.room_id == room_id)
            and (track_id is None or session.track_id == track_id)
        )

    def next_sessions(
        self,
        after: datetime,
        *,
        room_id: str | None = None,
        track_id: str | None = None,
        limit: int = 5,
    ) -> tuple[Session, ...]:
        """Return up to ``limit`` sessions starting strictly after ``after``, soonest first.

        A session starting exactly at ``after`` is running then (see :meth:`sessions_at`),
        so it is not "next".
        """
        _require_aware(after)
        if limit <= 0:
            return ()
        timeline = self._timeline(room_id, track_id)
        first = bisect_right(timeline.starts, after)
        if room_id is None or track_id is None:
            return timeline.sessions[first : first + limit]
        found: list[Session] = []
        for session in timeline.sessions[first:]:
            if session.track_id == track_id:
                found.append(session)
                if len(found) == limit:
                    break
        return tuple(found)

    def sessions_by_speaker(self, speaker_id: str) -> tuple[Session, ...]:
        """Return the sessions the speaker speaks in, in start order (``()`` if none)."""
        speaker = self.speaker(speaker_id)
        return () if speaker is None else self._by_speaker.get(speaker.id, ())

    def local_day_bounds(self, day: date, zone: str) -> tuple[datetime, datetime]:
        """Return the UTC instants where ``day`` starts and ends on clocks in ``zone``.

        The day is 23 or 25 hours long when DST starts or ends in it.

        :raises UnknownZoneError: ``zone`` is not an IANA zone name.
        """
        key = (day, zone)
        bounds = self._day_bounds.get(key)
        if bounds is None:
            if len(self._day_bounds) >= _CACHE_LIMIT:
                self._day_bounds.clear()
            bounds = (_day_start(day, zone), _day_start(day + timedelta(days=1), zone))
            self._day_bounds[key] = bounds
        return bounds

    def sessions_on_local_day(
        self,
        day: date,
        zone: str,
        *,
        track_id: str | None = None,
        room_id: str | None = None,
    ) -> tuple[Session, ...]:
        """Return the sessions that start on ``day`` as read on clocks in ``zone``.

        :raises UnknownZoneError: ``zone`` is not an IANA zone name.
        """
        start, end = self.local_day_bounds(day, zone)
        timeline = self._timeline(room_id, track_id)
        found = timeline.sessions[
            bisect_left(timeline.starts, start) : bisect_left(timeline.starts, end)
        ]
        if room_id is not None and track_id is not None:
            return tuple(session for session in found if session.track_id == track_id)
        return found

    def local_days(self, zone: str) -> list[date]:
        """Return, in order, the distinct days sessions start on, read in ``zone``.

        :raises UnknownZoneError: ``zone`` is not an IANA zone name.
        """
        days = self._local_days.get(zone)
        if days is None:
            days = self._compute_local_days(zone)
            if len(self._local_days) >= _CACHE_LIMIT:
                self._local_days.clear()
            self._local_days[zone] = days
        return list(days)

    def _compute_local_days(self, zone: str) -> tuple[date, ...]:
        starts = self._all.starts
        if not starts:
            return ()
        # UTC offsets stay within a day of UTC, so the candidates are the UTC days +-1.
        day = starts[0].date() - timedelta(days=1)
        last = starts[-1].date() + timedelta(days=1)
        days: list[date] = []
        while day <= last:
            day_start, day_end = self.local_day_bounds(day, zone)
            first = bisect_left(starts, day_start)
            if first < len(starts) and starts[first] < day_end:
                days.append(day)
                day += timedelta(days=1)
            elif first < len(starts):
                # Skip the days with no sessions: jump to the next start's UTC day - 1.
                day = max(day + timedelta(days=1), starts[first].date() - timedelta(days=1))
            else:
                break
        return tuple(days)

    # Text search ----------------------------------------------------------------------

    def search_sessions(self, text: str, *, limit: int = 10) -> tuple[Session, ...]:
        """Return sessions whose title, kind, id, room, track or speakers hold every word.

        Matching ignores case and accents, so "keynote" finds "Keynote: ..." and "jose"
        finds José. Results are in start order.
        """
        words = _fold(text).split()
        if not words or limit <= 0:
            return ()
        found: list[Session] = []
        for session, haystack in zip(self._all.sessions, self._haystacks(), strict=True):
            if all(word in haystack for word in words):
                found.append(session)
                if len(found) == limit:
                    break
        return tuple(found)

    def _haystacks(self) -> list[str]:
        haystacks = self._haystack_cache
        if haystacks is None:
            haystacks = [self._haystack(session) for session in self._all.sessions]
            self._haystack_cache = haystacks
        return haystacks

    def _haystack(self, session: Session) -> str:
        parts = [session.id, session.title, session.kind or ""]
        room = self._rooms.get(session.room_id or "")
        track = self._tracks.get(session.track_id or "")
        parts += [room.name if room else "", track.name if track else ""]
        for speaker_id in session.speaker_ids:
            speaker = self._speakers.get(speaker_id)
            parts.append(speaker.name if speaker else speaker_id)
        return _fold(" ".join(parts))


def _day_start(day: date, zone: str) -> datetime:
    """Return the UTC instant at which ``day`` begins on clocks in ``zone``.

    A few zones move their clocks at midnight: when 00:00 is skipped the day begins at
    the end of the gap, and when it happens twice the day begins at the first one. Both
    are the instant a little before midnight plus that little, taken on the old offset.
    """
    midnight = datetime.fromisoformat(day.isoformat())
    try:
        return localize_wall_time(midnight, zone)
    except (NonExistentTimeError, AmbiguousTimeError):
        pass
    for minutes in (1, 30, 60, 120, 180):
        step = timedelta(minutes=minutes)
        try:
            return localize_wall_time(midnight - step, zone) + step
        except (NonExistentTimeError, AmbiguousTimeError):
            continue
    raise ValueError(f"cannot find where {day} begins in {zone}")  # pragma: no cover
