"""Reminders and the agenda: ``/remind``, ``/forget``, ``/agenda``, ``/reminders``, ``/tracks``.

Thin: every command reads the interaction (and the reader, once), calls the reminders
service (``bot.services.reminders``, :mod:`bot.reminders.service`) and sends its answer.

- ``__init__.py`` — the :class:`Reminders` cog: ``/remind``, ``/forget``, the buttons it adds
  to answers (``session_buttons``), the agenda's pages (``reopen_list``); ``setup``.
- ``agenda.py`` — ``/agenda show|export`` and ``/reminders settings``.
- ``tracks.py`` — ``/tracks follow|unfollow`` and the roles they hand out.
- ``views.py`` — "Remind me", "Stop reminding", "Add to calendar", "Remind me of…".
"""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from bot.app import Confbot
from bot.interaction_errors import answer_may_follow, defer_ephemeral
from bot.reminders.custom_ids import AGENDA_LIST
from bot.reminders.tracks import NoRoles
from bot.rendering.cards import Reply
from bot.rendering.pages import Answer
from cogs.reminders.agenda import AgendaCommands
from cogs.reminders.options import AgendaSessionOption
from cogs.reminders.tracks import GuildRoles, TrackCommands
from cogs.reminders.views import (
    ITEMS,
    CalendarButton,
    RemindButton,
    RemindSelect,
    StopButton,
    offer_items,
    send_reminded,
)
from cogs.transformers import SessionOption, interaction_reader
from cogs.views import ListQuery, install_page_buttons

__all__ = ["CalendarButton", "RemindButton", "RemindSelect", "Reminders", "StopButton"]


class Reminders(AgendaCommands, TrackCommands):
    """Reminders before chosen sessions, the agenda, digests and room posts."""

    def __init__(self, bot: Confbot) -> None:
        self.bot = bot
        self.service = bot.services.reminders
        self.roles = GuildRoles(bot)

    async def cog_load(self) -> None:
        """Register the buttons, let room posts find track roles, plan once channels are known."""
        self.service.use_roles(self.roles)
        self.bot.add_dynamic_items(*ITEMS)
        await install_page_buttons(self.bot)
        self.bot.answer_hooks.add_list_source(self.reopen_list)
        self.bot.answer_hooks.add_extras(self.session_buttons)
        self.bot.answer_hooks.add_forget_step(self.forget_track_roles)

    async def cog_unload(self) -> None:
        """Forget the buttons and the roles (rows stay planned and rendered)."""
        self.service.use_roles(NoRoles())
        self.bot.remove_dynamic_items(*ITEMS)
        self.bot.answer_hooks.remove_list_source(self.reopen_list)
        self.bot.answer_hooks.remove_extras(self.session_buttons)
        self.bot.answer_hooks.remove_forget_step(self.forget_track_roles)

    # -- autocomplete -----------------------------------------------------------------

    # -- commands ---------------------------------------------------------------------

    @answer_may_follow
    @app_commands.command(name="remind", description="Get a reminder before a session")
    @app_commands.describe(
        session="The session (title or speaker)",
        minutes_before="How long before it starts (default: your /reminders settings)",
    )
    async def remind(
        self,
        interaction: discord.Interaction,
        session: SessionOption,
        minutes_before: app_commands.Range[int, 0, 1440] | None = None,
    ) -> None:
        """Add a session to the agenda and queue its reminders."""
        await defer_ephemeral(interaction)  # unless the command tree already did
        reader = await interaction_reader(interaction)
        reminded = await self.service.remind(interaction.user.id, reader, session, minutes_before)
        await send_reminded(interaction, self.bot, reminded)

    @app_commands.command(name="forget", description="Stop the reminders for a session")
    @app_commands.describe(session="A session on your agenda")
    async def forget(self, interaction: discord.Interaction, session: AgendaSessionOption) -> None:
        """Remove a session from the agenda."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        text = await self.service.forget(interaction.user.id, session.id)
        await interaction.followup.send(text, ephemeral=True)

    # -- what other answers ask of this cog ---------------------------------------------

    async def reopen_list(
        self, query: ListQuery, interaction: discord.Interaction
    ) -> Answer | None:
        """Answer the presser's agenda again, for its page buttons (after restarts too)."""
        if query.kind != AGENDA_LIST:
            return None
        reader = await self.bot.reader(interaction.user.id)
        return await self.service.agenda_answer(interaction.user.id, reader, query.at)

    def session_buttons(self, reply: Reply, invoker_id: int) -> list[discord.ui.Item[Any]]:
        """Add "Remind me" and "Add to calendar" to a card about one session ahead, and
        "Remind me of…" to a list page or a speaker card with sessions ahead."""
        return offer_items(self.service.offer_for(reply))


async def setup(bot: Confbot) -> None:
    """Load the cog."""
    await bot.add_cog(Reminders(bot))
