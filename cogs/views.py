"""Shared interactive views: pages that only the person who asked can turn."""

from __future__ import annotations

from typing import Any

import discord

from bot.interaction_errors import describe_failure, send_ephemeral
from bot.rendering.cards import Reply
from cogs.embeds import message_arguments

# How long page buttons keep working after the last press.
PAGE_TIMEOUT_SECONDS = 15 * 60


class InvokerView(discord.ui.View):
    """A view whose buttons answer only the member who invoked the command."""

    def __init__(self, invoker_id: int, *, timeout: float | None = PAGE_TIMEOUT_SECONDS) -> None:
        super().__init__(timeout=timeout)
        self.invoker_id = invoker_id

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Refuse, privately, presses by anyone but the invoker."""
        if interaction.user.id == self.invoker_id:
            return True
        await send_ephemeral(interaction, "Only the person who asked can use these buttons.")
        return False

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        """Answer a failed press like a failed command: one sentence, or a code."""
        await send_ephemeral(interaction, describe_failure(error, context="a button"))


class PagesView(InvokerView):
    """Previous/Next buttons over the pages of a reply."""

    def __init__(self, reply: Reply, invoker_id: int) -> None:
        super().__init__(invoker_id)
        self.reply = reply
        self.page = 0
        self._update_buttons()

    @property
    def page_count(self) -> int:
        """Return how many pages the reply has."""
        return len(self.reply.pages)

    def _update_buttons(self) -> None:
        self.previous_page.disabled = self.page == 0
        self.next_page.disabled = self.page >= self.page_count - 1

    async def _show(self, interaction: discord.Interaction, page: int) -> None:
        self.page = max(0, min(page, self.page_count - 1))
        self._update_buttons()
        await interaction.response.edit_message(
            **message_arguments(self.reply, self.page), view=self
        )

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.secondary)
    async def previous_page(
        self, interaction: discord.Interaction, button: discord.ui.Button[PagesView]
    ) -> None:
        """Show the page before this one."""
        await self._show(interaction, self.page - 1)

    @discord.ui.button(label="Next", style=discord.ButtonStyle.secondary)
    async def next_page(
        self, interaction: discord.Interaction, button: discord.ui.Button[PagesView]
    ) -> None:
        """Show the page after this one."""
        await self._show(interaction, self.page + 1)
