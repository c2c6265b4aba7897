"""Search results as pages: sessions as the schedule shows them, speakers and the rest named."""

from __future__ import annotations

import math
from collections.abc import Sequence

from bot.answers.search import Match
from bot.rendering.cards import Card
from bot.rendering.pages import PagedReply
from bot.rendering.reader import Reader
from bot.rendering.sessions import PAGE_SESSIONS, footer_line, session_line
from bot.rendering.text import neutralise, plural, truncate
from bot.schedule.index import ScheduleIndex

__all__ = ["search_pages"]


def search_pages(
    matches: Sequence[Match],
    index: ScheduleIndex,
    reader: Reader,
    *,
    query: str,
    content: str | None,
) -> PagedReply:
    """Return ranked search results, :data:`PAGE_SESSIONS` per page."""
    count = max(1, math.ceil(len(matches) / PAGE_SESSIONS))
    heading = f"Search: {neutralise(truncate(' '.join(query.split()), 80))}"

    def render(number: int) -> Card:
        chunk = matches[number * PAGE_SESSIONS : (number + 1) * PAGE_SESSIONS]
        lines = [_match_line(match, index, reader) for match in chunk]
        where = footer_line(reader, number, count, "\n".join(lines))
        footer = f"{plural(len(matches), 'result')} · {where}"
        return Card(title=heading, description="\n".join(lines), footer=footer)

    def listed(number: int) -> tuple[str, ...]:
        chunk = matches[number * PAGE_SESSIONS : (number + 1) * PAGE_SESSIONS]
        return tuple(match.id for match in chunk if match.kind == "session")

    return PagedReply(content, count, render, listed=listed)


def _match_line(match: Match, index: ScheduleIndex, reader: Reader) -> str:
    if match.kind == "session":
        session = index.session(match.id)
        if session is not None:
            return session_line(session, index, reader, day=None)
    if match.kind == "speaker":
        talks = len(index.sessions_by_speaker(match.id))
        return f"Speaker: **{neutralise(match.label)}** ({plural(talks, 'session')})"
    return f"{match.kind.title()}: **{neutralise(match.label)}**"
