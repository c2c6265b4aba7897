"""Restart recovery: rows a stopped process left half-sent are checked before a resend.

At start, rows left ``sending`` go back to ``pending``, flagged ``verify`` (the message
may have reached Discord; no attempt is counted). Discord deduplicates a nonce only for
:data:`~bot.delivery.policy.NONCE_WINDOW` and does not return nonces in a channel's
history: after a longer outage, the channel's latest messages are read to find the row's
message by its **mark**, ``:o`` + a digest of the row's key, which the engine appends to
the custom_id of one of the message's buttons (:func:`marked_buttons`). A button's
custom_id is the one thing Discord returns in history that the bot sets, that is the same
at every attempt and that a reader never sees. A message without buttons (the ``text`` kind:
the moderation log, channel posts) is recognised by its content, rendered as at the last
attempt; a ``text`` row's content is its stored payload, the same at any time.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace

from bot.clock import Clock
from bot.custom_ids import CUSTOM_ID_LIMIT, row_mark
from bot.delivery.contracts import Renderer, Sender
from bot.delivery.policy import NONCE_WINDOW, RenderContext
from bot.delivery.state import EngineState
from bot.rendering.outgoing import ButtonSpec, as_outgoing
from bot.storage.database import Database
from bot.storage.repositories.outbox import OutboxItem

log = logging.getLogger(__name__)

# Enough to find a message sent just before an outage among a DM's latest messages.
HISTORY_LIMIT = 20
# The sender puts at most this many buttons on a message (one row).
BUTTONS_SENT = 5


def marked_buttons(buttons: Sequence[ButtonSpec], key: str) -> tuple[ButtonSpec, ...]:
    """Return ``buttons`` with the mark of row ``key`` on the first one it fits on.

    Unchanged when there is no button, or none whose custom_id has room for the mark.
    """
    mark = row_mark(key)
    marked = list(buttons)
    for index, button in enumerate(marked[:BUTTONS_SENT]):
        if len(button.custom_id) + len(mark) <= CUSTOM_ID_LIMIT:
            marked[index] = replace(button, custom_id=button.custom_id + mark)
            break
    return tuple(marked)


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
        self,
        sender: Sender,
        item: OutboxItem,
        channel_id: int,
        renderer: Renderer,
        *,
        marked: bool,
    ) -> int | None:
        """Return the id of the message an attempt before the outage left, if one did.

        Looks only when the row is flagged ``verify`` and the nonce window has passed
        (within it, Discord still deduplicates the nonce): one request. ``marked`` says
        whether the row's message carries its mark on a button (then only the mark counts).
        """
        if not item.verify or item.claimed_at is None:
            return None
        if self._clock.now() - item.claimed_at <= NONCE_WINDOW:
            return None  # Discord still deduplicates the nonce
        async with self._state.request():
            recent = await sender.recent_messages(channel_id, HISTORY_LIMIT)
        mine = [seen for seen in recent if seen.author_id == sender.bot_user_id]
        mark = row_mark(item.key)
        for seen in mine:
            if any(custom_id.endswith(mark) for custom_id in seen.custom_ids):
                return seen.id
        if marked:
            return None
        then = RenderContext(
            now=item.claimed_at, due_at=item.planned_due, deadline_at=item.deadline_at
        )
        expected = as_outgoing(await renderer(item, then)).content
        for seen in mine:
            if not seen.custom_ids and seen.content == expected:
                return seen.id
        return None
