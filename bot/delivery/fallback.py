"""The fallback for closed DMs: one channel message mentioning everyone it could not DM.

Rows routed here (``route = 'fallback'``) are grouped by channel, kind and session; each
group becomes as few messages as Discord's limits allow (2000 characters, at most 100
users in ``allowed_mentions.users``), pinging exactly those users. The first time someone
is mentioned this way the message says how to get DMs again (``hint``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from functools import partial

from bot.clock import Clock
from bot.delivery.contracts import DeliverySettings, Renderer, Sender
from bot.delivery.pacing import BudgetClosed
from bot.delivery.policy import (
    LATE_AFTER,
    DeliveryError,
    RenderContext,
    Skip,
    nonce_for,
    retry_delay,
)
from bot.delivery.records import written
from bot.errors import DatabaseBusyError, error_code
from bot.rendering.outgoing import as_outgoing
from bot.storage.database import Database
from bot.storage.repositories.outbox import OutboxItem

log = logging.getLogger(__name__)

# Discord: at most 100 ids in allowed_mentions.users; 2000 characters per message.
MAX_MENTIONS = 100
MESSAGE_LIMIT = 2000
# Messages of one channel under way at once.
MESSAGES_AT_ONCE = 2
FALLBACK_HINT = (
    "You get this here because your DMs are closed to this server's members; "
    "allow direct messages from this server (its Privacy Settings) to get them by DM."
)


def _batches(users: list[int], room: int) -> list[list[int]]:
    """Split ``users`` into messages: at most 100 each, their mentions within ``room``."""
    batches: list[list[int]] = []
    current: list[int] = []
    used = 0
    for user in users:
        width = len(f"<@{user}> ")
        if current and (len(current) == MAX_MENTIONS or used + width > room):
            batches.append(current)
            current, used = [], 0
        current.append(user)
        used += width
    if current:
        batches.append(current)
    return batches


class FallbackMentions:
    """Send the fallback mentions of a batch of rows; every row ends sent, retried or failed."""

    def __init__(
        self,
        database: Database,
        clock: Clock,
        settings: DeliverySettings,
        renderers: Mapping[str, Renderer],
        request: Callable[[], AbstractAsyncContextManager[None]],
    ) -> None:
        self._database = database
        self._clock = clock
        self._settings = settings
        self._renderers = renderers
        self._request = request
        self.hint = FALLBACK_HINT

    async def deliver(
        self, sender: Sender, items: list[OutboxItem], default_channel_id: int | None
    ) -> int:
        """Mention the users of ``items`` (claimed rows); return how many rows were delivered."""
        groups: dict[tuple[int, str, str | None], list[OutboxItem]] = {}
        outbox = self._database.outbox
        for item in items:
            channel = item.fallback_channel_id or default_channel_id
            if channel is None or item.target_user_id is None:
                await outbox.mark_failed(item.id, "no fallback channel or no user to mention")
                continue
            groups.setdefault((channel, item.kind, item.session_id), []).append(item)
        delivered = 0
        for (channel_id, _, _), group in groups.items():
            try:
                delivered += await self._group(sender, channel_id, group)
            except BudgetClosed:
                await outbox.release([item.id for item in group])
            except DatabaseBusyError:
                # Batches sent were recorded; the rest go back to pending, checked first.
                unsent = [item.id for item in group]
                await written("fallback rows", partial(outbox.release, unsent, verify=True))
            except Exception as error:
                code = error_code()
                log.exception("fallback delivery failed unexpectedly (code %s)", code)
                for item in group:
                    await outbox.mark_failed(
                        item.id, f"unexpected error (code {code}): {type(error).__name__}"
                    )
        return delivered

    async def _group(self, sender: Sender, channel_id: int, group: list[OutboxItem]) -> int:
        outbox = self._database.outbox
        now = self._clock.now()
        first = group[0]
        renderer = self._renderers.get(first.kind)
        if renderer is None:
            for item in group:
                await outbox.mark_failed(item.id, f"no renderer for outbox kind {first.kind!r}")
            return 0
        context = RenderContext(
            now=now, due_at=first.planned_due, deadline_at=first.deadline_at, audience="channel"
        )
        try:
            text = as_outgoing(await renderer(first, context)).content[:1500]
        except Skip as reason:
            for item in group:
                await outbox.mark_skipped(item.id, f"skipped: {reason}")
            return 0
        # One mention per user, even if several of their rows (two leads) fell back.
        rows_of: dict[int, list[OutboxItem]] = {}
        for item in group:
            if item.target_user_id is not None:
                rows_of.setdefault(item.target_user_id, []).append(item)
        known = await self._database.recipients.get_many(rows_of)
        # The hint is for closed DMs only (not for someone whose DM was not open in time).
        untold = {
            user
            for user, recipient in known.items()
            if recipient.told_at is None and not recipient.dm_able
        }
        hint = f"\n-# {self.hint}" if untold else ""
        batches = _batches(sorted(rows_of), MESSAGE_LIMIT - len(text) - len(hint) - 1)
        # Two at a time: a channel takes about one message a second (its own limit), and a
        # message waiting for it holds one of the budget's places the DMs need too.
        gate = asyncio.Semaphore(MESSAGES_AT_ONCE)

        async def one(batch: list[int]) -> int:
            async with gate:
                return await self._batch(
                    sender, channel_id, batch, rows_of, text, untold, first.planned_due, now
                )

        return sum(await asyncio.gather(*(one(batch) for batch in batches)))

    async def _batch(
        self,
        sender: Sender,
        channel_id: int,
        batch: list[int],
        rows_of: Mapping[int, list[OutboxItem]],
        text: str,
        untold: set[int],
        due_at: datetime,
        now: datetime,
    ) -> int:
        """Send one message mentioning ``batch``; record its rows; return how many."""
        outbox = self._database.outbox
        rows = [row for user in batch for row in rows_of[user]]
        mentions = " ".join(f"<@{user}>" for user in batch)
        hint = f"\n-# {self.hint}" if untold.intersection(batch) else ""
        keys = ",".join(row.key for row in rows)
        try:
            async with self._request():
                message_id = await sender.send_message(
                    channel_id,
                    f"{mentions}\n{text}{hint}",
                    nonce=nonce_for(f"fallback:{keys}"),
                    mention_user_ids=batch,
                )
        except DeliveryError as error:
            for row in rows:
                await self._failed(row, error, now)
            return 0
        late = self._clock.now() - due_at > LATE_AFTER
        ids = [row.id for row in rows]
        await written(keys, partial(outbox.mark_sent_many, ids, message_id, late=late))
        told = untold.intersection(batch)
        await written(keys, partial(self._database.recipients.mark_told, told, now))
        return len(rows)

    async def _failed(self, item: OutboxItem, error: DeliveryError, now: datetime) -> None:
        attempts = item.attempts + 1
        retry_at = None
        if not error.permanent and attempts < self._settings.max_attempts:
            retry_at = now + retry_delay(attempts, error.retry_after)
        await self._database.outbox.mark_failed(
            item.id, str(error), retry_at=retry_at, verify=error.ambiguous
        )
        log.warning("fallback for %s failed (attempt %d): %s", item.key, attempts, error)
