"""Sessions as one reader sees them: lines, schedule pages, cards, now/next, search.

Pure functions of the schedule, the reader and (where it matters) "now": no Discord,
no database. Every text that comes from the schedule goes through
:func:`~bot.rendering.text.neutralise` (a title such as "@everyone" must not ping
anyone) and is cut to a size that keeps each page within Discord's embed limits
without :meth:`Card.fitted` ever having to drop a session.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from bot.rendering.cards import Card, CardField
from bot.rendering.pages import PagedReply
from bot.rendering.reader import Reader
from bot.rendering.relative import rounded_minutes
from bot.rendering.text import human_join, neutralise, truncate
from bot.schedule.index import ScheduleIndex
from bot.schedule.model import Session
from bot.timezones import ClockStyle, discord_timestamp, format_day, format_time, format_time_range

# Sessions per schedule or search page: 10 lines of at most LINE_CHARS stay far below
# the 4,096-character description limit, headings included.
PAGE_SESSIONS = 10
LINE_CHARS = 300
TITLE_CHARS = 120
NAME_CHARS = 60
LINE_SPEAKERS = 3
ABSTRACT_CHARS = 1500
BIO_CHARS = 900
# How many sessions a now/next card lists before saying "and N more".
NOW_LINES = 10
NEXT_LINES = 5
SPEAKER_SESSION_LINES = 10
# The "(+1 day)" / "(-2 days)" marks format_time_range adds; a footer explains those it finds.
_DAY_MARK = re.compile(r"\(([+-])\d+ days?\)")


@lru_cache(maxsize=65_536)
def time_range(start: datetime, end: datetime, zone: str, clock: ClockStyle, reference: str) -> str:
    """Return :func:`format_time_range` with the "(+1 day)" marker, cached.

    Formatting one range costs ~80 µs (several zone conversions); the same few hundred
    (start, end) pairs are read in the same few dozen zones over and over.
    """
    return format_time_range(start, end, zone, clock=clock, reference_zone=reference)


def when(session: Session, reader: Reader) -> str:
    """Return the session's span in the reader's zone: "Thu 25 Feb 08:00-09:45 AEDT (+1 day)"."""
    return time_range(session.start, session.end, reader.zone, reader.clock, reader.conference_zone)


def conference_when(session: Session, reader: Reader) -> str:
    """Return the session's span on the conference's clocks."""
    zone = reader.conference_zone
    return time_range(session.start, session.end, zone, reader.clock, zone)


def title_of(session: Session, limit: int = TITLE_CHARS) -> str:
    """Return the session's title, safe to show and at most ``limit`` characters."""
    return neutralise(truncate(" ".join(session.title.split()), limit))


def speaker_names(session: Session, index: ScheduleIndex, limit: int = LINE_SPEAKERS) -> str:
    """Return "A, B and 2 more" for the session's speakers ("" if none)."""
    names = [
        neutralise(truncate(speaker.name, NAME_CHARS))
        for speaker_id in session.speaker_ids
        if (speaker := index.speaker(speaker_id)) is not None
    ]
    if len(names) > limit:
        names = [*names[:limit], f"{len(names) - limit} more"]
    return human_join(names)


def place_of(session: Session, index: ScheduleIndex) -> str:
    """Return the session's room name, safe to show ("" if it has none)."""
    room = index.room(session.room_id) if session.room_id else None
    return neutralise(truncate(room.name, NAME_CHARS)) if room else ""


def session_line(
    session: Session, index: ScheduleIndex, reader: Reader, *, day: date | None
) -> str:
    """Return one line for a list: "**08:00-09:45 AEDT (+1 day)** Title · Room · Speakers".

    Under a day heading (``day``) the date is left out of the time; elsewhere it stays.
    """
    span = when(session, reader)
    if day is not None:
        span = span.removeprefix(format_day(day) + " ")
    details = [text for text in (place_of(session, index), speaker_names(session, index)) if text]
    line = " · ".join([f"**{span}** {title_of(session)}", *details])
    return truncate(line, LINE_CHARS)


def footer_line(reader: Reader, page: int, pages: int, text: str) -> str:
    """Return "Page 2/5 · Times in <zone>", explaining only the day marks ``text`` carries."""
    where = times_in(reader, text)
    return f"Page {page + 1}/{pages} · {where}" if pages > 1 else where


def times_in(reader: Reader, text: str) -> str:
    """Return "Times in <zone>", with a legend for the day marks ``text`` carries, if any."""
    return f"Times in {reader.zone}" + day_mark_legend(text, reader.conference_zone)


def day_mark_legend(text: str, conference_zone: str) -> str:
    """Return "; +1 day marks a later date than in <zone>" for the marks found in ``text``."""
    signs = {match[1] for match in _DAY_MARK.finditer(text)}
    if signs == {"+"}:
        return f"; +1 day marks a later date than in {conference_zone}"
    if signs == {"-"}:
        return f"; -1 day marks an earlier date than in {conference_zone}"
    if signs:
        return f"; +1/-1 day mark a later/earlier date than in {conference_zone}"
    return ""


@dataclass(frozen=True, slots=True)
class DayGroup:
    """The sessions that start on one local day of the reader."""

    day: date
    sessions: tuple[Session, ...]


def schedule_pages(
    groups: Sequence[DayGroup],
    index: ScheduleIndex,
    reader: Reader,
    *,
    title: str,
    content: str | None,
) -> PagedReply:
    """Return the sessions grouped under day headings, :data:`PAGE_SESSIONS` per page.

    A day that continues onto the next page repeats its heading with "(continued)".
    """
    entries = [(group.day, session) for group in groups for session in group.sessions]
    count = max(1, math.ceil(len(entries) / PAGE_SESSIONS))

    def render(number: int) -> Card:
        chunk = entries[number * PAGE_SESSIONS : (number + 1) * PAGE_SESSIONS]
        lines: list[str] = []
        current: date | None = None
        for position, (day, session) in enumerate(chunk):
            if day != current:
                continued = (
                    position == 0 and number > 0 and entries[number * PAGE_SESSIONS - 1][0] == day
                )
                heading = f"__**{format_day(day)}**__" + (" (continued)" if continued else "")
                lines.extend([*([""] if lines else []), heading])
                current = day
            lines.append(session_line(session, index, reader, day=day))
        return Card(
            title=truncate(title, 256),
            description="\n".join(lines) or "No sessions.",
            footer=footer_line(reader, number, count, "\n".join(lines)),
        )

    def listed(number: int) -> tuple[str, ...]:
        chunk = entries[number * PAGE_SESSIONS : (number + 1) * PAGE_SESSIONS]
        return tuple(session.id for _, session in chunk)

    return PagedReply(content, count, render, listed=listed)


def session_card(session: Session, index: ScheduleIndex, reader: Reader) -> Card:
    """Return the full card: times in the reader's and the conference's zone, room, people."""
    fields: list[CardField] = []
    if reader.zone != reader.conference_zone:
        fields.append(CardField(f"Your time ({reader.zone})", when(session, reader)))
    fields.append(
        CardField(f"Conference time ({reader.conference_zone})", conference_when(session, reader))
    )
    fields.append(
        CardField(
            "In your Discord client",
            f"{discord_timestamp(session.start, 'F')} ({discord_timestamp(session.start, 'R')})",
        )
    )
    place = place_of(session, index)
    if place:
        fields.append(CardField("Room", place, inline=True))
    track = index.track(session.track_id) if session.track_id else None
    if track is not None:
        fields.append(CardField("Track", neutralise(truncate(track.name, NAME_CHARS)), inline=True))
    speakers = speaker_names(session, index, limit=10)
    if speakers:
        fields.append(CardField("Speakers", speakers))
    link = _web_address(session.url)
    if link:
        fields.append(CardField("Link", f"<{link}>"))
    kind = " · ".join(
        neutralise(truncate(part, NAME_CHARS)) for part in (session.kind, session.language) if part
    )
    abstract = neutralise(truncate(" ".join((session.abstract or "").split()), ABSTRACT_CHARS))
    return Card(
        title=title_of(session, 250),
        description=abstract or None,
        url=link,
        fields=tuple(fields),
        footer=kind or None,
    )


def _web_address(url: str | None) -> str | None:
    """Return ``url`` if it is a plain http(s) address Discord accepts, else ``None``."""
    if url and url.startswith(("https://", "http://")) and len(url) <= 512 and " " not in url:
        return url
    return None


def minutes_text(seconds: float) -> str:
    """Return a short duration: "35 min", "1 h 05 min", "2 h".

    Rounded to the nearest minute, as the reader's client rounds the ``<t:…:R>`` shown
    beside it (``bot/rendering/relative.py``).
    """
    minutes = rounded_minutes(seconds)
    hours, minutes = divmod(minutes, 60)
    if hours == 0:
        return f"{minutes} min"
    return f"{hours} h {minutes:02d} min" if minutes else f"{hours} h"


def _running_line(session: Session, index: ScheduleIndex, now: datetime) -> str:
    left = minutes_text((session.end - now).total_seconds())
    place = place_of(session, index)
    parts = [f"**{title_of(session, 80)}**", *([place] if place else [])]
    parts.append(f"ends in {left} ({discord_timestamp(session.end, 'R')})")
    return truncate(" · ".join(parts), LINE_CHARS)


def _upcoming_line(session: Session, index: ScheduleIndex, reader: Reader) -> str:
    place = place_of(session, index)
    parts = [f"**{title_of(session, 80)}**", *([place] if place else [])]
    parts.append(f"{when(session, reader)}, starts {discord_timestamp(session.start, 'R')}")
    return truncate(" · ".join(parts), LINE_CHARS)


def _more(count: int, shown: int) -> list[str]:
    return [f"…and {count - shown} more."] if count > shown else []


@dataclass(frozen=True, slots=True)
class Moment:
    """What is running and coming up at an instant, with the whole conference's span."""

    now: datetime
    running: tuple[Session, ...]
    upcoming: tuple[Session, ...]
    first_start: datetime | None
    last_end: datetime | None


def now_card(moment: Moment, index: ScheduleIndex, reader: Reader, *, place: str | None) -> Card:
    """Return "On now" (with time left) and "Next" (with a countdown) for ``place`` or all."""
    where = f" in {neutralise(truncate(place, NAME_CHARS))}" if place else ""
    lines = _opening(moment, reader)
    if moment.running:
        lines.append(f"__**On now{where}**__")
        shown = moment.running[:NOW_LINES]
        lines += [_running_line(session, index, moment.now) for session in shown]
        lines += _more(len(moment.running), len(shown))
    elif not lines:
        lines.append(f"Nothing is on{where} right now.")
    lines += _next_lines(moment, index, reader, where=where, limit=NEXT_LINES)
    return Card(
        title=f"What's on{where}",
        description="\n".join(lines),
        footer=times_in(reader, "\n".join(lines)),
    )


def next_card(moment: Moment, index: ScheduleIndex, reader: Reader, *, place: str | None) -> Card:
    """Return what starts next (soonest first, with countdowns) for ``place`` or all."""
    where = f" in {neutralise(truncate(place, NAME_CHARS))}" if place else ""
    lines = _opening(moment, reader)
    # The card's title already says "Next": no heading inside it.
    lines += _next_lines(moment, index, reader, where=where, limit=NOW_LINES, heading=False)
    return Card(
        title=f"Next{where}",
        description="\n".join(lines),
        footer=times_in(reader, "\n".join(lines)),
    )


def _opening(moment: Moment, reader: Reader) -> list[str]:
    """Return the sentence for before the first session and after the last, else nothing."""
    if moment.first_start is None or moment.last_end is None:
        return ["There are no sessions in the schedule yet."]
    if moment.now >= moment.last_end:
        return ["The conference is over. Thank you for coming!"]
    if moment.now < moment.first_start:
        start = format_time(moment.first_start, reader.zone, clock=reader.clock)
        return [
            f"The conference starts {discord_timestamp(moment.first_start, 'R')} ({start}).",
            "",
        ]
    return []


def _next_lines(
    moment: Moment,
    index: ScheduleIndex,
    reader: Reader,
    *,
    where: str,
    limit: int,
    heading: bool = True,
) -> list[str]:
    if moment.last_end is not None and moment.now >= moment.last_end:
        return []
    if not moment.upcoming:
        return [f"Nothing else is scheduled{where}."]
    shown = moment.upcoming[:limit]
    lines = [f"__**Next{where}**__"] if heading else []
    if moment.running and heading:
        lines.insert(0, "")
    lines += [_upcoming_line(session, index, reader) for session in shown]
    return lines + _more(len(moment.upcoming), len(shown))


def help_text(examples: Sequence[str]) -> str:
    """Return the short, friendly list of what to ask and which commands exist."""
    asks = "\n".join(f"• {neutralise(example)}" for example in examples)
    return (
        "I answer schedule questions in your own time zone. Mention me or DM me, for example:\n"
        f"{asks}\n"
        "Slash commands: /help lists every one; the usual ones are /schedule, /now, /next, "
        "/session, /search, /remind, /agenda show and /timezone set."
    )
