"""Page buttons: Previous and Next on long answers, and the extras other features add.

Page buttons re-run the query behind the list (a :class:`~bot.rendering.pages.ListQuery`,
answered by the feature that registered a list source for its ``kind`` with
``bot.answer_hooks``) as of the instant the list was first answered, so page 2 after a
restart belongs to the same list as page 1. A list without a query, or whose query does
not fit in 100 characters, is remembered in memory until the bot stops; a press after
that answers, privately, that the list has expired.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

import discord

from bot.app import Confbot
from bot.custom_ids import CUSTOM_ID_LIMIT, PREFIX
from bot.interaction_errors import answer_failure, send_ephemeral
from bot.rendering.cards import Reply
from bot.rendering.pages import Answer, ListQuery, PagedReply, page_count
from cogs.embeds import message_arguments

log = logging.getLogger(__name__)

# Discord allows five rows of five buttons in a message; a select fills a row.
MESSAGE_WIDTH = 25

NOT_YOURS = "Only the person who asked can use these buttons."
EXPIRED = "This list has expired. Run the command or ask again for a fresh one."


def _escape(text: str) -> str:
    """Return ``text`` with ``%`` and ``:`` escaped, so ``:`` can separate arguments."""
    return text.replace("%", "%25").replace(":", "%3A")


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, digit = divmod(number, 36)
        text = digits[digit] + text
        if number == 0:
            return text


async def answer_button_failure(interaction: discord.Interaction, error: Exception) -> None:
    """Answer a failed press like a failed command: one sentence, or a logged code."""
    await answer_failure(interaction, error, context="a button")


PAGE_TEMPLATE = re.compile(
    rf"{PREFIX}:page:(?P<invoker>[0-9]+):(?P<page>[0-9]+):(?P<kind>[a-z][a-z0-9-]*)"
    r":(?P<at>[0-9a-z]+)(?P<arguments>(?::[^:]*)*)"
)


def page_custom_id(query: ListQuery, invoker_id: int, page: int) -> str:
    """Return the custom_id of a button showing ``page`` of ``query``'s list."""
    at = _base36(max(0, int(query.at.timestamp())))
    arguments = "".join(":" + _escape(argument or "") for argument in query.arguments)
    return f"{PREFIX}:page:{invoker_id}:{page}:{query.kind}:{at}{arguments}"


def _query_from(match: re.Match[str]) -> ListQuery:
    raw = match["arguments"]
    arguments = tuple(unquote(part) or None for part in raw.split(":")[1:]) if raw else ()
    at = datetime.fromtimestamp(int(match["at"], 36), UTC)
    return ListQuery(match["kind"], at, arguments)


def parse_page_custom_id(custom_id: str) -> tuple[ListQuery, int, int] | None:
    """Return (query, invoker id, page) from a page button's custom_id, if it is one."""
    match = PAGE_TEMPLATE.fullmatch(custom_id)
    if match is None:
        return None
    return _query_from(match), int(match["invoker"]), int(match["page"])


class PageButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=PAGE_TEMPLATE):
    """Previous or Next: shows one page of a list; only the person who asked may press."""

    def __init__(
        self, query: ListQuery, invoker_id: int, page: int, *, label: str, disabled: bool = False
    ) -> None:
        self.query = query
        self.invoker_id = invoker_id
        self.page = page
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                disabled=disabled,
                custom_id=page_custom_id(query, invoker_id, page),
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> PageButton:
        """Rebuild the button from its custom_id (the regex guarantees the parts parse)."""
        label = getattr(item, "label", None) or "Page"
        return cls(_query_from(match), int(match["invoker"]), int(match["page"]), label=label)

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        """Refuse, privately, presses by anyone but the invoker."""
        if interaction.user.id == self.invoker_id:
            return True
        await send_ephemeral(interaction, NOT_YOURS)
        return False

    async def callback(self, interaction: discord.Interaction) -> None:
        """Show the page, or say privately why it cannot be shown."""
        try:
            await self._show(interaction)
        except Exception as error:  # discord.py would only log it: the user gets a sentence
            await answer_button_failure(interaction, error)

    async def _show(self, interaction: discord.Interaction) -> None:
        client = interaction.client
        if not isinstance(client, Confbot):
            raise TypeError("page buttons need confbot")
        answer = await client.answer_hooks.reopen(self.query, interaction)
        if answer is None:
            await send_ephemeral(interaction, EXPIRED)
            return
        page = max(0, min(self.page, page_count(answer) - 1))
        reply = page_reply(answer, page)
        arguments = message_arguments(reply)
        arguments.setdefault("embed", None)  # an edit keeps the old embed unless told
        arguments["view"] = view_for(client, answer, self.invoker_id, query=self.query, page=page)
        if interaction.response.is_done():
            await interaction.edit_original_response(**arguments)
        else:
            await interaction.response.edit_message(**arguments)


class PersistentView(discord.ui.View):
    """The buttons of one answer: only dynamic items, so nothing times out or is lost.

    A view mixing in an ordinary item would have to be alive in memory to answer, so
    :meth:`add_item` refuses one; a link button (Discord opens its URL, the bot hears
    nothing) is the exception. The view is only the message's layout: it is stopped
    before it is sent, so discord.py keeps nothing of it (an ephemeral reply's view would
    otherwise stay in memory 15 minutes, with a timer); every press is answered by the
    registered dynamic items' classes, rebuilt from the custom_id.
    """

    def __init__(self, items: Iterable[discord.ui.Item[Any]] = ()) -> None:
        super().__init__(timeout=None)
        for item in items:
            self.add_item(item)
        # A stopped view is not stored when sent (``View.is_finished``).
        self.stop()

    def add_item(self, item: discord.ui.Item[Any]) -> PersistentView:
        """Add ``item``, which must be a ``DynamicItem`` with a custom_id unique here."""
        if isinstance(item, discord.ui.Button) and item.url is not None:
            super().add_item(item)
            return self
        if not isinstance(item, discord.ui.DynamicItem):
            raise TypeError(f"{type(item).__name__} is not a DynamicItem; it would die on restart")
        if any(getattr(child, "custom_id", None) == item.custom_id for child in self.children):
            raise ValueError(f"custom_id {item.custom_id!r} is already on this message")
        super().add_item(item)
        return self


async def install_page_buttons(bot: Confbot) -> None:
    """Answer page buttons and expired dialogs from any message (idempotent; cogs call it)."""
    from cogs.views.dialogs import ExpiredDialog

    if not bot.answer_hooks.page_buttons_installed:
        bot.add_dynamic_items(PageButton, ExpiredDialog)
        bot.answer_hooks.page_buttons_installed = True


def page_reply(answer: Answer, page: int) -> Reply:
    """Return page ``page`` of ``answer`` as a one-page reply."""
    if isinstance(answer, PagedReply):
        return answer.reply(page)
    answer = answer.fitted()
    if not answer.pages:
        return answer
    return replace(answer, pages=(answer.pages[max(0, min(page, len(answer.pages) - 1))],))


def page_buttons(
    bot: Confbot, answer: Answer, invoker_id: int, query: ListQuery | None, page: int
) -> list[discord.ui.Item[Any]]:
    """Return Previous and Next for ``page`` of ``answer`` (none for a one-page answer)."""
    count = page_count(answer)
    if count <= 1:
        return []
    if query is None or len(page_custom_id(query, invoker_id, count)) > CUSTOM_ID_LIMIT:
        query = bot.answer_hooks.remember(answer)
    # Each button names the page it shows, so the two never share a custom_id.
    return [
        PageButton(query, invoker_id, max(0, page - 1), label="Previous", disabled=page == 0),
        PageButton(
            query, invoker_id, min(count - 1, page + 1), label="Next", disabled=page >= count - 1
        ),
    ]


def extra_buttons(
    bot: Confbot, reply: Reply, invoker_id: int, *, room: int = MESSAGE_WIDTH
) -> list[discord.ui.Item[Any]]:
    """Return the items registered features add to ``reply`` (``bot.answer_hooks``).

    They fit in ``room`` (a button is 1 wide, a select 5: a whole row); the rest are left out.
    """
    if reply.session_id is None and not reply.speaker_ids and not reply.listed_session_ids:
        return []
    items: list[discord.ui.Item[Any]] = []
    seen: set[str] = set()
    for item in bot.answer_hooks.extras(reply, invoker_id):
        custom_id = str(getattr(item, "custom_id", ""))
        # Discord refuses a custom_id twice in a message, and more than fits.
        if custom_id not in seen and item.width <= room:
            seen.add(custom_id)
            items.append(item)
            room -= item.width
    return items


def view_for(
    bot: Confbot,
    answer: Answer,
    invoker_id: int,
    *,
    query: ListQuery | None = None,
    page: int = 0,
) -> discord.ui.View | None:
    """Return the buttons for ``page`` of ``answer``: page turning and other cogs' extras.

    A list described by ``query`` also gets what list-extras providers add ("Picture").
    """
    items = page_buttons(bot, answer, invoker_id, query, page)
    if query is not None:
        items += bot.answer_hooks.list_extras(query, invoker_id)[: MESSAGE_WIDTH - len(items)]
    room = MESSAGE_WIDTH - sum(item.width for item in items)
    items += extra_buttons(bot, page_reply(answer, page), invoker_id, room=room)
    # Buttons first, then selects: each select takes the first empty row, under them.
    items.sort(key=lambda item: item.width)
    return PersistentView(items) if items else None
