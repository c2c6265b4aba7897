"""Core cards as Discord embeds: where a :class:`~bot.rendering.cards.Card` meets discord."""

from __future__ import annotations

import discord

from bot.rendering.cards import Card


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
