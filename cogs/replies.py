"""Send core answers to Discord: as an interaction response or as a reply to a message.

One place decides which buttons an answer carries (built by :func:`cogs.views.view_for`):

* several pages get Previous/Next, which only the person who asked can press. Pass the
  ``query`` the list answers (:class:`~bot.rendering.pages.ListQuery`) and register a list
  source for its kind (``bot.answer_hooks.add_list_source(self.reopen_list)`` in
  ``cog_load``), so the buttons still work after a restart;
* a reply about one session or speaker (``Reply.session_id`` / ``Reply.speaker_ids``)
  gets the items every registered extras provider offers. **Hook:** a cog registers
  ``bot.answer_hooks.add_extras(self.session_buttons)`` in ``cog_load`` (a function
  ``(reply, invoker_id) -> list[discord.ui.Item]``); the speakers cog adds "Speaker" to
  ``/session`` cards, to the answer to "when is X?" and to every other single-session
  answer. The items must be ``DynamicItem``\\ s registered in the cog's ``cog_load``
  (see :mod:`cogs.views`).
"""

from __future__ import annotations

import logging

import discord

from bot.app import Confbot
from bot.rendering.pages import Answer, first_reply
from cogs.embeds import message_arguments
from cogs.views import ListQuery, extra_buttons, view_for

__all__ = [
    "answer_interaction",
    "answer_message",
    "extra_buttons",
    "view_for",
]

log = logging.getLogger(__name__)


async def answer_interaction(
    bot: Confbot,
    interaction: discord.Interaction,
    answer: Answer,
    *,
    query: ListQuery | None = None,
) -> None:
    """Respond to ``interaction`` with ``answer``'s first page and its buttons."""
    reply = first_reply(answer)
    arguments = message_arguments(reply)
    view = view_for(bot, answer, interaction.user.id, query=query)
    if view is not None:
        arguments["view"] = view
    if interaction.response.is_done():
        await interaction.followup.send(ephemeral=reply.ephemeral, **arguments)
    else:
        await interaction.response.send_message(ephemeral=reply.ephemeral, **arguments)


async def answer_message(
    bot: Confbot,
    message: discord.Message,
    answer: Answer,
    *,
    query: ListQuery | None = None,
) -> None:
    """Reply to ``message`` in its channel or DM, pinging nobody, with the answer's buttons."""
    arguments = message_arguments(first_reply(answer))
    view = view_for(bot, answer, message.author.id, query=query)
    if view is not None:
        arguments["view"] = view
    try:
        await message.reply(mention_author=False, **arguments)
    except discord.HTTPException as error:
        log.warning("could not answer message %s: %s", message.id, error)
