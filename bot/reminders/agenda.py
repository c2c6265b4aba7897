"""An attendee's agenda: their sessions in their zone, by their local day, overlaps marked."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from bot.answers.reader import Reader
from bot.rendering.cards import Card, Reply
from bot.rendering.sessions import minutes_text, session_line, title_of
from bot.rendering.text import plural, truncate
from bot.schedule.index import ScheduleIndex
from bot.schedule.model import Session
from bot.storage.database import Database
from bot.timezones import discord_timestamp, format_day, local_day

# An agenda page lists at most this many sessions (each line ≤ 300 characters plus a
# possible overlap note keeps the page well inside 4,096 characters).
AGENDA_PAGE_SESSIONS = 10


@dataclass(frozen=True, slots=True)
class AgendaEntry:
    """One chosen session and the other chosen sessions it overlaps."""

    session: Session
    overlaps: tuple[Session, ...]


async def agenda_sessions(database: Database, index: ScheduleIndex, user_id: int) -> list[Session]:
    """Return the sessions on the user's agenda that are still in the schedule."""
    return [
        session
        for subscription in await database.subscriptions.for_user(user_id)
        if (session := index.session(subscription.session_id)) is not None
    ]


def agenda_entries(sessions: Sequence[Session]) -> list[AgendaEntry]:
    """Return the sessions in start order, each with the chosen sessions it overlaps."""
    ordered = sorted(sessions, key=lambda s: (s.start, s.end, s.id))
    entries: list[AgendaEntry] = []
    for session in ordered:
        clashes = tuple(
            other
            for other in ordered
            if other is not session and other.start < session.end and session.start < other.end
        )
        entries.append(AgendaEntry(session, clashes))
    return entries


def _countdown(entries: list[AgendaEntry], now: datetime) -> str | None:
    running = [e.session for e in entries if e.session.start <= now < e.session.end]
    coming = [e.session for e in entries if e.session.start > now]
    parts: list[str] = []
    if running:
        parts.append(f"On now: **{title_of(running[0], 80)}**")
    if coming:
        upcoming = coming[0]
        wait = minutes_text((upcoming.start - now).total_seconds())
        relative = discord_timestamp(upcoming.start, "R")
        parts.append(f"Next: **{title_of(upcoming, 80)}** in {wait} ({relative})")
    return " · ".join(parts) if parts else None


def agenda_reply(
    sessions: Sequence[Session],
    index: ScheduleIndex,
    reader: Reader,
    *,
    now: datetime,
    links: Callable[[str], str | None] = lambda _session_id: None,
) -> Reply:
    """Return the agenda as pages grouped by the reader's local day.

    Past sessions are left out; a session that clashes with another chosen one says so;
    one that ``links`` gives an address (its Discord event) links it.
    """
    upcoming = [session for session in sessions if session.end > now]
    if not upcoming:
        text = (
            "Your agenda is empty. Add sessions with /remind or the “Remind me” button on a "
            "session card."
            if not sessions
            else "Every session on your agenda is over."
        )
        return Reply(content=text)
    entries = agenda_entries(upcoming)
    pages: list[Card] = []
    count = (len(entries) + AGENDA_PAGE_SESSIONS - 1) // AGENDA_PAGE_SESSIONS
    for number in range(count):
        chunk = entries[number * AGENDA_PAGE_SESSIONS : (number + 1) * AGENDA_PAGE_SESSIONS]
        lines: list[str] = []
        current: date | None = None
        for entry in chunk:
            day = local_day(entry.session.start, reader.zone)
            if day != current:
                lines.extend([*([""] if lines else []), f"__**{format_day(day)}**__"])
                current = day
            line = session_line(entry.session, index, reader, day=day)
            if entry.overlaps:
                names = ", ".join(title_of(other, 50) for other in entry.overlaps[:2])
                line += f"\n  ⚠️ overlaps {names}"
            link = links(entry.session.id)
            if link is not None:
                line += f"\n  [Event in Discord]({link})"
            lines.append(truncate(line, 400))
        footer = f"Times in {reader.zone}"
        if count > 1:
            footer = f"Page {number + 1}/{count} · {footer}"
        pages.append(
            Card(
                title=f"Your agenda: {plural(len(entries), 'session')}",
                description="\n".join(lines),
                footer=footer,
            )
        )
    return Reply(content=_countdown(entries, now), pages=tuple(pages))
