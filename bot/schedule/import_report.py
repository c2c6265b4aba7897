"""What ``confbot import`` prints: a summary, the diff as a table or plain lines, or JSON."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.schedule.diff import Change, ScheduleDiff, SessionChange
from bot.schedule.formats import ImportResult
from bot.schedule.model import Schedule, Session
from bot.schedule.summary import days_line
from bot.timezones import format_time_range, local_day

__all__ = [
    "change_line",
    "diff_rows",
    "import_json",
    "import_summary",
    "refused_json",
    "render_table",
]

_TITLE_CHARS = 60


def _iso(instant: datetime | None) -> str | None:
    return None if instant is None else instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _span(sessions: tuple[Session, ...]) -> tuple[datetime | None, datetime | None]:
    if not sessions:
        return None, None
    return min(s.start for s in sessions), max(s.end for s in sessions)


def import_json(result: ImportResult, diff: ScheduleDiff | None) -> dict[str, Any]:
    """Return the ``--json`` object: counts, zone, span (ISO 8601 UTC), problems, diff."""
    schedule = result.schedule
    active = result.active_sessions
    first, last = _span(active)
    return {
        "refused": False,
        "format": result.format,
        "conference": schedule.conference.name,
        "timezone": schedule.conference.zone,
        "sessions": len(active),
        "cancelled": len(schedule.sessions) - len(active),
        "speakers": len(schedule.speakers),
        "rooms": len(schedule.rooms),
        "tracks": len(schedule.tracks),
        "days": len({local_day(s.start, schedule.conference.zone) for s in active}),
        "first_start_utc": _iso(first),
        "last_end_utc": _iso(last),
        "problems": list(result.problems),
        "notes": list(result.notes),
        "diff": None
        if diff is None
        else {
            "counts": diff.counts(),
            "changes": [_change_json(change) for change in diff.changes],
        },
    }


def refused_json(problems: list[str]) -> dict[str, Any]:
    """Return the ``--json`` object for a file refused whole: the keys of
    :func:`import_json`, empty, with ``refused`` true and the problems."""
    return {
        "refused": True,
        "format": None,
        "conference": None,
        "timezone": None,
        "sessions": 0,
        "cancelled": 0,
        "speakers": 0,
        "rooms": 0,
        "tracks": 0,
        "days": 0,
        "first_start_utc": None,
        "last_end_utc": None,
        "problems": problems,
        "notes": [],
        "diff": None,
    }


def _change_json(change: SessionChange) -> dict[str, Any]:
    def side(session: Session | None) -> dict[str, Any] | None:
        if session is None:
            return None
        return {
            "title": session.title,
            "start_utc": _iso(session.start),
            "end_utc": _iso(session.end),
            "room_id": session.room_id,
            "speaker_ids": list(session.speaker_ids),
        }

    return {
        "id": change.session_id,
        "changes": [kind.value for kind in change.changes],
        "moved": list(change.moved),
        "before": side(change.before),
        "after": side(change.after),
    }


def import_summary(result: ImportResult) -> str:
    """Return the few lines that describe an imported schedule."""
    schedule = result.schedule
    zone = schedule.conference.zone
    active = result.active_sessions
    days = sorted({local_day(s.start, zone) for s in active})
    first, last = _span(active)
    cancelled = len(schedule.sessions) - len(active)
    lines = [
        f"Format:     {result.format}",
        f"Conference: {schedule.conference.name}",
        f"Zone:       {zone}",
        f"Days:       {days_line(days)}",
        f"Sessions:   {len(active)}" + (f" (+{cancelled} cancelled)" if cancelled else ""),
        f"Speakers:   {len(schedule.speakers)}",
        f"Rooms:      {len(schedule.rooms)}",
        f"Tracks:     {len(schedule.tracks)}",
    ]
    if first is not None and last is not None:
        lines.append(f"From:       {_iso(first)} to {_iso(last)} (UTC)")
    return "\n".join(lines)


def _short(text: str) -> str:
    return text if len(text) <= _TITLE_CHARS else text[: _TITLE_CHARS - 1] + "…"


def _when_where(session: Session, schedule: Schedule, zone: str) -> str:
    rooms = {room.id: room.name for room in schedule.rooms}
    when = format_time_range(session.start, session.end, zone)
    room = rooms.get(session.room_id or "")
    return f"{when}, {room}" if room else when


def diff_rows(diff: ScheduleDiff, old: Schedule, new: Schedule) -> list[tuple[str, str, str, str]]:
    """Return (change, session, before, after) rows, times in the new conference zone."""
    zone = new.conference.zone
    rows = []
    for change in diff.changes:
        kinds = ", ".join(kind.value for kind in change.changes)
        if change.moved:
            kinds = kinds.replace(Change.MOVED.value, f"moved ({'/'.join(change.moved)})")
        before = _when_where(change.before, old, zone) if change.before else ""
        after = _when_where(change.after, new, zone) if change.after else ""
        if Change.RETITLED in change.changes and change.before:
            before = f"“{_short(change.before.title)}” {before}"
        rows.append((kinds, _short(change.session.title), before, after))
    return rows


def change_line(row: tuple[str, str, str, str]) -> str:
    """Return one plain line for a diff row: "moved (time): Title: before → after"."""
    kinds, title, before, after = row
    arrow = f"{before} → {after}" if before and after else before or after
    return f"{kinds}: {title}: {arrow}"


def render_table(rows: list[tuple[str, str, str, str]]) -> str:
    """Return ``rows`` as an aligned table with a header, for a terminal."""
    header = ("Change", "Session", "Before", "After")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]
    rule = "  ".join("─" * width for width in widths)
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(header)).rstrip(), rule]
    lines += [
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows
    ]
    return "\n".join(lines)
