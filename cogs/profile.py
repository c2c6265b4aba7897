"""``/timezone set|show|clear|clock`` and ``/forget-me``: each user's own profile.

A user's zone is global (one row per Discord user), not per server. Every reply is
private and confirms with the current local time. Commands that write defer first
(the database may be locked by another process for a moment); reads answer at once.
"""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.answers.profile import Profiles
from bot.app import Confbot
from bot.interaction_errors import answer_may_follow, defer_ephemeral
from cogs.transformers import ZoneOption, confbot_of
from cogs.views import InvokerView


class ForgetView(InvokerView):
    """Confirm or cancel erasing everything stored about the invoker."""

    def __init__(self, profiles: Profiles, invoker_id: int) -> None:
        super().__init__(invoker_id)
        self.profiles = profiles

    @discord.ui.button(label="Confirm", style=discord.ButtonStyle.danger)
    async def confirm(
        self, interaction: discord.Interaction, button: discord.ui.Button[ForgetView]
    ) -> None:
        """Erase the data and say what was erased."""
        await defer_ephemeral(interaction)
        # What features gave in Discord (track roles) first: the database keeps no trace.
        hooks = confbot_of(interaction).answer_hooks
        erased, problems = await hooks.forget_in_discord(self.invoker_id)
        reply = await self.profiles.forget(self.invoker_id, also_erased=erased, problems=problems)
        self.stop()
        await interaction.edit_original_response(
            content=reply.content, view=None, allowed_mentions=discord.AllowedMentions.none()
        )

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(
        self, interaction: discord.Interaction, button: discord.ui.Button[ForgetView]
    ) -> None:
        """Leave everything as it is."""
        self.stop()
        await interaction.response.edit_message(
            content="Nothing was erased.",
            view=None,
            allowed_mentions=discord.AllowedMentions.none(),
        )


class Profile(commands.Cog):
    """Each attendee's time zone and clock, and the right to be forgotten."""

    timezone = app_commands.Group(name="timezone", description="Your time zone for every answer")

    def __init__(self, bot: Confbot) -> None:
        self.bot = bot
        self.profiles = bot.services.profiles

    @answer_may_follow
    @timezone.command(name="set", description="Set your time zone")
    @app_commands.describe(zone="A city, a country or a zone name, e.g. Sydney or Europe/Paris")
    async def timezone_set(self, interaction: discord.Interaction, zone: ZoneOption) -> None:
        """Store the zone and confirm with its current local time."""
        await defer_ephemeral(interaction)
        reply = await self.profiles.set_zone(interaction.user.id, zone, self.bot.clock.now())
        await self._send(interaction, reply.content)

    @timezone.command(name="show", description="Show your time zone and clock")
    async def timezone_show(self, interaction: discord.Interaction) -> None:
        """Say which zone and clock answers use for you."""
        reply = await self.profiles.show_zone(interaction.user.id, self.bot.clock.now())
        await self._send(interaction, reply.content)

    @timezone.command(name="clear", description="Forget your time zone")
    async def timezone_clear(self, interaction: discord.Interaction) -> None:
        """Go back to the conference's zone."""
        await defer_ephemeral(interaction)
        reply = await self.profiles.clear_zone(interaction.user.id, self.bot.clock.now())
        await self._send(interaction, reply.content)

    @timezone.command(name="clock", description="Show times on the 12- or 24-hour clock")
    @app_commands.describe(format="12h (4:00 p.m.) or 24h (16:00)")
    async def timezone_clock(
        self, interaction: discord.Interaction, format: Literal["12h", "24h"]
    ) -> None:
        """Store the clock style."""
        await defer_ephemeral(interaction)
        reply = await self.profiles.set_clock(interaction.user.id, format, self.bot.clock.now())
        await self._send(interaction, reply.content)

    @app_commands.command(name="forget-me", description="Erase everything confbot stores about you")
    async def forget_me(self, interaction: discord.Interaction) -> None:
        """Ask for confirmation, then erase the user's data."""
        await ForgetView(self.profiles, interaction.user.id).send(
            interaction,
            "This erases your time zone, clock setting, reminders and speaker links, and takes "
            "away the track roles you follow. Sure?",
        )

    @staticmethod
    async def _send(interaction: discord.Interaction, text: str | None) -> None:
        nobody = discord.AllowedMentions.none()
        if interaction.response.is_done():  # deferred: the follow-up replaces "thinking…"
            await interaction.followup.send(
                text or "Done.", ephemeral=True, allowed_mentions=nobody
            )
        else:
            await interaction.response.send_message(
                text or "Done.", ephemeral=True, allowed_mentions=nobody
            )


async def setup(bot: Confbot) -> None:
    """Load the cog."""
    await bot.add_cog(Profile(bot))
