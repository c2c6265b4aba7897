"""Replies with many pages, rendered only when a page is read.

A 1,000-session schedule is a hundred pages; rendering every line in every reader's
zone up front would cost far more than the 25 ms a command may take. A
:class:`PagedReply` knows how many pages it has and renders (then keeps) a page the
first time someone turns to it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from bot.rendering.cards import Card, Reply


@dataclass(frozen=True, slots=True, eq=False)
class PagedReply:
    """Text plus ``page_count`` cards, each rendered on first use by ``render(number)``.

    ``listed(number)``, if given, names the sessions page ``number`` shows.
    """

    content: str | None
    page_count: int
    render: Callable[[int], Card]
    ephemeral: bool = True
    listed: Callable[[int], tuple[str, ...]] | None = None
    _rendered: dict[int, Card] = field(default_factory=dict, repr=False)

    def page(self, number: int) -> Card:
        """Return page ``number`` (0-based, clamped to the pages there are), fitted."""
        number = max(0, min(number, self.page_count - 1))
        card = self._rendered.get(number)
        if card is None:
            card = self.render(number).fitted()
            self._rendered[number] = card
        return card

    def reply(self, number: int = 0) -> Reply:
        """Return page ``number`` as a one-page :class:`Reply`, within Discord's limits."""
        pages = (self.page(number),) if self.page_count > 0 else ()
        number = max(0, min(number, self.page_count - 1))
        listed = self.listed(number) if self.listed is not None else ()
        return Reply(
            self.content, pages, ephemeral=self.ephemeral, listed_session_ids=listed
        ).fitted()

    def all_pages(self) -> tuple[Card, ...]:
        """Return every page (tests and the terminal; Discord shows one at a time)."""
        return tuple(self.page(number) for number in range(self.page_count))


#: What the core answers: one reply, or a reply with pages rendered on demand.
Answer = Reply | PagedReply


def first_reply(answer: Answer) -> Reply:
    """Return what to send first for ``answer``: the reply itself, or its first page."""
    return answer.reply(0) if isinstance(answer, PagedReply) else answer.fitted()


def page_count(answer: Answer) -> int:
    """Return how many pages ``answer`` has."""
    return answer.page_count if isinstance(answer, PagedReply) else len(answer.pages)


@dataclass(frozen=True, slots=True)
class ListQuery:
    """What a paged answer lists, compact enough to travel in a button's custom_id.

    ``kind`` names the feature's list ("schedule", "search", ...), ``at`` is the instant
    the list was answered for, and ``arguments`` are its options (``None`` = not given).
    """

    kind: str
    at: datetime
    arguments: tuple[str | None, ...] = ()
