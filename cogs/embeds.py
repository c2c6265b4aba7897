"""Turn core cards and replies into Discord embeds and messages."""

from __future__ import annotations

from typing import Any

import discord

from bot.rendering.cards import Card, Reply


def card_to_embed(card: Card) -> discord.Embed:
    """Return the embed for ``card``, which must already be fitted to Discord's limits."""
    embed = discord.Embed(
        title=card.title, description=card.description, url=card.url, colour=card.colour
    )
    for item in card.fields:
        embed.add_field(name=item.name, value=item.value, inline=item.inline)
    if card.footer:
        embed.set_footer(text=card.footer)
    if card.thumbnail_url:
        embed.set_thumbnail(url=card.thumbnail_url)
    return embed


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
