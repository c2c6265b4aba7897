"""``/about``: what this bot is, for which conference, in which zone."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import Confbot
from bot.rendering.about import about_text


class Meta(commands.Cog):
    """Commands about confbot itself."""

    def __init__(self, bot: Confbot) -> None:
        self.bot = bot

    @app_commands.command(
        name="about", description="What this bot is and which conference it serves"
    )
    async def about(self, interaction: discord.Interaction) -> None:
        """Show the conference name, its zone and the bot version."""
        services = self.bot.services
        await interaction.response.send_message(
            about_text(
                services.schedule.schedule.conference, services.conference_zone, self.bot.version
            ),
            ephemeral=True,
        )


async def setup(bot: Confbot) -> None:
    """Load the cog."""
    await bot.add_cog(Meta(bot))
