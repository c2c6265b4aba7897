"""Crossposting the copies posted in announcement channels, once each, after they are sent.

A copy is crossposted after the delivery engine marked it sent (the kind's
``after_sent``), so a refusal here can never make the post be sent again. What became
of each crosspost is stored on the copy: a copy posted just before the bot stopped is
crossposted at the next start (:meth:`Crossposts.left_over`), and none is crossposted
twice (a second try is Discord's 40033, read as done). A failure is told to the
moderation log, since the followers' servers will not see the post.
"""

from __future__ import annotations

import logging

from bot.announcements.posted import ConnectionFailed, DiscordRefused, PostedMessages
from bot.delivery import DeliveryEngine
from bot.delivery.pacing import BudgetClosed
from bot.moderation import ModerationLog
from bot.rendering.text import neutralise
from bot.storage.database import Database
from bot.storage.repositories.announcements import AnnouncementCopy
from bot.storage.repositories.outbox import OutboxItem

log = logging.getLogger(__name__)

# Discord's answer to a second crosspost of one message (topics/opcodes-and-status-codes).
ALREADY_CROSSPOSTED = 40033


class Crossposts:
    """Publish each copy posted in an announcement channel to its followers, once."""

    def __init__(
        self, database: Database, delivery: DeliveryEngine, moderation: ModerationLog
    ) -> None:
        self._database = database
        self._delivery = delivery
        self._moderation = moderation
        self.messages: PostedMessages | None = None
        """The Discord side; until it is connected, copies wait for the next start."""

    async def after_sent(self, item: OutboxItem, message_id: int) -> None:
        """Publish a copy posted in an announcement channel to the servers following it.

        Runs after the engine marked the copy sent, so a refusal here never resends it;
        what became of the crosspost is stored, so a restart neither repeats nor forgets it.
        """
        copy = await self._database.announcements.copy_by_key(item.key)
        if copy is not None and copy.crosspost is None:
            await self._crosspost(copy, message_id)

    async def left_over(self) -> None:
        """Crosspost copies posted just before the bot stopped (once the channels are known)."""
        for copy, message_id in await self._database.announcements.posted_awaiting_crosspost():
            await self._crosspost(copy, message_id)

    async def _crosspost(self, copy: AnnouncementCopy, message_id: int) -> None:
        announcements = self._database.announcements
        messages = self.messages
        if messages is None:
            return  # not connected to Discord: the next start crossposts it
        if not messages.is_announcement_channel(copy.channel_id):
            await announcements.set_crosspost(copy.outbox_key, "not-announcement-channel")
            return
        try:
            # Paced with every other request the bot makes on its own.
            async with self._delivery.budget.request():
                await messages.publish(copy.channel_id, message_id)
        except BudgetClosed:
            return  # stopping: the next start crossposts it
        except DiscordRefused as error:
            if error.code == ALREADY_CROSSPOSTED:  # a run stopped before recording it
                await announcements.set_crosspost(copy.outbox_key, "published")
                return
            reason = str(error)  # "Discord said 403 Missing Permissions (50013)"
        except ConnectionFailed as error:
            reason = str(error)  # "the connection failed (ClientConnectorError)"
        else:
            await announcements.set_crosspost(copy.outbox_key, "published")
            return
        await announcements.set_crosspost(copy.outbox_key, "failed")
        log.warning("crosspost of %s failed: %s", copy.outbox_key, reason)
        await self._report(copy, reason)

    async def _report(self, copy: AnnouncementCopy, reason: str) -> None:
        """Tell the moderation log the followers' servers did not get the copy."""
        found = await self._database.announcements.get(copy.announcement_id)
        title = neutralise(found.title) if found else ""
        await self._moderation.record_action(
            actor_id=None,
            action=(
                f"could not crosspost announcement #{copy.announcement_id} “{title}” to the "
                f"servers following <#{copy.channel_id}>: {reason}. It is posted there once; "
                "publish it by hand if it should reach them"
            ),
            subject=f"announcement-crosspost:{copy.outbox_key}",
            where=f"<#{copy.channel_id}>",
        )
