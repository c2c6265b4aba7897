"""Conference operations for moderators: ``/conference status`` and ``/conference upcoming``.

``conference`` is one group, hidden behind Manage Server at its root; other operations
(reload, upload) join it as subcommands of :attr:`Conference.conference`, each with
``@moderator_only()``. Thin: the facts come from the services, the texts from
``bot/announcements/status.py``.
"""

from __future__ import annotations

import contextlib
import math
from datetime import timedelta
from pathlib import Path
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.announcements.status import StatusFacts, UpcomingKind, status_text, upcoming_text
from bot.app import Confbot
from bot.errors import UserError
from bot.interaction_errors import defer_ephemeral
from cogs.checks import MODERATOR_PERMISSIONS, moderator_only


class Conference(commands.Cog):
    """What the bot knows about itself, and what it will send next."""

    conference = app_commands.Group(
        name="conference",
        description="Moderators: the bot's state and what it will send",
        guild_only=True,
        default_permissions=MODERATOR_PERMISSIONS,
    )

    def __init__(self, bot: Confbot) -> None:
        self.bot = bot
        # The schedule is loaded when the services open, just before the cogs load.
        self.started_at = bot.clock.now()

    @conference.command(name="status", description="Moderators: schedule, deliveries, health")
    @moderator_only()
    async def conference_status(self, interaction: discord.Interaction) -> None:
        """Show the schedule source, counts, deliveries by kind, database, uptime, latency."""
        await defer_ephemeral(interaction)
        services = self.bot.services
        database = services.database
        path = Path(services.config.storage.database)
        size = None
        with contextlib.suppress(OSError):
            size = path.stat().st_size
        latency = self.bot.latency
        facts = StatusFacts(
            schedule_source=str(services.config.schedule.source),
            schedule_loaded_at=self.started_at,
            sessions=len(services.schedule.sessions),
            subscriptions=await database.subscriptions.count(),
            deliveries=await services.delivery.delivery_counts(),
            next_due=await database.outbox.next_due_at(),
            database_bytes=size,
            started_at=self.started_at,
            now=self.bot.clock.now(),
            latency_seconds=None if math.isinf(latency) or math.isnan(latency) else latency,
            version=self.bot.version,
        )
        reader = await self.bot.reader(interaction.user.id)
        await interaction.followup.send(
            status_text(facts, reader),
            ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none(),
        )

    @conference.command(
        name="reload", description="Moderators: read the schedule source again and apply it"
    )
    @moderator_only()
    async def conference_reload(self, interaction: discord.Interaction) -> None:
        """Re-read the source now; a schedule that fails validation changes nothing."""
        await self._schedule_ops().reload(interaction)

    @conference.command(
        name="upload", description="Moderators: replace the schedule with a file, after a preview"
    )
    @app_commands.describe(
        file="A schedule file: confbot TOML/JSON, pretalx/frab JSON or XML, Sessionize, "
        "iCalendar or CSV"
    )
    @moderator_only()
    async def conference_upload(
        self, interaction: discord.Interaction, file: discord.Attachment
    ) -> None:
        """Validate an uploaded schedule, show what would change, apply it on Confirm."""
        await self._schedule_ops().upload(interaction, file)

    def _schedule_ops(self) -> Any:
        """Return the cog that refreshes the schedule (its reload and upload do the work)."""
        cog = self.bot.get_cog("ScheduleOps")
        if cog is None:
            raise UserError("Schedule reloading is not available right now.")
        return cog

    @conference.command(
        name="upcoming", description="Moderators: what the bot will send in the next hours"
    )
    @app_commands.describe(hours="How far ahead to look (default 3)")
    @moderator_only()
    async def conference_upcoming(
        self, interaction: discord.Interaction, hours: app_commands.Range[int, 1, 72] = 3
    ) -> None:
        """List pending deliveries by kind, with recipient counts and one rendered sample each."""
        await defer_ephemeral(interaction)
        services = self.bot.services
        now = self.bot.clock.now()
        groups = []
        for pending in await services.database.outbox.pending_by_kind(now + timedelta(hours=hours)):
            sample_row = await services.database.outbox.get_by_id(pending.sample_id)
            rendered = (
                await services.delivery.render_sample(sample_row, max(now, sample_row.due_at))
                if sample_row is not None
                else None
            )
            groups.append(
                UpcomingKind(
                    kind=pending.kind,
                    count=pending.count,
                    recipients=pending.recipients,
                    first_due=pending.first_due,
                    sample=rendered.content if rendered is not None else None,
                )
            )
        reader = await self.bot.reader(interaction.user.id)
        await interaction.followup.send(
            upcoming_text(groups, hours, reader),
            ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none(),
        )


async def setup(bot: Confbot) -> None:
    """Load the cog."""
    await bot.add_cog(Conference(bot))
