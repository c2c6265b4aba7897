"""Moderators' announcements: ``/announce new|list|edit|cancel``, the preview and its buttons.

``/announce`` is a group because Discord does not let a command also be a group: one
name keeps every announcement action together, hidden behind Manage Server at its root.
Thin: drafts, times, outbox rows and crossposts are the announcements service's
(``bot/announcements/``). A draft is a row (status ``draft``) whose id travels in the
preview buttons' custom_ids (``discord.ui.DynamicItem``), so a preview still works after
a restart. Every command, button and form checks the moderator on the server side.

Several channels are options of ``/announce new`` (``channel`` … ``channel_5``) rather
than a select on the preview: Discord's own channel picker offers only text and
announcement channels, and every target is known before the form opens, so the
permission check covers all of them before anything is typed or scheduled.

- ``__init__.py`` — the cog: the ``/announce`` group and its autocompletes.
- ``views.py`` — the preview's buttons (:class:`AnnouncementButton`) and the form.
- ``targets.py`` — the server's side: the announcements channel, roles, permissions.
- ``publisher.py`` — crossposting and editing posted copies (the service's Discord port).
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import Confbot
from bot.interaction_errors import defer_ephemeral
from cogs.announcements.publisher import DiscordPostedMessages
from cogs.announcements.targets import announcements_channel, require_can_post, server_roles
from cogs.announcements.views import AnnouncementButton, AnnouncementModal, open_edit, reply
from cogs.checks import MODERATOR_PERMISSIONS, moderator_only
from cogs.choices import choices
from cogs.transformers import SessionOption, WhenOption


class Announcements(commands.Cog):
    """Announcements moderators post now or schedule, previewed first, logged always."""

    announce = app_commands.Group(
        name="announce",
        description="Moderators: post an announcement now or at a time",
        guild_only=True,
        default_permissions=MODERATOR_PERMISSIONS,
    )

    def __init__(self, bot: Confbot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        """Crosspost and edit through this bot, answer preview buttons (old ones too)."""
        service = self.bot.services.announcements
        service.connect(DiscordPostedMessages(self.bot))
        self.bot.add_dynamic_items(AnnouncementButton)

    async def cog_unload(self) -> None:
        """Forget the buttons (announcement rows are still rendered and sent)."""
        self.bot.remove_dynamic_items(AnnouncementButton)

    # -- autocomplete ---------------------------------------------------------------

    async def ping_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Offer the roles the config allows to ping (and @everyone/@here if allowed)."""
        service = self.bot.services.announcements
        return choices(service.ping_choices(current, server_roles(interaction.guild)))

    async def announcement_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        """Offer the latest announcements: "#3 Keynote soon (scheduled)"."""
        service = self.bot.services.announcements
        recent = await service.recent(interaction.guild_id or 0, limit=25)
        wanted = current.casefold()
        found = [
            app_commands.Choice(name=f"#{a.id} {a.title or a.content}"[:100], value=a.id)
            for a in recent
            if wanted in f"#{a.id} {a.title} {a.content}".casefold()
        ]
        return found[:25]

    # -- commands ---------------------------------------------------------------------

    @announce.command(name="new", description="Moderators: write an announcement and preview it")
    @app_commands.describe(
        channel="Where to post it (default: the announcements channel)",
        channel_2="Also post it here (each channel gets its own copy)",
        channel_3="Also post it here",
        channel_4="Also post it here",
        channel_5="Also post it here",
        ping="A role to ping (only roles the organisers allow)",
        when="Now (default), or a time in your zone: 15:50, in 10 minutes, tomorrow 9am",
        session="Attach this session's card (part of its title or a speaker's name)",
    )
    @app_commands.autocomplete(ping=ping_autocomplete)
    @moderator_only()
    async def announce_new(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel | None = None,
        channel_2: discord.TextChannel | None = None,
        channel_3: discord.TextChannel | None = None,
        channel_4: discord.TextChannel | None = None,
        channel_5: discord.TextChannel | None = None,
        ping: str | None = None,
        when: WhenOption | None = None,
        session: SessionOption | None = None,
    ) -> None:
        """Check the pace, every channel, the ping, time and session, then open the modal.

        The pace (5 a minute, ``bot/announcements/pace.py``) counts accepted forms only.
        """
        service = self.bot.services.announcements
        service.require_room_to_start(interaction.guild_id or 0, interaction.user.id)
        picked = [each for each in (channel, channel_2, channel_3, channel_4, channel_5) if each]
        if not picked:
            configured = self.bot.config.guild.announcements_channel
            picked = [announcements_channel(interaction.guild, configured)]
        targets = list(dict.fromkeys(picked))  # the same channel twice is one copy
        chosen = service.ping(ping, server_roles(interaction.guild))
        require_can_post(targets, chosen)
        modal = AnnouncementModal(
            channel_ids=tuple(target.id for target in targets),
            ping=chosen,
            when=when.text if when else "now",
            session_id=session.id if session else None,
        )
        await interaction.response.send_modal(modal)

    @announce.command(name="list", description="Moderators: scheduled and recent announcements")
    @moderator_only()
    async def announce_list(self, interaction: discord.Interaction) -> None:
        """List scheduled and recent announcements and their channels, in the viewer's zone."""
        await defer_ephemeral(interaction)
        reader = await self.bot.reader(interaction.user.id)
        service = self.bot.services.announcements
        await reply(interaction, await service.listing(interaction.guild_id or 0, reader))

    @announce.command(name="edit", description="Moderators: change an announcement")
    @app_commands.describe(announcement="The announcement (its number in /announce list)")
    @app_commands.autocomplete(announcement=announcement_autocomplete)
    @moderator_only()
    async def announce_edit(self, interaction: discord.Interaction, announcement: int) -> None:
        """Open the modal prefilled; on submit, scheduled copies change, posted ones are edited."""
        service = self.bot.services.announcements
        found = await service.editable(interaction.guild_id or 0, announcement)
        await open_edit(interaction, found)

    @announce.command(name="cancel", description="Moderators: cancel a scheduled announcement")
    @app_commands.describe(announcement="The announcement (its number in /announce list)")
    @app_commands.autocomplete(announcement=announcement_autocomplete)
    @moderator_only()
    async def announce_cancel(self, interaction: discord.Interaction, announcement: int) -> None:
        """Cancel an announcement in every channel where it has not been posted yet."""
        await defer_ephemeral(interaction)
        service = self.bot.services.announcements
        found = await service.get(interaction.guild_id or 0, announcement)
        await reply(interaction, await service.cancel(found, actor_id=interaction.user.id))


async def setup(bot: Confbot) -> None:
    """Load the cog."""
    await bot.add_cog(Announcements(bot))
