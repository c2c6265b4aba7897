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
from bot.discord_embeds import card_to_embed
from bot.rendering.outgoing import OutgoingMessage, as_outgoing
from bot.storage.repositories.outbox import OutboxItem

if TYPE_CHECKING:
    from bot.app import Confbot

# A renderer returns the message for a row (text, or text with its pings and buttons), or
# raises Skip if it is obsolete.
OutboxRenderer = Callable[[OutboxItem], Awaitable[str | OutgoingMessage]]

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
        outgoing = as_outgoing(await renderer(item))
        try:
            destination = await self._destination(item)
            mentions = _allowed_mentions(outgoing)
            embeds = [card_to_embed(card.fitted()) for card in outgoing.cards[:10]]
            view = _view(outgoing)
            if view is None:
                message = await destination.send(
                    outgoing.content, nonce=nonce, allowed_mentions=mentions, embeds=embeds
                )
            else:
                message = await destination.send(
                    outgoing.content,
                    nonce=nonce,
                    allowed_mentions=mentions,
                    embeds=embeds,
                    view=view,
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
        # A row with a channel and a user is a mention of that user in the channel.
        if item.target_user_id is not None and item.target_channel_id is None:
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


def _allowed_mentions(outgoing: OutgoingMessage) -> discord.AllowedMentions:
    """Ping only the users and roles the renderer named; never everyone or here."""
    if not outgoing.mention_user_ids and not outgoing.mention_role_ids:
        return discord.AllowedMentions.none()
    return discord.AllowedMentions(
        everyone=False,
        replied_user=False,
        users=[discord.Object(user_id) for user_id in outgoing.mention_user_ids],
        roles=[discord.Object(role_id) for role_id in outgoing.mention_role_ids],
    )


def _view(outgoing: OutgoingMessage) -> discord.ui.View | None:
    """Return the view of the message's buttons (``None`` without buttons).

    Each button's custom_id belongs to a dynamic item a cog registered, which answers
    presses on this message after any restart.
    """
    if not outgoing.buttons:
        return None
    view = discord.ui.View(timeout=None)
    for button in outgoing.buttons[:5]:
        view.add_item(discord.ui.Button(label=button.label, custom_id=button.custom_id))
    return view


def _describe(error: discord.HTTPException) -> str:
    return f"Discord {error.status} (code {error.code}): {error.text}"[:500]
