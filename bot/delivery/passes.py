"""The engine's passes: one wake-up job, claiming, the pool of sends, re-armed every time.

The outbox table is the truth; the engine keeps one scheduler job, a wake-up at the
instant the next send must start, re-armed after every change and after every pass
whatever happened in it. A pass:

1. skips (and counts) pending rows past their deadline: never sent late beyond it;
2. claims due rows in due order, at most as many as there are free senders, as soon
   as :func:`~bot.delivery.pacing.due_horizon` says their fan-out must begin (N rows
   due at T start N / (0.9 x budget) before T, so the last lands by T); once begun, a
   fan-out runs at the full budget;
3. sends each in its own task (a bounded pool, :class:`~bot.delivery.row_delivery.RowDelivery`),
   every request paced by one shared :class:`~bot.delivery.pacing.RequestBudget`; a slow
   or failing row holds up no other;
4. gathers rows whose DMs are closed into fallback mentions
   (:class:`~bot.delivery.fallback.FallbackMentions`), a message's worth at a time.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.delivery.contracts import Sender
from bot.delivery.fallback import MAX_MENTIONS, FallbackMentions
from bot.delivery.pacing import clock_speed, due_horizon, planned_start
from bot.delivery.previews import OutboxPreviews
from bot.delivery.row_delivery import RowDelivery
from bot.delivery.state import EngineState
from bot.errors import DatabaseBusyError, error_code
from bot.scheduler import KeyedScheduler
from bot.storage.database import Database
from bot.storage.repositories.outbox import OutboxItem

log = logging.getLogger(__name__)

WAKE_JOB_KEY = "delivery:wake"
# About as many mentions as fit in one message: worth a fallback message mid fan-out.
FALLBACK_BATCH = 80
# If the database itself fails, try again this long after.
RETRY_PASS_AFTER = timedelta(seconds=5)
# If it cannot answer for now (a PostgreSQL restart), sooner.
RETRY_BUSY_AFTER = timedelta(seconds=1)


class DeliveryPasses:
    """Wake up when the next send must start, run a pass, re-arm; hold the sends in flight."""

    def __init__(
        self,
        database: Database,
        scheduler: KeyedScheduler,
        clock: Clock,
        state: EngineState,
        rows: RowDelivery,
        fallback: FallbackMentions,
        previews: OutboxPreviews,
    ) -> None:
        self._database = database
        self._scheduler = scheduler
        self._clock = clock
        self._state = state
        self._rows = rows
        self._fallback = fallback
        self._previews = previews
        self._pass_lock = asyncio.Lock()
        self.in_flight: set[asyncio.Task[None]] = set()
        self._in_pass = False
        self._horizon: datetime | None = None  # the latest due time the pass began sending
        self._fallback_task: asyncio.Task[None] | None = None

    # -- the wake-up ---------------------------------------------------------------------

    async def next_wake(self) -> datetime | None:
        """Return when the engine must next start sending, or ``None`` if nothing is pending."""
        settings = self._state.settings
        outbox = self._database.outbox
        next_due = await outbox.next_due_at()
        if next_due is None:
            return None
        start = planned_start(
            await outbox.due_profile(next_due + settings.max_head_start),
            rate=settings.requests_per_second,
            speed=clock_speed(self._clock),
            longest_head_start=settings.max_head_start,
        )
        return next_due if start is None else min(start, next_due)

    async def rearm(self) -> datetime | None:
        """Schedule the wake-up for the next send; return when that is."""
        if self._state.sender is None or self._state.stopping:
            return None
        if self._in_pass:
            return None  # the running pass re-checks, then re-arms when it ends
        try:
            wake = await self.next_wake()
        except DatabaseBusyError:
            wake = self._clock.now() + RETRY_BUSY_AFTER
        except Exception:
            code = error_code()
            log.exception("delivery: could not plan the next wake-up (code %s)", code)
            wake = self._clock.now() + RETRY_PASS_AFTER
        if wake is None:
            self._scheduler.cancel(WAKE_JOB_KEY)
        else:
            self._scheduler.schedule_at(WAKE_JOB_KEY, wake, self._wake)
        return wake

    def cancel_wake(self) -> None:
        """Drop the scheduled wake-up (the engine is stopping)."""
        self._scheduler.cancel(WAKE_JOB_KEY)

    async def _wake(self) -> None:
        await self.deliver_due()

    async def deliver_due(self) -> int:
        """Send every row due now (waiting for its sends to land), re-arm; return how many sent."""
        sender = self._state.sender
        if sender is None or self._state.stopping:
            return 0
        sent = 0
        async with self._pass_lock:
            self._in_pass = True
            try:
                sent = await self._pass(sender)
            except DatabaseBusyError:
                log.warning("delivery pass stopped: the database cannot answer; tried again")
                self._scheduler.schedule_at(
                    WAKE_JOB_KEY, self._clock.now() + RETRY_BUSY_AFTER, self._wake
                )
            except Exception:
                code = error_code()
                log.exception("delivery pass failed (code %s); it is tried again", code)
                self._scheduler.schedule_at(
                    WAKE_JOB_KEY, self._clock.now() + RETRY_PASS_AFTER, self._wake
                )
            finally:
                self._in_pass = False
        await self.rearm()
        return sent

    async def finish(self, timeout: float) -> None:
        """Let the sends in flight land (at most ``timeout`` s), cancel the rest, end the pass."""
        waiting = set(self.in_flight)
        if waiting:
            log.info("delivery: draining %d in-flight sends (up to %.0f s)", len(waiting), timeout)
            _, unfinished = await asyncio.wait(waiting, timeout=timeout)
            for task in unfinished:
                task.cancel()
            if unfinished:
                await asyncio.gather(*unfinished, return_exceptions=True)
                log.warning("delivery: %d sends cut off by the drain timeout", len(unfinished))
        async with self._pass_lock:  # wait for a pass to notice and end
            pass

    # -- a pass --------------------------------------------------------------------------

    async def _pass(self, sender: Sender) -> int:
        outbox = self._database.outbox
        max_concurrent_sends = self._state.settings.max_concurrent_sends
        self._state.sent_in_pass = 0
        self._horizon = None
        busy = False
        expired = await outbox.skip_expired(self._clock.now())
        for kind, count in expired.items():
            log.warning("delivery: %d %s rows passed their deadline unsent; skipped", count, kind)
            busy = True
        # Refill the pool in batches, not row by row, to keep the planning queries few.
        refill_at = max(1, max_concurrent_sends // 4)
        while not self._state.stopping:
            free = max_concurrent_sends - len(self.in_flight)
            claimed = 0
            if free >= refill_at or not self.in_flight:
                claimed = await self._claim(sender, free)
            busy = busy or claimed > 0
            if not self.in_flight:
                if claimed == 0:
                    break
                continue
            if claimed == 0 or free - claimed < refill_at:
                await asyncio.wait(set(self.in_flight), return_when=asyncio.FIRST_COMPLETED)
        if self.in_flight:  # stopping: let drain() decide how long they get
            await asyncio.wait(set(self.in_flight))
        if busy:
            await self._log_counts()
        return self._state.sent_in_pass

    async def _claim(self, sender: Sender, free: int) -> int:
        """Claim what may be sent now and start a task per row; return how many rows."""
        settings = self._state.settings
        outbox = self._database.outbox
        now = self._clock.now()
        fallback_busy = self._fallback_task is not None and not self._fallback_task.done()
        direct_in_flight = len(self.in_flight) - int(fallback_busy)
        horizon = due_horizon(
            await outbox.due_profile(now + settings.max_head_start),
            now,
            rate=settings.requests_per_second,
            speed=clock_speed(self._clock),
            already_queued=direct_in_flight,
            longest_head_start=settings.max_head_start,
        )
        # Once a fan-out has begun it runs at the full budget until its rows are out.
        if horizon is not None and (self._horizon is None or horizon > self._horizon):
            self._horizon = horizon
        rows: list[OutboxItem] = []
        if free > 0 and self._horizon is not None:
            rows = await outbox.claim_due(now, self._horizon, free)
            # One query for the whole batch: where each recipient's DMs go, or that they can't.
            known = await self._database.recipients.get_many(
                item.target_user_id for item in rows if item.target_user_id is not None
            )
            for item in rows:
                recipient = known.get(item.target_user_id) if item.target_user_id else None
                self._spawn(self._rows.deliver(sender, item, recipient))
        if fallback_busy:
            return len(rows)
        # Fallback mentions gather everyone whose DMs are closed into as few channel
        # messages as possible: a full message's worth, or whatever is left at the end.
        waiting = await outbox.count_pending(now, route="fallback")
        if waiting and (waiting >= FALLBACK_BATCH or not (rows or direct_in_flight)):
            fallback = await outbox.claim_due(now, now, MAX_MENTIONS * 4, route="fallback")
            if fallback:
                self._fallback_task = self._spawn(self._deliver_fallback(sender, fallback))
                return len(rows) + len(fallback)
        return len(rows)

    def _spawn(self, work: Awaitable[None]) -> asyncio.Task[None]:
        async def run() -> None:
            await work

        task = asyncio.create_task(run())
        self.in_flight.add(task)
        task.add_done_callback(self.in_flight.discard)
        return task

    async def _deliver_fallback(self, sender: Sender, items: list[OutboxItem]) -> None:
        """Mention the users of rows whose DMs are closed, one message per batch."""
        # Await first: rows finishing meanwhile add to the count too (``+=`` reads it before).
        sent = await self._fallback.deliver(sender, items, self._state.fallback_channel_id)
        self._state.sent_in_pass += sent

    async def _log_counts(self) -> None:
        for kind, counts in (await self._previews.delivery_counts()).items():
            log.info("delivery counts %s: %s", kind, counts.describe())
