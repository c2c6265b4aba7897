"""A cog with a bug, to prove how unexpected errors reach users and the log."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands


class Broken(commands.Cog):
    """Commands that fail the way bugs do."""

    @app_commands.command(name="boom", description="Fails with an unexpected error")
    async def boom(self, interaction: discord.Interaction) -> None:
        """Raise something no error table knows."""
        raise RuntimeError("a bug in a command")


async def setup(bot: commands.Bot) -> None:
    """Load the cog."""
    await bot.add_cog(Broken())
