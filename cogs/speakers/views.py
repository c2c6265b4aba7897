"""The speakers' buttons: "Session: …" on speaker cards, "Speaker" on session cards.

Both are ``DynamicItem``s: the custom_id (:mod:`bot.speakers.custom_ids`) carries the
card's id, so a press on a message sent before a restart is answered like any other.
A press reaches the speakers service through the client (``Confbot.services``).
"""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.speakers.buttons import CardLink
from bot.speakers.custom_ids import (
    SESSION_CARD,
    SESSION_CARD_TEMPLATE,
    SPEAKER_CARD,
    SPEAKER_CARD_TEMPLATE,
)
from cogs.replies import answer_interaction
from cogs.transformers import confbot_of
from cogs.views import answer_button_failure, id_from_custom_id, id_in_custom_id

__all__ = ["SessionButton", "SpeakerButton", "button_for"]


class SessionButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=SESSION_CARD_TEMPLATE):
    """Opens one session's card for whoever presses it, on any message, after restarts too."""

    def __init__(self, session_id: str, label: str) -> None:
        self.session_id = session_id
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.primary,
                custom_id=id_in_custom_id(SESSION_CARD, session_id),
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> SessionButton:
        """Rebuild the button from its custom_id; the id is resolved when pressed."""
        button = cls(match["id"], "")
        button.item.label = getattr(item, "label", None)
        return button

    async def callback(self, interaction: discord.Interaction) -> None:
        """Show the session card, privately, in the presser's zone."""
        try:
            bot = confbot_of(interaction)
            speakers = bot.services.speakers
            session_id = id_from_custom_id(self.session_id, speakers.session_ids())
            reader = await bot.reader(interaction.user.id)
            reply = speakers.open_session(reader, session_id, bot.services.clock.now())
            await answer_interaction(bot, interaction, reply)
        except Exception as error:  # discord.py would only log it: the user gets a sentence
            await answer_button_failure(interaction, error)


class SpeakerButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=SPEAKER_CARD_TEMPLATE):
    """Opens one speaker's card for whoever presses it, on any message, after restarts too."""

    def __init__(self, speaker_id: str, label: str) -> None:
        self.speaker_id = speaker_id
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.primary,
                custom_id=id_in_custom_id(SPEAKER_CARD, speaker_id),
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> SpeakerButton:
        """Rebuild the button from its custom_id; the id is resolved when pressed."""
        return cls(match["id"], getattr(item, "label", None) or "Speaker")

    async def callback(self, interaction: discord.Interaction) -> None:
        """Show the speaker card, privately, in the presser's zone."""
        try:
            bot = confbot_of(interaction)
            speakers = bot.services.speakers
            speaker_id = id_from_custom_id(self.speaker_id, speakers.speaker_ids())
            reader = await bot.reader(interaction.user.id)
            reply = await speakers.open_speaker(reader, speaker_id)
            await answer_interaction(bot, interaction, reply)
        except Exception as error:  # discord.py would only log it: the user gets a sentence
            await answer_button_failure(interaction, error)


def button_for(link: CardLink) -> SessionButton | SpeakerButton:
    """Return the button that opens the card ``link`` names."""
    if link.target == "session":
        return SessionButton(link.target_id, link.label)
    return SpeakerButton(link.target_id, link.label)
