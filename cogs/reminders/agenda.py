"""``/agenda show``, ``/agenda export``, ``/agenda subscribe`` and ``/reminders settings``.

Each command reads the reader once, asks the reminders service, and sends what it
returned: the agenda's pages (with "Stop" for the next sessions), a calendar file, or
the settings' sentence.
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import Confbot
from bot.reminders.custom_ids import AGENDA_LIST
from bot.reminders.service import ReminderService
from bot.rendering.pages import first_reply
from cogs.embeds import message_arguments
from cogs.pictures import send_agenda_picture
from cogs.reminders.views import send_calendar, stop_buttons
from cogs.views import ListQuery, PersistentView, page_buttons

__all__ = ["AgendaCommands"]


class AgendaCommands(commands.Cog):
    """``/agenda`` and ``/reminders``: a base of the reminders cog, never loaded by itself."""

    bot: Confbot
    service: ReminderService

    agenda = app_commands.Group(name="agenda", description="Your own programme")
    settings_group = app_commands.Group(name="reminders", description="How you are reminded")

    @agenda.command(name="show", description="Your sessions in your time zone")
    @app_commands.describe(view="Text (default), or also a picture of your next day")
    @app_commands.choices(
        view=[
            app_commands.Choice(name="Text", value="text"),
            app_commands.Choice(name="Picture of the day", value="picture"),
        ]
    )
    async def agenda_show(self, interaction: discord.Interaction, view: str = "text") -> None:
        """Show the user's sessions by local day, overlaps marked, the next one counted down.

        The next few sessions get a "Stop" button each, like /forget. ``view:picture`` adds
        the picture of the agenda's day (today, else the next one with a session).
        """
        await interaction.response.defer(ephemeral=True, thinking=True)
        reader = await self.bot.reader(interaction.user.id)
        shown = await self.service.agenda(interaction.user.id, reader)
        query = ListQuery(AGENDA_LIST, shown.at, ())
        items = page_buttons(self.bot, shown.answer, interaction.user.id, query, 0)
        items += stop_buttons(shown.stops)
        arguments = message_arguments(first_reply(shown.answer))
        if items:
            arguments["view"] = PersistentView(items)
        await interaction.followup.send(ephemeral=True, **arguments)
        if view == "picture":
            await send_agenda_picture(self.bot, self.service, interaction, reader)

    @agenda.command(name="export", description="Your agenda as a calendar file (.ics)")
    async def agenda_export(self, interaction: discord.Interaction) -> None:
        """Attach agenda.ics with every session on the agenda and an alarm at each lead."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        await send_calendar(interaction, await self.service.agenda_calendar(interaction.user.id))

    @agenda.command(name="subscribe", description="A private calendar feed of your agenda")
    @app_commands.describe(reset="Make a new link; the old one stops working")
    async def agenda_subscribe(self, interaction: discord.Interaction, reset: bool = False) -> None:
        """Answer privately with a link to the user's feed (``bot/feeds``), or how to get one."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        text = await self.bot.services.feeds.subscribe(interaction.user.id, reset=reset)
        await interaction.followup.send(text, ephemeral=True)

    @settings_group.command(name="settings", description="Leads, delivery and morning digest")
    @app_commands.describe(
        leads="Minutes before each session, e.g. “60, 10”",
        delivery="A direct message, or a mention in the session's room channel",
        digest="A morning DM with your day's agenda at this local time (e.g. 08:00), or “off”",
    )
    @app_commands.choices(
        delivery=[
            app_commands.Choice(name="Direct message", value="dm"),
            app_commands.Choice(name="Mention in the room's channel", value="channel"),
        ]
    )
    async def reminders_settings(
        self,
        interaction: discord.Interaction,
        leads: str | None = None,
        delivery: str | None = None,
        digest: str | None = None,
    ) -> None:
        """Change (or show) how the user is reminded."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        reader = await self.bot.reader(interaction.user.id)
        text = await self.service.change_settings(
            interaction.user.id, reader, leads=leads, delivery=delivery, digest=digest
        )
        await interaction.followup.send(text, ephemeral=True)
