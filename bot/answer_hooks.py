"""What features add to each other's answers, registered when their cogs load.

A cog never looks another cog up. A feature that adds buttons to answers about
sessions (reminders' "Remind me", speakers' "Speaker") registers an extras provider;
a feature whose lists have page buttons registers a list source that answers a
:class:`~bot.rendering.pages.ListQuery` again. The bot holds one :class:`AnswerHooks`
(``Confbot.answer_hooks``), so the registrations live exactly as long as the bot.
A feature that gave a member something in Discord (the reminders' track roles)
registers a forget step, which ``/forget-me`` runs to take it back. It also remembers
the lists no query describes and the dialogs still open, both in memory until the bot
stops.
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import discord

from bot.rendering.cards import Reply
from bot.rendering.pages import Answer, ListQuery

__all__ = [
    "REMEMBERED",
    "AnswerHooks",
    "ExtrasProvider",
    "ForgetStep",
    "ListExtrasProvider",
    "ListSource",
]

#: Buttons or menus a feature adds to ``reply`` for ``invoker_id`` (none if it does not apply).
ExtrasProvider = Callable[[Reply, int], list[discord.ui.Item[Any]]]
#: Buttons a feature adds to every page of the list ``query`` answers ("Picture").
ListExtrasProvider = Callable[[ListQuery, int], list[discord.ui.Item[Any]]]
#: Answers ``query`` again for the presser, or ``None`` if the list kind is not its own.
ListSource = Callable[[ListQuery, discord.Interaction[Any]], Awaitable[Answer | None]]
#: Takes back what a feature gave ``user_id`` in Discord; returns (what it took back, as
#: phrases for "I erased …", and sentences about what it could not).
ForgetStep = Callable[[int], Awaitable[tuple[list[str], list[str]]]]

# The ``kind`` of a list kept in memory rather than described by a query.
REMEMBERED = "memory"
# Lists remembered in memory (no query, or one too long for a custom_id), newest kept.
REMEMBERED_LISTS = 1000


class AnswerHooks:
    """The registered extras and list sources, remembered lists and live dialogs."""

    def __init__(self) -> None:
        self._extras: list[ExtrasProvider] = []
        self._sources: list[ListSource] = []
        self._list_extras: list[ListExtrasProvider] = []
        self._forget_steps: list[ForgetStep] = []
        self._remembered: OrderedDict[str, Answer] = OrderedDict()
        # Dialogs (cogs.views.InvokerView) this bot sent and still answers, by their token.
        self.live_dialogs: dict[str, discord.ui.View] = {}
        # Whether the page buttons' dynamic items are registered with the bot.
        self.page_buttons_installed = False

    def add_extras(self, provider: ExtrasProvider) -> None:
        """Ask ``provider`` for items on every answer about sessions or speakers."""
        self._extras.append(provider)

    def remove_extras(self, provider: ExtrasProvider) -> None:
        """Stop asking ``provider`` (its cog unloads)."""
        self._extras = [known for known in self._extras if known != provider]

    def add_list_extras(self, provider: ListExtrasProvider) -> None:
        """Ask ``provider`` for items on every page of a list described by a query."""
        self._list_extras.append(provider)

    def remove_list_extras(self, provider: ListExtrasProvider) -> None:
        """Stop asking ``provider`` (its cog unloads)."""
        self._list_extras = [known for known in self._list_extras if known != provider]

    def list_extras(self, query: ListQuery, invoker_id: int) -> list[discord.ui.Item[Any]]:
        """Return every registered provider's items for the list ``query``, in order."""
        return [item for provider in self._list_extras for item in provider(query, invoker_id)]

    def add_list_source(self, source: ListSource) -> None:
        """Let ``source`` answer page buttons of its lists."""
        self._sources.append(source)

    def remove_list_source(self, source: ListSource) -> None:
        """Stop asking ``source`` (its cog unloads)."""
        self._sources = [known for known in self._sources if known != source]

    def add_forget_step(self, step: ForgetStep) -> None:
        """Run ``step`` when someone confirms ``/forget-me``."""
        self._forget_steps.append(step)

    def remove_forget_step(self, step: ForgetStep) -> None:
        """Stop running ``step`` (its cog unloads)."""
        self._forget_steps = [known for known in self._forget_steps if known != step]

    async def forget_in_discord(self, user_id: int) -> tuple[list[str], list[str]]:
        """Run every forget step for ``user_id``: what was taken back, what could not be."""
        erased: list[str] = []
        problems: list[str] = []
        for step in self._forget_steps:
            taken, refused = await step(user_id)
            erased += taken
            problems += refused
        return erased, problems

    def extras(self, reply: Reply, invoker_id: int) -> list[discord.ui.Item[Any]]:
        """Return every registered provider's items for ``reply``, in registration order."""
        return [item for provider in self._extras for item in provider(reply, invoker_id)]

    def remember(self, answer: Answer) -> ListQuery:
        """Keep ``answer`` until the bot stops; return the query that finds it again."""
        token = secrets.token_hex(8)
        self._remembered[token] = answer
        while len(self._remembered) > REMEMBERED_LISTS:
            self._remembered.popitem(last=False)
        return ListQuery(REMEMBERED, datetime.fromtimestamp(0, UTC), (token,))

    async def reopen(
        self, query: ListQuery, interaction: discord.Interaction[Any]
    ) -> Answer | None:
        """Return the list ``query`` describes (``None``: expired, nobody can rebuild it)."""
        if query.kind == REMEMBERED:
            token = query.arguments[0] if query.arguments else None
            return self._remembered.get(token or "")
        for source in self._sources:
            answer = await source(query, interaction)
            if answer is not None:
                return answer
        return None
