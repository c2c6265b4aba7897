"""Confirm/cancel dialogs: the one kind of buttons held in memory, for a few minutes.

Sent with :meth:`InvokerView.send`, a dialog answers only its invoker, disables its
buttons when it times out, and a press that reaches a bot which no longer has it (a
restart) is answered by :class:`ExpiredDialog`: nothing was done.
"""

from __future__ import annotations

import logging
import re
import secrets
from typing import Any

import discord

from bot.app import Confbot
from bot.custom_ids import PREFIX
from bot.interaction_errors import send_ephemeral
from cogs.views.pages import NOT_YOURS, answer_button_failure

log = logging.getLogger(__name__)

# How long the confirm dialogs of :class:`InvokerView` keep working: less than the
# 15 minutes an interaction token lasts, so the timeout can still disable the buttons.
DIALOG_TIMEOUT_SECONDS = 10 * 60
DIALOG_EXPIRED = "These buttons have expired and nothing was done. Run the command again."


DIALOG_TEMPLATE = re.compile(rf"{PREFIX}:dialog:(?P<token>[0-9a-f]+):(?P<number>[0-9]+)")


class InvokerView(discord.ui.View):
    """A short-lived dialog (confirm/cancel) whose buttons answer only the invoker.

    Unlike answers' buttons a dialog holds its state in memory. Sent with :meth:`send`,
    it disables its buttons on its message when it times out, and a press that reaches
    a bot which no longer has it (after a restart) is answered by :class:`ExpiredDialog`.
    """

    def __init__(self, invoker_id: int, *, timeout: float | None = DIALOG_TIMEOUT_SECONDS) -> None:
        super().__init__(timeout=timeout)
        self.invoker_id = invoker_id
        self.token = secrets.token_hex(8)
        self.origin: discord.Interaction | None = None

    async def send(self, interaction: discord.Interaction, content: str) -> None:
        """Answer ``interaction`` privately with ``content`` and this dialog's buttons."""
        client = interaction.client
        if isinstance(client, Confbot):
            client.answer_hooks.live_dialogs[self.token] = self
        for number, item in enumerate(self.children):
            if isinstance(item, discord.ui.Button):
                item.custom_id = f"{PREFIX}:dialog:{self.token}:{number}"
        self.origin = interaction
        if interaction.response.is_done():  # deferred first: the dialog is the follow-up
            await interaction.followup.send(
                content, view=self, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
            )
            return
        await interaction.response.send_message(
            content, view=self, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
        )

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Refuse, privately, presses by anyone but the invoker."""
        if interaction.user.id == self.invoker_id:
            return True
        await send_ephemeral(interaction, NOT_YOURS)
        return False

    def stop(self) -> None:
        """Stop answering presses (the dialog is done)."""
        super().stop()
        self._forget()

    async def on_timeout(self) -> None:
        """Disable the buttons on the message, so none is left that would not answer."""
        self._forget()
        for item in self.children:
            if isinstance(item, discord.ui.Button):
                item.disabled = True
        if self.origin is not None:
            try:
                await self.origin.edit_original_response(view=self)
            except discord.HTTPException:  # the message is gone; nothing is left to press
                log.info("could not disable an expired dialog's buttons")

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        """Answer a failed press like a failed command: one sentence, or a code."""
        await answer_button_failure(interaction, error)

    def _forget(self) -> None:
        client = self.origin.client if self.origin is not None else None
        if isinstance(client, Confbot):
            client.answer_hooks.live_dialogs.pop(self.token, None)


class ExpiredDialog(discord.ui.DynamicItem[discord.ui.Button[Any]], template=DIALOG_TEMPLATE):
    """Answers a press on a dialog this bot no longer has (sent before a restart)."""

    def __init__(self, token: str, number: int) -> None:
        self.token = token
        super().__init__(discord.ui.Button(custom_id=f"{PREFIX}:dialog:{token}:{number}"))

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ExpiredDialog:
        """Rebuild the button from its custom_id."""
        return cls(match["token"], int(match["number"]))

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        """Leave the press to the dialog itself while this bot still has it."""
        client = interaction.client
        return isinstance(client, Confbot) and self.token not in client.answer_hooks.live_dialogs

    async def callback(self, interaction: discord.Interaction) -> None:
        """Say, privately, that the dialog expired and nothing was done."""
        await send_ephemeral(interaction, DIALOG_EXPIRED)
