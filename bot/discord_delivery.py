"""The Discord side of the delivery engine: turn an outbox row into a sent message.

Each feature registers a renderer for its kind of row (``bot.outbox_renderers``);
this sender finds the destination (a member's DM or a channel), sends with the
row's nonce, and translates Discord's errors into permanent or passing failures.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import discord

from bot.delivery import DeliveryError
from bot.storage.repositories.outbox import OutboxItem

if TYPE_CHECKING:
    from bot.app import Confbot

# A renderer returns the message text for a row, or raises Skip if it is obsolete.
OutboxRenderer = Callable[[OutboxItem], Awaitable[str]]

# Discord error codes that no retry can fix.
CANNOT_MESSAGE_USER = 50007
MISSING_ACCESS = 50001
MISSING_PERMISSIONS = 50013
UNKNOWN_USER = 10013
UNKNOWN_CHANNEL = 10003


class DiscordSender:
    """Send outbox rows through the bot's Discord connection."""

    def __init__(self, bot: Confbot, renderers: dict[str, OutboxRenderer]) -> None:
        self._bot = bot
        self._renderers = renderers

    async def send(self, item: OutboxItem, *, nonce: str) -> int:
        """Render and send ``item``; return Discord's message id.

        :raises Skip: no renderer wants it any more.
        :raises DeliveryError: Discord refused (permanent) or failed (passing).
        """
        renderer = self._renderers.get(item.kind)
        if renderer is None:
            raise DeliveryError(f"no renderer for outbox kind {item.kind!r}", permanent=True)
        content = await renderer(item)
        try:
            destination = await self._destination(item)
            message = await destination.send(
                content, nonce=nonce, allowed_mentions=_allowed_mentions(item)
            )
        except discord.Forbidden as error:
            raise DeliveryError(_describe(error), permanent=True) from error
        except discord.NotFound as error:
            raise DeliveryError(_describe(error), permanent=True) from error
        except discord.HTTPException as error:
            raise DeliveryError(_describe(error), permanent=error.status < 500) from error
        except (OSError, TimeoutError) as error:
            raise DeliveryError(f"network: {error}", permanent=False) from error
        return message.id

    async def _destination(self, item: OutboxItem) -> discord.abc.Messageable:
        if item.target_user_id is not None and not item.payload.get("mention_user_id"):
            user = self._bot.get_user(item.target_user_id) or await self._bot.fetch_user(
                item.target_user_id
            )
            return user.dm_channel or await user.create_dm()
        if item.target_channel_id is not None:
            channel = self._bot.get_channel(
                item.target_channel_id
            ) or await self._bot.fetch_channel(item.target_channel_id)
            if not isinstance(channel, discord.abc.Messageable):
                raise DeliveryError(
                    f"channel {item.target_channel_id} takes no messages", permanent=True
                )
            return channel
        raise DeliveryError("outbox row has no destination", permanent=True)


def _allowed_mentions(item: OutboxItem) -> discord.AllowedMentions:
    """Ping nobody, except the attendee a channel reminder is for."""
    mention = item.payload.get("mention_user_id")
    if isinstance(mention, int):
        return discord.AllowedMentions(
            everyone=False, roles=False, replied_user=False, users=[discord.Object(mention)]
        )
    return discord.AllowedMentions.none()


def _describe(error: discord.HTTPException) -> str:
    return f"Discord {error.status} (code {error.code}): {error.text}"[:500]
