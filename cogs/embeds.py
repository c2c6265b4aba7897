"""Turn core replies into Discord message arguments (cards via ``bot/discord_embeds.py``)."""

from __future__ import annotations

from typing import Any

import discord

from bot.discord_embeds import card_to_embed
from bot.rendering.cards import Reply


def message_arguments(reply: Reply, page: int = 0) -> dict[str, Any]:
    """Return ``send``/``edit`` keyword arguments showing ``page`` of ``reply``."""
    reply = reply.fitted()
    arguments: dict[str, Any] = {
        "content": reply.content,
        "allowed_mentions": discord.AllowedMentions.none(),
    }
    if reply.pages:
        arguments["embed"] = card_to_embed(reply.pages[page])
    return arguments
