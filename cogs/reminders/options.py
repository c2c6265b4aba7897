"""The reminders' own option: a session on the reader's agenda (for ``/forget``)."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from bot.schedule.model import Session
from cogs.choices import choices
from cogs.transformers import SessionTransformer, confbot_of


class AgendaSessionTransformer(SessionTransformer):
    """A session, offered from the reader's agenda; looked up like any session."""

    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction[Any], value: str
    ) -> list[app_commands.Choice[str]]:
        """Offer the sessions on the user's agenda whose title contains what was typed."""
        reminders = confbot_of(interaction).services.reminders
        return choices(await reminders.agenda_choices(interaction.user.id, value))


AgendaSessionOption = app_commands.Transform[Session, AgendaSessionTransformer]
