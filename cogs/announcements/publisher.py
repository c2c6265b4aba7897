"""The Discord side of posted announcements: crosspost or edit one message, one request each.

Implements :class:`bot.announcements.posted.PostedMessages`: the feature decides which
copies to crosspost or edit and what an outcome means; this module makes the request
and classifies what Discord (or the network) answered.
"""

from __future__ import annotations

import aiohttp
import discord

from bot.announcements.posted import ConnectionFailed, DiscordRefused
from bot.discord_embeds import card_to_embed
from bot.rendering.outgoing import OutgoingMessage


class DiscordPostedMessages:
    """Crosspost and edit the bot's posted announcements through its Discord connection."""

    def __init__(self, client: discord.Client) -> None:
        self._client = client

    def is_announcement_channel(self, channel_id: int) -> bool:
        """Return whether the channel is an announcement (news) channel (from the cache)."""
        channel = self._client.get_channel(channel_id)
        return isinstance(channel, discord.TextChannel) and channel.is_news()

    async def publish(self, channel_id: int, message_id: int) -> None:
        """Crosspost the message to the channel's followers (POST …/crosspost).

        :raises DiscordRefused: Discord refused (40033: already crossposted).
        :raises ConnectionFailed: the connection failed or timed out.
        """
        channel = self._client.get_partial_messageable(channel_id)
        try:
            await channel.get_partial_message(message_id).publish()
        except discord.HTTPException as error:
            raise DiscordRefused(error.status, error.code, error.text) from error
        # ServerDisconnectedError is no OSError: aiohttp's errors are caught by name.
        except (aiohttp.ClientError, OSError, TimeoutError) as error:
            raise ConnectionFailed(type(error).__name__) from error

    async def edit(self, channel_id: int, message_id: int, message: OutgoingMessage) -> None:
        """Replace the message's text and embeds, pinging only whom ``message`` allows.

        :raises DiscordRefused: Discord refused.
        """
        channel = self._client.get_partial_messageable(channel_id)
        embeds = [card_to_embed(card) for card in message.cards]
        try:
            await channel.get_partial_message(message_id).edit(
                content=message.content, embeds=embeds, allowed_mentions=_allowed(message)
            )
        except discord.HTTPException as error:
            raise DiscordRefused(error.status, error.code, error.text) from error


def _allowed(message: OutgoingMessage) -> discord.AllowedMentions:
    """Return the allowed mentions of an announcement: its chosen role or @everyone, or none."""
    if not message.mention_role_ids and not message.mention_everyone:
        return discord.AllowedMentions.none()
    return discord.AllowedMentions(
        everyone=message.mention_everyone,
        users=False,
        replied_user=False,
        roles=[discord.Object(role) for role in message.mention_role_ids],
    )
