"""Crossposting announcements posted in announcement channels, for ``cogs/announcements.py``.

A copy is crossposted after the delivery engine marked it sent (its ``after_sent``), so
a refusal here can never make the post be sent again. What became of each crosspost is
stored on the copy: a copy posted just before the bot stopped is crossposted at the next
start, and none is crossposted twice (a second try is Discord's 40033, read as done).
"""

from __future__ import annotations

import logging

import aiohttp
import discord

from bot.app import Confbot
from bot.delivery.pacing import BudgetClosed
from bot.rendering.text import neutralise
from bot.storage.repositories.announcements import AnnouncementCopy
from bot.storage.repositories.outbox import OutboxItem
from cogs.moderation_log import log_moderator_action

log = logging.getLogger(__name__)

# Discord's answer to a second crosspost of one message (topics/opcodes-and-status-codes).
ALREADY_CROSSPOSTED = 40033


class Crossposter:
    """Publish each announcement copy of an announcement channel to its followers, once."""

    def __init__(self, bot: Confbot) -> None:
        self.bot = bot

    async def after_sent(self, item: OutboxItem, message_id: int) -> None:
        """Publish a copy posted in an announcement channel to the servers following it.

        Runs after the engine marked the copy sent, so a refusal here never resends it;
        what became of the crosspost is stored, so a restart neither repeats nor forgets it.
        """
        announcements = self.bot.services.database.announcements
        copy = await announcements.copy_by_key(item.key)
        if copy is not None and copy.crosspost is None:
            await self._crosspost(copy, message_id)

    async def left_over(self) -> None:
        """Crosspost copies posted just before the bot stopped (once the channels are known)."""
        announcements = self.bot.services.database.announcements
        for copy, message_id in await announcements.posted_awaiting_crosspost():
            await self._crosspost(copy, message_id)

    async def _crosspost(self, copy: AnnouncementCopy, message_id: int) -> None:
        announcements = self.bot.services.database.announcements
        channel = self.bot.get_channel(copy.channel_id)
        if not isinstance(channel, discord.TextChannel) or not channel.is_news():
            await announcements.set_crosspost(copy.outbox_key, "not-announcement-channel")
            return
        try:
            # Paced with every other request the bot makes on its own.
            async with self.bot.services.delivery.budget.request():
                await channel.get_partial_message(message_id).publish()
        except BudgetClosed:
            return  # stopping: the next start crossposts it
        except discord.HTTPException as error:
            if error.code == ALREADY_CROSSPOSTED:  # a run stopped before recording it
                await announcements.set_crosspost(copy.outbox_key, "published")
                return
            reason = f"Discord said {error.status} {error.text or 'error'} ({error.code})"
        except (aiohttp.ClientError, OSError, TimeoutError) as error:
            reason = f"the connection failed ({type(error).__name__})"
        else:
            await announcements.set_crosspost(copy.outbox_key, "published")
            return
        await announcements.set_crosspost(copy.outbox_key, "failed")
        log.warning("crosspost of %s failed: %s", copy.outbox_key, reason)
        found = await announcements.get(copy.announcement_id)
        title = neutralise(found.title) if found else ""
        await log_moderator_action(
            self.bot,
            actor_id=None,
            action=(
                f"could not crosspost announcement #{copy.announcement_id} “{title}” to the "
                f"servers following <#{copy.channel_id}>: {reason}. It is posted there once; "
                "publish it by hand if it should reach them"
            ),
            subject=f"announcement-crosspost:{copy.outbox_key}",
            where=f"<#{copy.channel_id}>",
        )
