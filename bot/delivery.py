"""The delivery engine: sends outbox rows when they fall due, exactly once.

The outbox table is the truth. The engine keeps one scheduler job, a wake-up at
the earliest due row, and re-arms it after every change. A row is claimed before
it is sent and marked sent only after Discord confirmed the message; each send
carries a nonce derived from the row's key, so a resend after a crash between
"sent" and "marked" returns Discord's earlier message instead of a duplicate.

The engine knows nothing of Discord: a :class:`Sender` (the Discord adapter)
turns a row into a message.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from datetime import datetime, timedelta
from typing import Protocol

from bot.clock import Clock
from bot.scheduler import KeyedScheduler
from bot.storage.database import Database
from bot.storage.repositories.outbox import OutboxItem

log = logging.getLogger(__name__)

WAKE_JOB_KEY = "delivery:wake"
MAX_ATTEMPTS = 5
# Backoff between attempts of one row: 30 s, 1 min, 2 min, 4 min...
FIRST_RETRY = timedelta(seconds=30)


class DeliveryError(Exception):
    """A send failed; ``permanent`` failures (DMs closed, no access) are not retried."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


class Skip(Exception):
    """The row no longer needs sending (its session is gone); it is cancelled."""


class Sender(Protocol):
    """Sends one outbox row to Discord and returns the message id Discord gave it."""

    async def send(self, item: OutboxItem, *, nonce: str) -> int:
        """Send ``item``.

        :raises DeliveryError: the send failed.
        :raises Skip: the row is obsolete.
        """
        ...


def nonce_for(key: str) -> str:
    """Return the Discord nonce (at most 25 characters) for an outbox key."""
    return hashlib.sha256(key.encode()).hexdigest()[:25]


class DeliveryEngine:
    """Send due outbox rows through a :class:`Sender`, re-arming one wake-up job."""

    def __init__(
        self,
        database: Database,
        scheduler: KeyedScheduler,
        clock: Clock,
        *,
        batch_size: int = 50,
        max_attempts: int = MAX_ATTEMPTS,
    ) -> None:
        self._database = database
        self._scheduler = scheduler
        self._clock = clock
        self._batch_size = batch_size
        self._max_attempts = max_attempts
        self._sender: Sender | None = None
        self._lock = asyncio.Lock()

    async def start(self, sender: Sender) -> None:
        """Recover rows a crash left half-sent, then deliver what is due and arm the wake-up."""
        self._sender = sender
        recovered = await self._database.outbox.reset_stale_sending()
        if recovered:
            log.warning("%d outbox rows were left sending by a previous run; retrying", recovered)
        await self.deliver_due()

    def stop(self) -> None:
        """Stop waking up (rows stay in the database for the next start)."""
        self._scheduler.cancel(WAKE_JOB_KEY)
        self._sender = None

    async def enqueue(
        self,
        key: str,
        kind: str,
        due_at: datetime,
        payload: dict[str, object],
        *,
        target_user_id: int | None = None,
        target_channel_id: int | None = None,
    ) -> bool:
        """Add a row (a no-op if ``key`` exists) and re-arm; return whether it was added."""
        added = await self._database.outbox.enqueue(
            key,
            kind,
            due_at,
            payload,
            target_user_id=target_user_id,
            target_channel_id=target_channel_id,
        )
        if added:
            await self.rearm()
        return added

    async def cancel(self, key: str) -> bool:
        """Cancel the pending row ``key``; return whether there was one."""
        cancelled = await self._database.outbox.cancel(key)
        if cancelled:
            await self.rearm()
        return cancelled

    async def rearm(self) -> datetime | None:
        """Schedule the wake-up at the earliest pending row; return when that is."""
        if self._sender is None:
            return None
        next_due = await self._database.outbox.next_due_at()
        if next_due is None:
            self._scheduler.cancel(WAKE_JOB_KEY)
        else:
            self._scheduler.schedule_at(WAKE_JOB_KEY, next_due, self._wake)
        return next_due

    async def _wake(self) -> None:
        await self.deliver_due()

    async def deliver_due(self) -> int:
        """Send every row due now, then re-arm; return how many were sent."""
        if self._sender is None:
            return 0
        sent = 0
        async with self._lock:
            while True:
                items = await self._database.outbox.due(self._clock.now(), self._batch_size)
                if not items:
                    break
                for item in items:
                    sent += await self._deliver(self._sender, item)
        await self.rearm()
        return sent

    async def _deliver(self, sender: Sender, item: OutboxItem) -> int:
        outbox = self._database.outbox
        if not await outbox.claim(item.id):
            return 0
        try:
            message_id = await sender.send(item, nonce=nonce_for(item.key))
        except Skip as reason:
            await outbox.mark_failed(item.id, f"skipped: {reason}")
            log.info("outbox %s skipped: %s", item.key, reason)
            return 0
        except DeliveryError as error:
            attempts = item.attempts + 1
            retry_at = None
            if not error.permanent and attempts < self._max_attempts:
                retry_at = self._clock.now() + FIRST_RETRY * (2 ** (attempts - 1))
            await outbox.mark_failed(item.id, str(error), retry_at=retry_at)
            log.warning(
                "outbox %s failed (attempt %d%s): %s",
                item.key,
                attempts,
                ", will retry" if retry_at else ", giving up",
                error,
            )
            return 0
        await outbox.mark_sent(item.id, message_id)
        return 1
