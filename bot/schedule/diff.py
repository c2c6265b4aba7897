"""What changed between two versions of a schedule, keyed on the sources' stable ids.

Pure: two :class:`~bot.schedule.model.Schedule` values in, a :class:`ScheduleDiff`
out; nothing is sent, stored or scheduled here (the refresh does that).

A session can be *added*, *removed* (absent from the new version: pretalx simply drops
a cancelled talk), *cancelled* (still listed, marked cancelled), *restored* (cancelled
or removed before, back now), *moved* (its time, local day or room changed),
*retitled*, or have its *speakers changed*; the last three combine. A session that
was already cancelled and is still absent or cancelled is not a change: keep the
previous version's tombstones with :func:`carry_cancelled` so it stays cancelled and
is announced as restored if it comes back.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from bot.schedule.model import Room, Schedule, Session, Speaker
from bot.timezones import local_day

__all__ = ["Change", "ScheduleDiff", "SessionChange", "carry_cancelled", "diff_schedules"]


class Change(StrEnum):
    """One way a session changed."""

    ADDED = "added"
    REMOVED = "removed"
    CANCELLED = "cancelled"
    RESTORED = "restored"
    MOVED = "moved"
    RETITLED = "retitled"
    SPEAKERS = "speakers changed"


@dataclass(frozen=True, slots=True)
class SessionChange:
    """How one session changed: ``before`` and/or ``after``, and what moved."""

    session_id: str
    changes: tuple[Change, ...]
    before: Session | None
    after: Session | None
    moved: tuple[str, ...] = ()  # any of "time", "day", "room"

    @property
    def session(self) -> Session:
        """Return the session as it is now (as it was, if it is gone)."""
        session = self.after or self.before
        if session is None:  # pragma: no cover - a change always has one side
            raise ValueError("a change without a session")
        return session


@dataclass(frozen=True, slots=True)
class ScheduleDiff:
    """Every session that changed, in the new schedule's order (gone ones last)."""

    changes: tuple[SessionChange, ...]

    def __bool__(self) -> bool:
        return bool(self.changes)

    def of(self, kind: Change) -> tuple[SessionChange, ...]:
        """Return the changes that include ``kind``."""
        return tuple(change for change in self.changes if kind in change.changes)

    def counts(self) -> dict[str, int]:
        """Return how many sessions had each kind of change (kinds with none left out)."""
        counts = {kind.value: len(self.of(kind)) for kind in Change}
        return {kind: count for kind, count in counts.items() if count}


def _room_names(schedule: Schedule) -> dict[str, str]:
    return {room.id: room.name for room in schedule.rooms}


def _moved(
    before: Session,
    after: Session,
    rooms_before: dict[str, str],
    rooms_after: dict[str, str],
    zone: str,
) -> tuple[str, ...]:
    moved = []
    if before.start != after.start or before.end != after.end:
        moved.append("time")
    if local_day(before.start, zone) != local_day(after.start, zone):
        moved.append("day")
    room_before = rooms_before.get(before.room_id or "", before.room_id)
    room_after = rooms_after.get(after.room_id or "", after.room_id)
    if room_before != room_after:
        moved.append("room")
    return tuple(moved)


def diff_schedules(old: Schedule, new: Schedule) -> ScheduleDiff:
    """Return what changed from ``old`` to ``new``, session by stable id.

    Days are compared in the new schedule's conference zone.
    """
    zone = new.conference.zone
    old_sessions = {session.id: session for session in old.sessions}
    new_ids = set()
    rooms_before, rooms_after = _room_names(old), _room_names(new)
    changes: list[SessionChange] = []
    for after in new.sessions:
        new_ids.add(after.id)
        before = old_sessions.get(after.id)
        if before is None or before.cancelled:
            if not after.cancelled:
                kind = Change.ADDED if before is None else Change.RESTORED
                changes.append(SessionChange(after.id, (kind,), before, after))
            continue
        if after.cancelled:
            changes.append(SessionChange(after.id, (Change.CANCELLED,), before, after))
            continue
        kinds = []
        moved = _moved(before, after, rooms_before, rooms_after, zone)
        if moved:
            kinds.append(Change.MOVED)
        if before.title != after.title:
            kinds.append(Change.RETITLED)
        if set(before.speaker_ids) != set(after.speaker_ids):
            kinds.append(Change.SPEAKERS)
        if kinds:
            changes.append(SessionChange(after.id, tuple(kinds), before, after, moved))
    for before in old.sessions:
        if before.id not in new_ids and not before.cancelled:
            changes.append(SessionChange(before.id, (Change.REMOVED,), before, None))
    return ScheduleDiff(tuple(changes))


def carry_cancelled(previous: Schedule, imported: Schedule) -> Schedule:
    """Return ``imported`` plus, marked cancelled, every ``previous`` session it lacks.

    Store this rather than ``imported``: a session removed (or cancelled) once then stays
    cancelled while later versions still lack it, and is "restored" if it returns.
    The speakers, rooms and tracks those sessions name are carried along with them.
    """
    present = {session.id for session in imported.sessions}
    gone = [
        replace(session, cancelled=True)
        for session in previous.sessions
        if session.id not in present
    ]
    if not gone:
        return imported
    speaker_ids = {speaker.id for speaker in imported.speakers}
    room_ids = {room.id for room in imported.rooms}
    needed_speakers = {sid for session in gone for sid in session.speaker_ids} - speaker_ids
    needed_rooms = {session.room_id for session in gone if session.room_id} - room_ids
    speakers: tuple[Speaker, ...] = imported.speakers + tuple(
        speaker for speaker in previous.speakers if speaker.id in needed_speakers
    )
    rooms: tuple[Room, ...] = imported.rooms + tuple(
        room for room in previous.rooms if room.id in needed_rooms
    )
    track_ids = {track.id for track in imported.tracks}
    needed_tracks = {session.track_id for session in gone if session.track_id} - track_ids
    tracks = imported.tracks + tuple(
        track for track in previous.tracks if track.id in needed_tracks
    )
    sessions = sorted((*imported.sessions, *gone), key=lambda s: (s.start, s.room_id or "", s.id))
    return replace(
        imported, sessions=tuple(sessions), speakers=speakers, rooms=rooms, tracks=tracks
    )
