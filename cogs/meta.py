"""``/about`` and ``/help``: what this bot is, and every command it has.

``/help`` reads the command tree when it is asked, so it lists exactly what the bot
registered: a command added to any cog appears without a help text to edit.
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.answers.intents import HELP_EXAMPLES
from bot.app import Confbot
from bot.discord_embeds import card_to_embed
from bot.rendering.about import about_text
from bot.rendering.help import CommandEntry, help_card

# Each cog's commands go under what they are for (``bot/rendering/help.py`` orders them);
# a cog not named here lands under "More", so no command is ever left out.
SECTION_OF_COG = {
    "Schedule": "The programme",
    "Speakers": "The programme",
    "Reminders": "Reminders and your agenda",
    "Profile": "Your settings",
    "Meta": "About confbot",
}
# How many of the help card's examples of plain questions to show.
HELP_ASKS = 3


def command_entries(tree: app_commands.CommandTree[Confbot]) -> list[CommandEntry]:
    """Return every slash command (subcommands by their full name) in ``tree``."""
    entries = []
    for command in tree.walk_commands():
        if not isinstance(command, app_commands.Command):
            continue
        root = command.root_parent or command
        cog = command.binding.__class__.__name__ if command.binding is not None else ""
        entries.append(
            CommandEntry(
                name=command.qualified_name,
                description=command.description,
                section=SECTION_OF_COG.get(cog, "More"),
                moderators=root.default_permissions is not None,
            )
        )
    return entries


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

    @app_commands.command(name="help", description="Every command, and what to ask")
    async def help(self, interaction: discord.Interaction) -> None:
        """List every slash command the bot registers, grouped, privately."""
        card = help_card(command_entries(self.bot.tree), HELP_EXAMPLES[:HELP_ASKS])
        await interaction.response.send_message(
            embed=card_to_embed(card.fitted()),
            ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none(),
        )


async def setup(bot: Confbot) -> None:
    """Load the cog."""
    await bot.add_cog(Meta(bot))
