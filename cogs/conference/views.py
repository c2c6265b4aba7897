"""An upload's Confirm/Cancel dialog, and who pressed it, for the ``/conference`` group."""

from __future__ import annotations

import discord

from bot.conference import ConferenceService
from bot.conference.service import UploadChoices
from bot.conference.texts import Moderator
from bot.config import GuildConfig
from bot.errors import UserError
from bot.interaction_errors import defer_ephemeral
from cogs.checks import is_moderator
from cogs.views import InvokerView

NOBODY = discord.AllowedMentions.none()


def moderator_of(user: discord.abc.User) -> Moderator:
    """Return who ran an operation, as the service names them."""
    return Moderator(user.id, user.name)


class UploadDialog(InvokerView):
    """Confirm or cancel applying an uploaded schedule."""

    def __init__(
        self,
        service: ConferenceService,
        guild: GuildConfig,
        invoker: Moderator,
        body: bytes,
        name: str,
        choices: UploadChoices,
    ) -> None:
        super().__init__(invoker.user_id)
        self.service = service
        self.guild = guild
        self.body = body
        self.name = name
        self.choices = choices

    @discord.ui.button(label="Confirm", style=discord.ButtonStyle.danger)
    async def confirm(
        self, interaction: discord.Interaction, button: discord.ui.Button[UploadDialog]
    ) -> None:
        """Apply the uploaded schedule and say what changed."""
        self.stop()
        if not is_moderator(interaction.user, self.guild):
            raise UserError("Only moderators can do that.")
        await defer_ephemeral(interaction)
        text = await self.service.apply_upload(
            moderator_of(interaction.user), self.body, self.name, self.choices
        )
        await interaction.edit_original_response(content=text, view=None, allowed_mentions=NOBODY)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(
        self, interaction: discord.Interaction, button: discord.ui.Button[UploadDialog]
    ) -> None:
        """Leave the schedule as it is."""
        self.stop()
        await interaction.response.edit_message(
            content="Nothing was changed.", view=None, allowed_mentions=NOBODY
        )
