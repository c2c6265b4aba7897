"""The words of schedule-change notices: the channel post and the subscriber's DM.

Pure text. A :class:`ChangeNotice` is one session's change with the facts a reader
needs (titles, speakers' names, times, rooms' names), stored as a DM row's payload so
the DM is worded when it is sent, in the recipient's zone. The channel post uses the
conference zone plus Discord's self-localising ``<t:…:F>``, and is split into messages
within Discord's 2,000 characters.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, Literal

from bot.rendering.text import neutralise
from bot.schedule.diff import Change, ScheduleDiff, SessionChange
from bot.schedule.model import Schedule, Session
from bot.timezones import discord_timestamp, format_day, format_time, format_time_range, local_day

__all__ = [
    "MESSAGE_LIMIT",
    "ChangeNotice",
    "channel_messages",
    "combined_fingerprint",
    "dm_text",
    "notice_line",
    "notices_for",
]

# Discord's limit for one message's content.
MESSAGE_LIMIT = 2000
_HEADER = "**Schedule changes**"
# Order in which kinds are named when they combine ("Moved, retitled").
_KIND_ORDER = tuple(Change)


@dataclass(frozen=True, slots=True)
class Side:
    """A session as one version of the schedule had it."""

    title: str
    speakers: tuple[str, ...]
    start: str  # ISO 8601, UTC
    end: str
    room: str | None

    @classmethod
    def of(cls, session: Session, schedule: Schedule) -> Side:
        """Return ``session`` as ``schedule`` names its speakers and room."""
        speakers = {speaker.id: speaker.name for speaker in schedule.speakers}
        rooms = {room.id: room.name for room in schedule.rooms}
        return cls(
            title=session.title,
            speakers=tuple(speakers.get(sid, sid) for sid in session.speaker_ids),
            start=session.start.isoformat(),
            end=session.end.isoformat(),
            room=rooms.get(session.room_id or "", session.room_id),
        )

    @property
    def start_at(self) -> datetime:
        """Return the start instant."""
        return datetime.fromisoformat(self.start)

    @property
    def end_at(self) -> datetime:
        """Return the end instant."""
        return datetime.fromisoformat(self.end)


@dataclass(frozen=True, slots=True)
class ChangeNotice:
    """One session's change: what it was, what it is, and which kinds of change."""

    session_id: str
    kinds: tuple[str, ...]
    before: Side | None
    after: Side | None

    def to_payload(self) -> dict[str, Any]:
        """Return the notice as a JSON-ready mapping (a DM row's payload)."""
        return asdict(self)

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> ChangeNotice:
        """Return the notice stored as ``payload``."""

        def side(data: dict[str, Any] | None) -> Side | None:
            if data is None:
                return None
            return Side(
                title=data["title"],
                speakers=tuple(data["speakers"]),
                start=data["start"],
                end=data["end"],
                room=data.get("room"),
            )

        return cls(
            session_id=payload["session_id"],
            kinds=tuple(payload["kinds"]),
            before=side(payload.get("before")),
            after=side(payload.get("after")),
        )

    @property
    def fingerprint(self) -> str:
        """Return a short hash of the change (part of the keys that make it sent once)."""
        text = json.dumps(self.to_payload(), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    @property
    def gone(self) -> bool:
        """Return whether the session was cancelled or removed."""
        return Change.CANCELLED in self.kinds or Change.REMOVED in self.kinds

    @property
    def current(self) -> Side:
        """Return the session as it is now (as it was, if it is gone)."""
        side = self.after if self.after is not None and not self.gone else self.before
        if side is None:
            side = self.after
        if side is None:  # pragma: no cover - a change always has a side
            raise ValueError("a notice without a session")
        return side


def combined_fingerprint(notices: list[ChangeNotice]) -> str:
    """Return a short hash of several notices together (the channel post's key)."""
    text = ":".join(notice.fingerprint for notice in notices)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def notices_for(diff: ScheduleDiff, before: Schedule, after: Schedule) -> list[ChangeNotice]:
    """Return one notice per changed session of ``diff`` (``before`` → ``after``)."""
    return [_notice(change, before, after) for change in diff.changes]


def _notice(change: SessionChange, before: Schedule, after: Schedule) -> ChangeNotice:
    kinds = sorted(change.changes, key=_KIND_ORDER.index)
    return ChangeNotice(
        session_id=change.session_id,
        kinds=tuple(kind.value for kind in kinds),
        before=Side.of(change.before, before) if change.before else None,
        after=Side.of(change.after, after) if change.after else None,
    )


def _label(kinds: tuple[str, ...]) -> str:
    text = ", ".join(kinds)
    return text[:1].upper() + text[1:]


def _resized(notice: ChangeNotice) -> str | None:
    """Return "longer" or "shorter" when only the end moved (same start, same room).

    The diff calls that "moved" (the reminders' deadline, the session's end, moves with
    it), but readers would look for a new start time that is not there.
    """
    before, after = notice.before, notice.after
    if before is None or after is None or Change.MOVED not in notice.kinds:
        return None
    if before.start_at != after.start_at or before.room != after.room:
        return None
    return "longer" if after.end_at > before.end_at else "shorter"


def _end_time(side: Side, zone: str, clock: Literal["12h", "24h"]) -> str:
    """Return when ``side`` ends: "10:45 CEST", naming the day only if not its start's."""
    text = format_time(side.end_at, zone, clock=clock)
    return text.removeprefix(format_day(local_day(side.start_at, zone)) + " ")


def _speakers(side: Side) -> str:
    names = ", ".join(neutralise(name) for name in side.speakers)
    return f" ({names})" if names else ""


def _span(side: Side, zone: str, clock: Literal["12h", "24h"]) -> str:
    return format_time_range(side.start_at, side.end_at, zone, clock=clock)


def _room(side: Side) -> str:
    return neutralise(side.room) if side.room else "no room"


def notice_line(
    notice: ChangeNotice,
    zone: str,
    *,
    clock: Literal["12h", "24h"] = "24h",
    timestamp: bool = True,
) -> str:
    """Return one line: "Moved: *Title* (Speaker) Thu 13:00-13:30 CET → Fri 14:00-14:30 CET".

    A session that only got longer or shorter reads "Longer: *Title* Thu 13:00-14:00 CET,
    Room: now ends at 14:00 CET (was 13:30 CET)".

    Times are in ``zone``; ``timestamp`` appends ``<t:…:F>`` (each reader's own zone).
    """
    side = notice.current
    kinds = notice.kinds
    resized = _resized(notice)
    named = tuple(resized if kind == Change.MOVED and resized else kind for kind in kinds)
    parts = [f"{_label(named)}: *{neutralise(side.title)}*{_speakers(side)}"]
    before, after = notice.before, notice.after
    if before is not None and after is not None and resized:
        parts.append(
            f" {_span(after, zone, clock)}, {_room(after)}: now ends at "
            f"{_end_time(after, zone, clock)} (was {_end_time(before, zone, clock)})"
        )
    elif before is not None and after is not None and Change.MOVED in kinds:
        span_before, span_after = _span(before, zone, clock), _span(after, zone, clock)
        moves = [f"{span_before} → {span_after}" if span_before != span_after else span_after]
        if before.room != after.room:
            moves.append(f"{_room(before)} → {_room(after)}")
        else:
            moves.append(_room(after))
        parts.append(" " + ", ".join(moves))
    else:
        parts.append(f" {_span(side, zone, clock)}, {_room(side)}")
    if before is not None and after is not None and Change.RETITLED in kinds:
        parts.append(f"; was *{neutralise(before.title)}*")
    if before is not None and after is not None and Change.SPEAKERS in kinds:
        was = ", ".join(neutralise(name) for name in before.speakers) or "nobody"
        parts.append(f"; speakers were {was}")
    if timestamp and not notice.gone:
        parts.append(f" — {discord_timestamp(side.start_at, 'F')}")
    return "".join(parts)


def channel_messages(notices: list[ChangeNotice], zone: str) -> list[str]:
    """Return the schedule-updates posts for ``notices``: as few as fit 2,000 characters."""
    messages: list[str] = []
    current = _HEADER
    for notice in notices:
        line = "- " + notice_line(notice, zone)
        if len(line) > MESSAGE_LIMIT - len(_HEADER) - 1:
            line = line[: MESSAGE_LIMIT - len(_HEADER) - 2] + "…"
        if len(current) + 1 + len(line) > MESSAGE_LIMIT:
            messages.append(current)
            current = _HEADER + " (continued)"
        current += "\n" + line
    if notices:
        messages.append(current)
    return messages


def dm_text(notice: ChangeNotice, zone: str, *, clock: Literal["12h", "24h"] = "24h") -> str:
    """Return the DM to someone who follows the session, times in their ``zone``."""
    line = notice_line(notice, zone, clock=clock)
    if notice.gone:
        follow = "Its reminders are cancelled."
    elif Change.RESTORED in notice.kinds:
        follow = "It is back in your agenda, reminders included."
    elif _resized(notice):
        follow = "It starts as before, so your reminders stay as they were."
    elif Change.MOVED in notice.kinds:
        follow = "Your reminders moved with it."
    else:
        follow = "Your reminders stay as they were."
    return f"A session in your agenda changed.\n{line}\n{follow}"
