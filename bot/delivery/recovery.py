"""Restart recovery: rows a stopped process left half-sent are checked before a resend.

At start, rows left ``sending`` go back to ``pending``, flagged ``verify`` (the message
may have reached Discord; no attempt is counted). Discord deduplicates a nonce only for
:data:`~bot.delivery.policy.NONCE_WINDOW`: after a longer outage, the channel's latest
messages are read to find the message before it is sent again.
"""

from __future__ import annotations

import logging

from bot.clock import Clock
from bot.delivery.contracts import Renderer, Sender
from bot.delivery.policy import NONCE_WINDOW, RenderContext, nonce_for
from bot.delivery.state import EngineState
from bot.rendering.outgoing import as_outgoing
from bot.storage.database import Database
from bot.storage.repositories.outbox import OutboxItem

log = logging.getLogger(__name__)

# Enough to find a message sent just before an outage among a DM's latest messages.
HISTORY_LIMIT = 20


class RestartRecovery:
    """Return half-sent rows to ``pending`` at start; find their message before a resend."""

    def __init__(self, database: Database, clock: Clock, state: EngineState) -> None:
        self._database = database
        self._clock = clock
        self._state = state

    async def recover(self) -> int:
        """Return the rows a previous run left ``sending`` to ``pending``; return how many."""
        recovered = await self._database.outbox.recover_sending()
        if recovered:
            log.warning(
                "%d outbox rows were left sending by a previous run; they are checked "
                "or resent with their nonce",
                recovered,
            )
        return recovered

    async def delivered_before(
        self, sender: Sender, item: OutboxItem, channel_id: int, renderer: Renderer
    ) -> int | None:
        """Return the id of the message an attempt before the outage left, if one did.

        Looks only when the row is flagged ``verify`` and the nonce window has passed
        (within it, Discord still deduplicates the nonce): one request.
        """
        if not item.verify or item.claimed_at is None:
            return None
        if self._clock.now() - item.claimed_at <= NONCE_WINDOW:
            return None  # Discord still deduplicates the nonce
        then = RenderContext(now=item.claimed_at, due_at=item.due_at, deadline_at=item.deadline_at)
        expected = as_outgoing(await renderer(item, then)).content
        nonce = nonce_for(item.key)
        async with self._state.request():
            recent = await sender.recent_messages(channel_id, HISTORY_LIMIT)
        for seen in recent:
            if seen.author_id == sender.bot_user_id and (
                seen.nonce == nonce or seen.content == expected
            ):
                return seen.id
        return None
