"""Send core answers to Discord: as an interaction response or as a reply to a message.

One place decides which buttons an answer carries:

* several pages get Previous/Next, which only the person who asked can press
  (:class:`~cogs.views.PagesView`; :class:`BookView` for pages rendered on demand);
* a reply about one session or speaker (``Reply.session_id`` / ``Reply.speaker_ids``)
  gets the buttons of every loaded cog that offers some. **Hook:** a cog that defines
  ``session_buttons(reply: Reply, invoker_id: int) -> list[discord.ui.Item]`` adds
  its buttons (the speakers cog adds "Speaker") to ``/session`` cards, to the answer to
  "when is X?" and to every other single-session answer. No registration is needed,
  and load order does not matter.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any, Protocol, runtime_checkable

import discord
from discord.ext import commands

from bot.interaction_errors import describe_failure, send_ephemeral
from bot.rendering.cards import Reply
from bot.rendering.pages import Answer, PagedReply, first_reply
from cogs.embeds import message_arguments
from cogs.views import PAGE_TIMEOUT_SECONDS, PagesView

log = logging.getLogger(__name__)


@runtime_checkable
class SessionButtonProvider(Protocol):
    """A cog that adds buttons to answers about one session or speaker."""

    def session_buttons(self, reply: Reply, invoker_id: int) -> list[discord.ui.Item[Any]]:
        """Return the buttons to add to ``reply`` (none if it does not apply)."""
        ...


class BookView(PagesView):
    """Previous/Next over a :class:`PagedReply`, rendering each page when it is shown."""

    def __init__(self, book: PagedReply, invoker_id: int) -> None:
        self.book = book
        super().__init__(book.reply(0), invoker_id)

    @property
    def page_count(self) -> int:
        """Return how many pages the book has."""
        return self.book.page_count

    async def _show(self, interaction: discord.Interaction, page: int) -> None:
        self.page = max(0, min(page, self.page_count - 1))
        self._update_buttons()
        await interaction.response.edit_message(
            **message_arguments(self.book.reply(self.page)), view=self
        )


class ExtrasView(discord.ui.View):
    """Buttons other cogs add to a one-card answer; a failed press gets one sentence."""

    def __init__(self, items: Iterable[discord.ui.Item[Any]]) -> None:
        super().__init__(timeout=PAGE_TIMEOUT_SECONDS)
        for item in items:
            self.add_item(item)

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        """Answer a failed press like a failed command."""
        await send_ephemeral(interaction, describe_failure(error, context="a button"))


def extra_buttons(bot: commands.Bot, reply: Reply, invoker_id: int) -> list[discord.ui.Item[Any]]:
    """Return the buttons loaded cogs add to ``reply`` (see the module docstring)."""
    if reply.session_id is None and not reply.speaker_ids:
        return []
    items: list[discord.ui.Item[Any]] = []
    for cog in bot.cogs.values():
        if isinstance(cog, SessionButtonProvider):
            items.extend(cog.session_buttons(reply, invoker_id))
    return items[:25]  # Discord allows 25 components in a message


def view_for(bot: commands.Bot, answer: Answer, invoker_id: int) -> discord.ui.View | None:
    """Return the buttons for ``answer``: page turning, and/or other cogs' extras."""
    if isinstance(answer, PagedReply):
        return BookView(answer, invoker_id) if answer.page_count > 1 else None
    view: discord.ui.View | None = PagesView(answer, invoker_id) if len(answer.pages) > 1 else None
    extras = extra_buttons(bot, answer, invoker_id)
    if not extras:
        return view
    if view is None:
        return ExtrasView(extras)
    for item in extras[:20]:  # Previous and Next share the first row
        view.add_item(item)
    return view


async def answer_interaction(
    bot: commands.Bot, interaction: discord.Interaction, answer: Answer
) -> None:
    """Respond to ``interaction`` with ``answer``'s first page and its buttons."""
    reply = first_reply(answer)
    arguments = message_arguments(reply)
    view = view_for(bot, answer, interaction.user.id)
    if view is not None:
        arguments["view"] = view
    if interaction.response.is_done():
        await interaction.followup.send(ephemeral=reply.ephemeral, **arguments)
    else:
        await interaction.response.send_message(ephemeral=reply.ephemeral, **arguments)


async def answer_message(bot: commands.Bot, message: discord.Message, answer: Answer) -> None:
    """Reply to ``message`` in its channel or DM, pinging nobody, with the answer's buttons."""
    arguments = message_arguments(first_reply(answer))
    view = view_for(bot, answer, message.author.id)
    if view is not None:
        arguments["view"] = view
    try:
        await message.reply(mention_author=False, **arguments)
    except discord.HTTPException as error:
        log.warning("could not answer message %s: %s", message.id, error)
