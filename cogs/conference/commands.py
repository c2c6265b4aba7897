"""The ``/conference`` group: status, upcoming, reload and upload, for moderators.

``conference`` is one group, hidden behind Manage Server at its root; every subcommand
carries ``@moderator_only()``. Thin: each reads the interaction, calls
``services.conference`` (:class:`~bot.conference.ConferenceService`) and sends its text;
an upload's Confirm/Cancel is :class:`~cogs.conference.views.UploadDialog`.
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import Confbot
from bot.conference.service import (
    UPCOMING_DEFAULT_HOURS,
    UPCOMING_MAX_HOURS,
    UPCOMING_MIN_HOURS,
    UploadChoices,
)
from bot.interaction_errors import defer_ephemeral
from bot.programme.apply import Applied
from bot.schedule.formats import FORMATS
from cogs.checks import MODERATOR_PERMISSIONS, moderator_only
from cogs.conference.views import NOBODY, UploadDialog, moderator_of
from cogs.transformers import ZoneOption


class Conference(commands.Cog):
    """What the bot knows about itself, what it will send next, and the schedule's source."""

    conference = app_commands.Group(
        name="conference",
        description="Moderators: the bot's state and what it will send",
        guild_only=True,
        default_permissions=MODERATOR_PERMISSIONS,
    )

    def __init__(self, bot: Confbot) -> None:
        self.bot = bot
        self.service = bot.services.conference

    async def cog_load(self) -> None:
        """Start refreshing the schedule once channels are known; tell listeners of applies."""
        self.bot.services.live_schedule.on_applied = self._applied

    async def cog_unload(self) -> None:
        """Stop refreshing the schedule."""
        self.service.stop()

    async def _applied(self, applied: Applied) -> None:
        # Other features (speakers' heads-ups) re-plan on ``on_schedule_applied``.
        self.bot.dispatch("schedule_applied", applied)

    @conference.command(name="status", description="Moderators: schedule, deliveries, health")
    @moderator_only()
    async def conference_status(self, interaction: discord.Interaction) -> None:
        """Show the schedule source, counts, deliveries by kind, database, uptime, latency."""
        await defer_ephemeral(interaction)
        text = await self.service.status(
            interaction.user.id, latency_seconds=self.bot.latency, version=self.bot.version
        )
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=NOBODY)

    @conference.command(
        name="reload", description="Moderators: read the schedule source again and apply it"
    )
    @moderator_only()
    async def conference_reload(self, interaction: discord.Interaction) -> None:
        """Re-read the source now; a schedule that fails validation changes nothing."""
        await defer_ephemeral(interaction)
        text = await self.service.reload(moderator_of(interaction.user))
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=NOBODY)

    @conference.command(
        name="upload", description="Moderators: replace the schedule with a file, after a preview"
    )
    @app_commands.describe(
        file="A schedule file: confbot TOML/JSON, pretalx/frab JSON or XML, Sessionize, "
        "iCalendar or CSV",
        format="Only if the bot cannot tell: the file's format",
        timezone="Only for a file whose times name no zone: the zone they are in",
    )
    @app_commands.choices(format=[app_commands.Choice(name=f, value=f) for f in FORMATS])
    @moderator_only()
    async def conference_upload(
        self,
        interaction: discord.Interaction,
        file: discord.Attachment,
        format: str | None = None,
        timezone: ZoneOption | None = None,
    ) -> None:
        """Validate an uploaded schedule, show what would change, apply it on Confirm."""
        await defer_ephemeral(interaction)
        self.service.check_upload_size(file.size)
        body = await file.read()
        moderator = moderator_of(interaction.user)
        choices = UploadChoices(format, timezone)
        preview = await self.service.preview_upload(moderator, body, file.filename, choices)
        if not preview.confirmable:
            await interaction.followup.send(preview.text, ephemeral=True, allowed_mentions=NOBODY)
            return
        dialog = UploadDialog(
            self.service, self.bot.config.guild, moderator, body, file.filename, choices
        )
        await dialog.send(interaction, preview.text)

    @conference.command(
        name="upcoming", description="Moderators: what the bot will send in the next hours"
    )
    @app_commands.describe(hours=f"How far ahead to look (default {UPCOMING_DEFAULT_HOURS})")
    @moderator_only()
    async def conference_upcoming(
        self,
        interaction: discord.Interaction,
        hours: app_commands.Range[int, UPCOMING_MIN_HOURS, UPCOMING_MAX_HOURS] = (
            UPCOMING_DEFAULT_HOURS
        ),
    ) -> None:
        """List pending deliveries by kind, with recipient counts and one rendered sample each."""
        await defer_ephemeral(interaction)
        text = await self.service.upcoming(interaction.user.id, hours)
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=NOBODY)
