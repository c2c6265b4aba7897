"""The Discord side of the delivery engine: the only module of the package importing discord.

Each method is one request. A DM goes to the stored DM channel through a partial
messageable (``bot.get_partial_messageable``), not ``user.send()``: no GET user, no
reopened DM channel, so a DM costs one request. Errors are translated by what Discord
said (status and JSON code) into :class:`~bot.delivery.policy.DeliveryError`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

import aiohttp
import discord

from bot.config import ChannelRef
from bot.delivery.contracts import SeenMessage
from bot.delivery.policy import DeliveryError, http_failure, network_failure
from bot.discord_embeds import card_to_embed
from bot.rendering.cards import Card
from bot.rendering.outgoing import ButtonSpec


@asynccontextmanager
async def translated_errors() -> AsyncIterator[None]:
    """Turn whatever discord.py or aiohttp raised into a classified DeliveryError.

    Every port that makes the engine's requests (messages here, scheduled events in
    ``cogs/events``) raises through this, so the engine retries them alike.
    """
    try:
        yield
    except discord.RateLimited as error:  # discord.py refused to wait that long
        raise DeliveryError(
            f"rate limited for {error.retry_after:.1f} s",
            permanent=False,
            status=429,
            retry_after=error.retry_after,
        ) from error
    except discord.HTTPException as error:
        retry_after = None
        if error.status == 429 and error.response is not None:
            header = error.response.headers.get("Retry-After")
            retry_after = float(header) if header else None
        raise http_failure(
            error.status, error.code or None, error.text, retry_after=retry_after
        ) from error
    # ServerDisconnectedError is no OSError: aiohttp's errors are caught by name.
    except (aiohttp.ClientError, OSError, TimeoutError) as error:
        raise network_failure(error) from error


class DiscordSender:
    """Make the delivery engine's requests through the bot's Discord connection."""

    def __init__(self, client: discord.Client) -> None:
        self._client = client

    @property
    def bot_user_id(self) -> int | None:
        """Return the bot's user id once connected."""
        return self._client.user.id if self._client.user is not None else None

    async def open_dm(self, user_id: int) -> int:
        """Open the DM channel with ``user_id`` (POST /users/@me/channels); return its id."""
        async with translated_errors():
            channel = await self._client.create_dm(discord.Object(user_id))
        return channel.id

    async def send_message(
        self,
        channel_id: int,
        content: str,
        *,
        nonce: str,
        mention_user_ids: Sequence[int] = (),
        mention_role_ids: Sequence[int] = (),
        cards: Sequence[Card] = (),
        buttons: Sequence[ButtonSpec] = (),
        mention_everyone: bool = False,
    ) -> int:
        """Send ``content`` with ``nonce`` (deduplicated by Discord); return the message id.

        Only the users and roles named are pinged (at most 100 each, Discord's limit);
        cards become embeds, buttons a view whose custom_ids registered dynamic items answer.
        """
        allowed = discord.AllowedMentions.none()
        if mention_user_ids or mention_role_ids or mention_everyone:
            allowed = discord.AllowedMentions(
                everyone=mention_everyone,
                replied_user=False,
                users=[discord.Object(user) for user in mention_user_ids[:100]],
                roles=[discord.Object(role) for role in mention_role_ids[:100]],
            )
        embeds = [card_to_embed(card.fitted()) for card in cards[:10]]
        channel = self._client.get_partial_messageable(channel_id)
        async with translated_errors():
            if buttons:
                message = await channel.send(
                    content,
                    nonce=nonce,
                    allowed_mentions=allowed,
                    embeds=embeds,
                    view=_buttons_view(buttons),
                )
            else:
                message = await channel.send(
                    content, nonce=nonce, allowed_mentions=allowed, embeds=embeds
                )
        return message.id

    async def recent_messages(self, channel_id: int, limit: int) -> list[SeenMessage]:
        """Return the channel's latest messages, newest first (GET messages)."""
        channel = self._client.get_partial_messageable(channel_id)
        found: list[SeenMessage] = []
        async with translated_errors():
            async for message in channel.history(limit=limit):
                found.append(
                    SeenMessage(
                        id=message.id,
                        author_id=message.author.id,
                        content=message.content,
                        custom_ids=_custom_ids(message),
                    )
                )
        return found

    async def resolve_channel(self, reference: ChannelRef) -> int | None:
        """Return the id of the channel named by ``reference`` (an id, or a name in a guild)."""
        if isinstance(reference, int):
            return reference
        for guild in self._client.guilds:
            channel = discord.utils.get(guild.text_channels, name=reference.lstrip("#"))
            if channel is not None:
                return channel.id
        return None


def _custom_ids(message: discord.Message) -> tuple[str, ...]:
    """Return the custom_ids of ``message``'s buttons, row by row."""
    return tuple(
        child.custom_id
        for row in message.components
        if isinstance(row, discord.ActionRow)
        for child in row.children
        if isinstance(child, discord.Button) and child.custom_id
    )


def _buttons_view(buttons: Sequence[ButtonSpec]) -> discord.ui.View:
    """Return a view of plain buttons; the dynamic items their custom_ids name answer them.

    The view is only the message's layout: stopped before it is sent, discord.py keeps
    nothing of it (else one view per message sent, for ever: 20,000 after a fan-out).
    """
    view = discord.ui.View(timeout=None)
    for button in buttons[:5]:
        view.add_item(discord.ui.Button(label=button.label, custom_id=button.custom_id))
    view.stop()  # a stopped view is not stored when sent (``View.is_finished``)
    return view
