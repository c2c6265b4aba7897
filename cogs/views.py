"""Buttons that keep working after a restart: their state lives in their ``custom_id``.

Every button confbot puts on an answer is a :class:`discord.ui.DynamicItem`: its
``custom_id`` matches a ``template`` regex and carries everything needed to answer a
press (``confbot:page:<invoker>:<page>:<kind>:<at>:<arguments>``,
``confbot:session:<id>``, ...). The item classes are registered with
``bot.add_dynamic_items`` when a cog loads, so a press on a message sent before a restart
is rebuilt from the ``custom_id`` alone. Hence answers' views have no timeout: there is
no in-memory state to lose, and a button never goes silently dead. (Confirm/cancel
dialogs, :class:`InvokerView`, are the one kind held in memory; they disable their
buttons when they time out, and :class:`ExpiredDialog` answers them after a restart.)

Page buttons re-run the query behind the list (:class:`ListQuery`, answered by the cog
that owns its ``kind`` through ``reopen_list``) as of the instant the list was first
answered, so page 2 after a restart belongs to the same list as page 1. A list without a
query, or whose query does not fit in 100 characters, is remembered in memory until the
bot stops; a press after that answers, privately, that the list has expired.

**Adding a button (for a cog):** subclass ``DynamicItem`` with a ``template`` starting
``confbot:<name>:``, rebuild it in ``from_custom_id`` (which must not raise: discord.py
only logs there), answer every failure in ``callback`` with
:func:`answer_button_failure`, register the class in the cog's ``cog_load`` with
``bot.add_dynamic_items`` and return instances from ``session_buttons`` (see
:mod:`cogs.replies`). Use :func:`id_in_custom_id` for ids that may be long.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Protocol, runtime_checkable
from urllib.parse import unquote

import discord
from discord.ext import commands

from bot.interaction_errors import describe_failure, send_ephemeral
from bot.rendering.cards import Reply
from bot.rendering.pages import Answer, PagedReply, page_count
from cogs.embeds import message_arguments

log = logging.getLogger(__name__)

PREFIX = "confbot"
# Discord refuses a component whose custom_id is longer than this.
CUSTOM_ID_LIMIT = 100
# Discord allows five rows of five buttons in a message; a select fills a row.
MESSAGE_WIDTH = 25
# Lists remembered in memory (no query, or one too long for a custom_id), newest kept.
REMEMBERED_LISTS = 1000
# How long the confirm dialogs of :class:`InvokerView` keep working: less than the
# 15 minutes an interaction token lasts, so the timeout can still disable the buttons.
DIALOG_TIMEOUT_SECONDS = 10 * 60

NOT_YOURS = "Only the person who asked can use these buttons."
EXPIRED = "This list has expired. Run the command or ask again for a fresh one."
DIALOG_EXPIRED = "These buttons have expired and nothing was done. Run the command again."
# The ``kind`` of a list kept in memory rather than described by a query.
REMEMBERED = "memory"


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


def digest(value: str) -> str:
    """Return a short stable digest of ``value`` (for ids too long for a custom_id)."""
    return hashlib.sha256(value.encode()).hexdigest()[:24]


def id_in_custom_id(prefix: str, value: str) -> str:
    """Return ``prefix + value``, or ``prefix + "#" + digest`` when that is too long.

    Resolve it back with :func:`id_from_custom_id`.
    """
    whole = prefix + value
    if len(whole) <= CUSTOM_ID_LIMIT and not value.startswith("#"):
        return whole
    return f"{prefix}#{digest(value)}"


def id_from_custom_id(token: str, candidates: Iterable[str]) -> str | None:
    """Return the id ``token`` stands for among ``candidates`` (``None`` if gone)."""
    if not token.startswith("#"):
        return token
    wanted = token[1:]
    return next((candidate for candidate in candidates if digest(candidate) == wanted), None)


async def answer_button_failure(interaction: discord.Interaction, error: Exception) -> None:
    """Answer a failed press like a failed command: one sentence, or a logged code."""
    await send_ephemeral(interaction, describe_failure(error, context="a button"))


@dataclass(frozen=True, slots=True)
class ListQuery:
    """What a paged answer lists, compact enough to travel in a button's custom_id.

    ``kind`` names the cog's list ("schedule", "search", ...), ``at`` is the instant the
    list was answered for, and ``arguments`` are the cog's options (``None`` = not given).
    """

    kind: str
    at: datetime
    arguments: tuple[str | None, ...] = ()


@runtime_checkable
class ListSource(Protocol):
    """A cog that can answer one of its lists again from a :class:`ListQuery`."""

    async def reopen_list(
        self, query: ListQuery, interaction: discord.Interaction
    ) -> Answer | None:
        """Return the list ``query`` describes, or ``None`` if the kind is not this cog's."""
        ...


@runtime_checkable
class SessionButtonProvider(Protocol):
    """A cog that adds buttons to answers about one session or speaker."""

    def session_buttons(self, reply: Reply, invoker_id: int) -> list[discord.ui.Item[Any]]:
        """Return the buttons to add to ``reply`` (none if it does not apply)."""
        ...


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
        if not isinstance(client, commands.Bot):
            raise TypeError("page buttons need a commands.Bot")
        answer = await pages_cog(client).reopen(self.query, interaction)
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
    :meth:`add_item` refuses one.
    """

    def __init__(self, items: Iterable[discord.ui.Item[Any]] = ()) -> None:
        # discord.py still gives an ephemeral reply's view 15 minutes; when they pass it
        # forgets this view, which holds nothing: the dynamic items keep answering.
        super().__init__(timeout=None)
        for item in items:
            self.add_item(item)

    def add_item(self, item: discord.ui.Item[Any]) -> PersistentView:
        """Add ``item``, which must be a ``DynamicItem`` with a custom_id unique here."""
        if not isinstance(item, discord.ui.DynamicItem):
            raise TypeError(f"{type(item).__name__} is not a DynamicItem; it would die on restart")
        if any(getattr(child, "custom_id", None) == item.custom_id for child in self.children):
            raise ValueError(f"custom_id {item.custom_id!r} is already on this message")
        super().add_item(item)
        return self


class Pages(commands.Cog):
    """Registers the page buttons and remembers the lists no query describes and dialogs."""

    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        self._remembered: OrderedDict[str, Answer] = OrderedDict()
        # Dialogs (InvokerView) this bot sent and still answers, by their token.
        self.live_dialogs: dict[str, InvokerView] = {}

    async def cog_load(self) -> None:
        """Answer page buttons from any message, including ones sent before a restart."""
        self.bot.add_dynamic_items(PageButton, ExpiredDialog)

    async def cog_unload(self) -> None:
        """Stop answering page buttons."""
        self.bot.remove_dynamic_items(PageButton, ExpiredDialog)

    def remember(self, answer: Answer) -> ListQuery:
        """Keep ``answer`` until the bot stops; return the query that finds it again."""
        token = secrets.token_hex(8)
        self._remembered[token] = answer
        while len(self._remembered) > REMEMBERED_LISTS:
            self._remembered.popitem(last=False)
        return ListQuery(REMEMBERED, datetime.fromtimestamp(0, UTC), (token,))

    async def reopen(self, query: ListQuery, interaction: discord.Interaction) -> Answer | None:
        """Return the list ``query`` describes (``None``: expired, nobody can rebuild it)."""
        if query.kind == REMEMBERED:
            token = query.arguments[0] if query.arguments else None
            return self._remembered.get(token or "")
        for cog in self.bot.cogs.values():
            if isinstance(cog, ListSource):
                answer = await cog.reopen_list(query, interaction)
                if answer is not None:
                    return answer
        return None


async def install_page_buttons(bot: commands.Bot) -> None:
    """Make sure page buttons are answered (each cog that sends lists calls this on load)."""
    if bot.get_cog(Pages.__cog_name__) is None:
        await bot.add_cog(Pages(bot))


def pages_cog(bot: commands.Bot) -> Pages:
    """Return the bot's :class:`Pages` cog.

    :raises RuntimeError: no cog called :func:`install_page_buttons`.
    """
    cog = bot.get_cog(Pages.__cog_name__)
    if not isinstance(cog, Pages):
        raise RuntimeError("page buttons are not installed (call install_page_buttons)")
    return cog


def page_reply(answer: Answer, page: int) -> Reply:
    """Return page ``page`` of ``answer`` as a one-page reply."""
    if isinstance(answer, PagedReply):
        return answer.reply(page)
    answer = answer.fitted()
    if not answer.pages:
        return answer
    return replace(answer, pages=(answer.pages[max(0, min(page, len(answer.pages) - 1))],))


def page_buttons(
    bot: commands.Bot, answer: Answer, invoker_id: int, query: ListQuery | None, page: int
) -> list[discord.ui.Item[Any]]:
    """Return Previous and Next for ``page`` of ``answer`` (none for a one-page answer)."""
    count = page_count(answer)
    if count <= 1:
        return []
    if query is None or len(page_custom_id(query, invoker_id, count)) > CUSTOM_ID_LIMIT:
        query = pages_cog(bot).remember(answer)
    # Each button names the page it shows, so the two never share a custom_id.
    return [
        PageButton(query, invoker_id, max(0, page - 1), label="Previous", disabled=page == 0),
        PageButton(
            query, invoker_id, min(count - 1, page + 1), label="Next", disabled=page >= count - 1
        ),
    ]


def extra_buttons(
    bot: commands.Bot, reply: Reply, invoker_id: int, *, room: int = MESSAGE_WIDTH
) -> list[discord.ui.Item[Any]]:
    """Return the items loaded cogs add to ``reply`` (see :mod:`cogs.replies`).

    They fit in ``room`` (a button is 1 wide, a select 5: a whole row); the rest are left out.
    """
    if reply.session_id is None and not reply.speaker_ids and not reply.listed_session_ids:
        return []
    items: list[discord.ui.Item[Any]] = []
    seen: set[str] = set()
    for cog in bot.cogs.values():
        if isinstance(cog, SessionButtonProvider):
            for item in cog.session_buttons(reply, invoker_id):
                custom_id = str(getattr(item, "custom_id", ""))
                # Discord refuses a custom_id twice in a message, and more than fits.
                if custom_id not in seen and item.width <= room:
                    seen.add(custom_id)
                    items.append(item)
                    room -= item.width
    return items


def view_for(
    bot: commands.Bot,
    answer: Answer,
    invoker_id: int,
    *,
    query: ListQuery | None = None,
    page: int = 0,
) -> discord.ui.View | None:
    """Return the buttons for ``page`` of ``answer``: page turning and other cogs' extras."""
    items = page_buttons(bot, answer, invoker_id, query, page)
    room = MESSAGE_WIDTH - sum(item.width for item in items)
    items += extra_buttons(bot, page_reply(answer, page), invoker_id, room=room)
    # Buttons first, then selects: each select takes the first empty row, under them.
    items.sort(key=lambda item: item.width)
    return PersistentView(items) if items else None


DIALOG_TEMPLATE = re.compile(rf"{PREFIX}:dialog:(?P<token>[0-9a-f]+):(?P<number>[0-9]+)")


class InvokerView(discord.ui.View):
    """A short-lived dialog (confirm/cancel) whose buttons answer only the invoker.

    Unlike answers' buttons a dialog holds its state in memory. Sent with :meth:`send`,
    it disables its buttons on its message when it times out, and a press that reaches
    a bot which no longer has it (after a restart) is answered by :class:`ExpiredDialog`.
    """

    def __init__(self, invoker_id: int, *, timeout: float | None = DIALOG_TIMEOUT_SECONDS) -> None:
        super().__init__(timeout=timeout)
        self.invoker_id = invoker_id
        self.token = secrets.token_hex(8)
        self.origin: discord.Interaction | None = None

    async def send(self, interaction: discord.Interaction, content: str) -> None:
        """Answer ``interaction`` privately with ``content`` and this dialog's buttons."""
        client = interaction.client
        cog = client.get_cog(Pages.__cog_name__) if isinstance(client, commands.Bot) else None
        if isinstance(cog, Pages):
            cog.live_dialogs[self.token] = self
        for number, item in enumerate(self.children):
            if isinstance(item, discord.ui.Button):
                item.custom_id = f"{PREFIX}:dialog:{self.token}:{number}"
        self.origin = interaction
        if interaction.response.is_done():  # deferred first: the dialog is the follow-up
            await interaction.followup.send(
                content, view=self, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
            )
            return
        await interaction.response.send_message(
            content, view=self, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
        )

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Refuse, privately, presses by anyone but the invoker."""
        if interaction.user.id == self.invoker_id:
            return True
        await send_ephemeral(interaction, NOT_YOURS)
        return False

    def stop(self) -> None:
        """Stop answering presses (the dialog is done)."""
        super().stop()
        self._forget()

    async def on_timeout(self) -> None:
        """Disable the buttons on the message, so none is left that would not answer."""
        self._forget()
        for item in self.children:
            if isinstance(item, discord.ui.Button):
                item.disabled = True
        if self.origin is not None:
            try:
                await self.origin.edit_original_response(view=self)
            except discord.HTTPException:  # the message is gone; nothing is left to press
                log.info("could not disable an expired dialog's buttons")

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        """Answer a failed press like a failed command: one sentence, or a code."""
        await answer_button_failure(interaction, error)

    def _forget(self) -> None:
        client = self.origin.client if self.origin is not None else None
        cog = client.get_cog(Pages.__cog_name__) if isinstance(client, commands.Bot) else None
        if isinstance(cog, Pages):
            cog.live_dialogs.pop(self.token, None)


class ExpiredDialog(discord.ui.DynamicItem[discord.ui.Button[Any]], template=DIALOG_TEMPLATE):
    """Answers a press on a dialog this bot no longer has (sent before a restart)."""

    def __init__(self, token: str, number: int) -> None:
        self.token = token
        super().__init__(discord.ui.Button(custom_id=f"{PREFIX}:dialog:{token}:{number}"))

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ExpiredDialog:
        """Rebuild the button from its custom_id."""
        return cls(match["token"], int(match["number"]))

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        """Leave the press to the dialog itself while this bot still has it."""
        client = interaction.client
        return isinstance(client, commands.Bot) and self.token not in pages_cog(client).live_dialogs

    async def callback(self, interaction: discord.Interaction) -> None:
        """Say, privately, that the dialog expired and nothing was done."""
        await send_ephemeral(interaction, DIALOG_EXPIRED)
