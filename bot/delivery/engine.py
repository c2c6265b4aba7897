"""The delivery engine: outbox rows sent on time, paced, exactly once, whatever fails.

The outbox table is the truth; the engine keeps one scheduler job, a wake-up at the
instant the next send must start, re-armed after every change and after every pass
whatever happened in it. A pass:

1. skips (and counts) pending rows past their deadline: never sent late beyond it;
2. claims due rows in due order, at most as many as there are free senders, as soon
   as :func:`~bot.delivery.pacing.due_horizon` says their fan-out must begin (N rows
   due at T start N / (0.9 x budget) before T, so the last lands by T); once begun, a
   fan-out runs at the full budget;
3. sends each in its own task (a bounded pool), every request paced by one shared
   :class:`~bot.delivery.pacing.RequestBudget`; a slow or failing row holds up no other;
4. writes each row's outcome as it lands: ``sent`` only after Discord answered with
   the message; transient failures back to ``pending`` with backoff; permanent ones
   ``failed``; DMs closed → the user is marked and the row goes to a fallback channel.

Any exception while rendering or sending one row fails that row, with an error code
in the log, and the engine goes on. The engine knows nothing of Discord: a
:class:`Sender` (``bot/delivery/sender.py``) makes the requests.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from bot.clock import Clock
from bot.delivery.contracts import (
    AfterSent,
    DeliverySettings,
    KindCounts,
    Renderer,
    Sender,
)
from bot.delivery.fallback import MAX_MENTIONS, FallbackMentions
from bot.delivery.pacing import (
    BudgetClosed,
    RequestBudget,
    clock_speed,
    due_horizon,
    planned_start,
)
from bot.delivery.policy import (
    CANNOT_MESSAGE_USER,
    NONCE_WINDOW,
    DeliveryError,
    RenderContext,
    Skip,
    nonce_for,
    retry_delay,
)
from bot.errors import error_code
from bot.rendering.outgoing import OutgoingMessage, as_outgoing
from bot.scheduler import KeyedScheduler
from bot.storage.database import Database
from bot.storage.repositories.outbox import STATUSES, NewOutboxRow, OutboxItem, PendingKind
from bot.storage.repositories.recipients import Recipient

log = logging.getLogger(__name__)

WAKE_JOB_KEY = "delivery:wake"
# A kind every feature may use: the payload's "content" is the message.
TEXT_KIND = "text"
# About as many mentions as fit in one message: worth a fallback message mid fan-out.
FALLBACK_BATCH = 80
# Enough to find a message sent just before an outage among a DM's latest messages.
HISTORY_LIMIT = 20
# If the database itself fails, try again this long after.
RETRY_PASS_AFTER = timedelta(seconds=5)


async def _render_text(item: OutboxItem, context: RenderContext) -> str:
    content = item.payload.get("content")
    if not isinstance(content, str) or not content:
        raise Skip("a text row without content")
    return content


class DeliveryEngine:
    """Send due outbox rows through a :class:`Sender`, paced, re-arming one wake-up job."""

    def __init__(
        self,
        database: Database,
        scheduler: KeyedScheduler,
        clock: Clock,
        settings: DeliverySettings | None = None,
    ) -> None:
        self._database = database
        self._scheduler = scheduler
        self._clock = clock
        self.settings = settings or DeliverySettings()
        self.budget = RequestBudget(self.settings.requests_per_second)
        self.dm_open_budget = self._dm_open_budget()
        self._renderers: dict[str, Renderer] = {TEXT_KIND: _render_text}
        self._after_sent: dict[str, AfterSent] = {}
        self._sender: Sender | None = None
        self._pass_lock = asyncio.Lock()
        self._in_flight: set[asyncio.Task[None]] = set()
        self._background: set[asyncio.Task[int | None]] = set()
        self._in_pass = False
        self._stopping = False
        self._sent_in_pass = 0
        self._horizon: datetime | None = None  # the latest due time the pass began sending
        self._fallback_task: asyncio.Task[None] | None = None
        self._fallback_channel_id: int | None = None
        self.fallback = FallbackMentions(
            database, clock, self.settings, self._renderers, self._request
        )
        self.requests = 0  # requests made (DM opens, sends, history checks), for the log

    def _dm_open_budget(self) -> RequestBudget:
        # A burst of a fifth of the minute's allowance keeps any sliding minute under it
        # plus that fifth (25 + 5 = 30 by default).
        per_minute = self.settings.dm_opens_per_minute
        return RequestBudget(per_minute / 60, burst=max(1, per_minute // 5))

    # -- registration and planning -----------------------------------------------------

    def register(
        self, kind: str, renderer: Renderer, *, after_sent: AfterSent | None = None
    ) -> None:
        """Render rows of ``kind`` with ``renderer`` (a feature calls this when it loads).

        ``after_sent`` runs once a row of ``kind`` is marked sent (see :data:`AfterSent`).
        """
        self._renderers[kind] = renderer
        if after_sent is not None:
            self._after_sent[kind] = after_sent

    async def render_sample(self, item: OutboxItem, now: datetime) -> OutgoingMessage | None:
        """Return ``item`` rendered as if sent at ``now`` (``None``: no renderer, or skipped).

        For previews (``/conference upcoming``): nothing is sent or written.
        """
        renderer = self._renderers.get(item.kind)
        if renderer is None:
            return None
        context = RenderContext(now=now, due_at=item.due_at, deadline_at=item.deadline_at)
        try:
            return as_outgoing(await renderer(item, context))
        except Skip:
            return None

    def unregister(self, kind: str) -> None:
        """Stop rendering ``kind`` (its rows stay in the database)."""
        self._renderers.pop(kind, None)
        self._after_sent.pop(kind, None)

    def message(
        self,
        key: str,
        kind: str,
        due_at: datetime,
        payload: dict[str, Any] | None = None,
        *,
        deadline_at: datetime | None = None,
        target_user_id: int | None = None,
        target_channel_id: int | None = None,
        fallback_channel_id: int | None = None,
        session_id: str | None = None,
        scope: str | None = None,
    ) -> NewOutboxRow:
        """Return a row to enqueue; without ``deadline_at`` it may be sent up to the grace late."""
        return NewOutboxRow(
            key=key,
            kind=kind,
            due_at=due_at,
            deadline_at=deadline_at or due_at + self.settings.grace,
            payload=payload or {},
            target_user_id=target_user_id,
            target_channel_id=target_channel_id,
            fallback_channel_id=fallback_channel_id,
            session_id=session_id,
            scope=scope,
        )

    async def enqueue(
        self,
        key: str,
        kind: str,
        due_at: datetime,
        payload: dict[str, Any] | None = None,
        *,
        deadline_at: datetime | None = None,
        target_user_id: int | None = None,
        target_channel_id: int | None = None,
        fallback_channel_id: int | None = None,
        session_id: str | None = None,
        scope: str | None = None,
    ) -> bool:
        """Add one row (a no-op if ``key`` exists) and re-arm; return whether it was added."""
        row = self.message(
            key,
            kind,
            due_at,
            payload,
            deadline_at=deadline_at,
            target_user_id=target_user_id,
            target_channel_id=target_channel_id,
            fallback_channel_id=fallback_channel_id,
            session_id=session_id,
            scope=scope,
        )
        return await self.enqueue_many([row]) == 1

    async def enqueue_many(self, rows: Sequence[NewOutboxRow]) -> int:
        """Add rows at once (existing keys are kept), re-arm; return how many are new."""
        added = await self._database.outbox.enqueue_many(rows)
        if added:
            await self.rearm()
        return added

    async def replace_scope(self, kind: str, scope: str, rows: Sequence[NewOutboxRow]) -> int:
        """Make ``rows`` the pending rows of ``scope``: cancel the others, add or move the rest.

        A planner calls this for the one thing that changed (a link, a subscription, a
        session that moved), so planning touches only its own rows. A pending row whose
        session moved takes its new due time. Returns how many rows were added or moved.
        """
        cancelled = await self._database.outbox.cancel_scope(
            kind, scope, keep=[row.key for row in rows]
        )
        added = await self._database.outbox.enqueue_many(rows, move_pending=True)
        if added or cancelled:
            await self.rearm()
        return added

    async def replace_rows(self, rows: Sequence[NewOutboxRow]) -> int:
        """Add ``rows``, moving pending ones and reviving cancelled ones with the same key.

        For a planner that cancelled a whole set first (a schedule apply); re-arms once.
        """
        changed = await self._database.outbox.enqueue_many(rows, move_pending=True)
        await self.rearm()
        return changed

    async def cancel_sessions(self, kind: str, session_ids: Iterable[str]) -> int:
        """Cancel the pending ``kind`` rows of these sessions, re-arm; return how many.

        For a planner about to write a whole set again (a schedule apply).
        """
        cancelled = await self._database.outbox.cancel_sessions(kind, session_ids)
        if cancelled:
            await self.rearm()
        return cancelled

    async def cancel(self, key: str) -> bool:
        """Cancel the pending row ``key``; return whether there was one."""
        cancelled = await self._database.outbox.cancel(key)
        if cancelled:
            await self.rearm()
        return cancelled

    async def open_dm_channel(self, user_id: int) -> int | None:
        """Open and store the DM channel with ``user_id`` now, paced; return its id.

        A feature calls this when someone subscribes, so the fan-out later spends one
        request per DM (opening DMs is limited apart: 40003). Returns ``None`` when the
        engine is not running or Discord refused; the fan-out then opens it itself.
        """
        sender = self._sender
        known = await self._database.recipients.get(user_id)
        if known is not None and known.dm_channel_id is not None:
            return known.dm_channel_id
        if sender is None or self._stopping:
            return None
        try:
            await self.dm_open_budget.acquire()
            async with self._request():
                channel_id = await sender.open_dm(user_id)
        except (BudgetClosed, DeliveryError) as error:
            log.info("could not open the DM channel with %d ahead: %s", user_id, error)
            return None
        await self._database.recipients.set_dm_channel(user_id, channel_id)
        return channel_id

    def open_dm_channel_soon(self, user_id: int) -> None:
        """Open the DM channel with ``user_id`` in the background (:meth:`stop` cancels it).

        For a command that has already answered: the pacing of DM opens may wait.
        """
        if self._stopping or self._sender is None:
            return  # stopped: the fan-out opens it itself, later
        task = asyncio.create_task(self.open_dm_channel(user_id))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def delivery_counts(self) -> dict[str, KindCounts]:
        """Return, per kind, how many rows are pending, sent, late, skipped, failed..."""
        raw = await self._database.outbox.counts()
        return {
            kind: KindCounts(**{name: counts.get(name, 0) for name in (*STATUSES, "late")})
            for kind, counts in sorted(raw.items())
        }

    async def next_due_at(self) -> datetime | None:
        """Return when the next pending row is due, or ``None`` if nothing is pending."""
        return await self._database.outbox.next_due_at()

    async def pending_samples(
        self, until: datetime, now: datetime
    ) -> list[tuple[PendingKind, OutgoingMessage | None]]:
        """Return, per kind, the pending rows due by ``until`` and one of them rendered.

        The sample is rendered as if sent at its due time (``now`` if that has passed);
        for previews (``/conference upcoming``): nothing is sent or written.
        """
        samples = []
        for pending in await self._database.outbox.pending_by_kind(until):
            item = await self._database.outbox.get_by_id(pending.sample_id)
            rendered = (
                await self.render_sample(item, max(now, item.due_at)) if item is not None else None
            )
            samples.append((pending, rendered))
        return samples

    # -- lifecycle ---------------------------------------------------------------------

    async def start(self, sender: Sender) -> None:
        """Recover rows a stopped process left half-sent, deliver what is due, arm the wake-up."""
        self._sender = sender
        self._stopping = False
        if self.budget.closed:  # started again after a drain
            self.budget = RequestBudget(self.settings.requests_per_second)
            self.dm_open_budget = self._dm_open_budget()
        recovered = await self._database.outbox.recover_sending()
        if recovered:
            log.warning(
                "%d outbox rows were left sending by a previous run; they are checked "
                "or resent with their nonce",
                recovered,
            )
        if self.settings.fallback_channel is not None:
            self._fallback_channel_id = await sender.resolve_channel(self.settings.fallback_channel)
            if self._fallback_channel_id is None:
                log.warning(
                    "delivery fallback channel %r not found; closed DMs will fail",
                    self.settings.fallback_channel,
                )
        await self.deliver_due()

    async def stop(self) -> None:
        """Stop waking up at once (rows stay in the database for the next start).

        Sends and DM opens under way are cancelled and awaited, so none of them touches
        the database after this returns (it is closed next).
        """
        self._stopping = True
        self.budget.close()
        self.dm_open_budget.close()
        self._scheduler.cancel(WAKE_JOB_KEY)
        tasks = [*self._in_flight, *self._background]
        for task in tasks:
            task.cancel()
        self._sender = None
        await asyncio.gather(*tasks, return_exceptions=True)

    async def drain(self, timeout: float | None = None) -> None:
        """Stop claiming, let in-flight sends finish (at most ``timeout`` s), then stop.

        Rows still waiting for the request budget go back to ``pending`` untried; a send
        cut off by the timeout stays ``sending`` and is checked at the next start.
        """
        self._stopping = True
        self._scheduler.cancel(WAKE_JOB_KEY)
        self.budget.close()
        self.dm_open_budget.close()
        waiting = set(self._in_flight)
        if waiting:
            limit = self.settings.drain_seconds if timeout is None else timeout
            log.info("delivery: draining %d in-flight sends (up to %.0f s)", len(waiting), limit)
            _, unfinished = await asyncio.wait(waiting, timeout=limit)
            for task in unfinished:
                task.cancel()
            if unfinished:
                await asyncio.gather(*unfinished, return_exceptions=True)
                log.warning("delivery: %d sends cut off by the drain timeout", len(unfinished))
        async with self._pass_lock:  # wait for a pass to notice and end
            pass
        self._sender = None

    # -- the wake-up ---------------------------------------------------------------------

    async def next_wake(self) -> datetime | None:
        """Return when the engine must next start sending, or ``None`` if nothing is pending."""
        outbox = self._database.outbox
        next_due = await outbox.next_due_at()
        if next_due is None:
            return None
        start = planned_start(
            await outbox.due_profile(next_due + self.settings.max_head_start),
            rate=self.settings.requests_per_second,
            speed=clock_speed(self._clock),
            longest_head_start=self.settings.max_head_start,
        )
        return next_due if start is None else min(start, next_due)

    async def rearm(self) -> datetime | None:
        """Schedule the wake-up for the next send; return when that is."""
        if self._sender is None or self._stopping:
            return None
        if self._in_pass:
            return None  # the running pass re-checks, then re-arms when it ends
        try:
            wake = await self.next_wake()
        except Exception:
            code = error_code()
            log.exception("delivery: could not plan the next wake-up (code %s)", code)
            wake = self._clock.now() + RETRY_PASS_AFTER
        if wake is None:
            self._scheduler.cancel(WAKE_JOB_KEY)
        else:
            self._scheduler.schedule_at(WAKE_JOB_KEY, wake, self._wake)
        return wake

    async def _wake(self) -> None:
        await self.deliver_due()

    async def deliver_due(self) -> int:
        """Send every row due now (waiting for its sends to land), re-arm; return how many sent."""
        sender = self._sender
        if sender is None or self._stopping:
            return 0
        sent = 0
        async with self._pass_lock:
            self._in_pass = True
            try:
                sent = await self._pass(sender)
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

    async def _pass(self, sender: Sender) -> int:
        outbox = self._database.outbox
        self._sent_in_pass = 0
        self._horizon = None
        busy = False
        expired = await outbox.skip_expired(self._clock.now())
        for kind, count in expired.items():
            log.warning("delivery: %d %s rows passed their deadline unsent; skipped", count, kind)
            busy = True
        # Refill the pool in batches, not row by row, to keep the planning queries few.
        refill_at = max(1, self.settings.max_concurrent_sends // 4)
        while not self._stopping:
            free = self.settings.max_concurrent_sends - len(self._in_flight)
            claimed = 0
            if free >= refill_at or not self._in_flight:
                claimed = await self._claim(sender, free)
            busy = busy or claimed > 0
            if not self._in_flight:
                if claimed == 0:
                    break
                continue
            if claimed == 0 or free - claimed < refill_at:
                await asyncio.wait(set(self._in_flight), return_when=asyncio.FIRST_COMPLETED)
        if self._in_flight:  # stopping: let drain() decide how long they get
            await asyncio.wait(set(self._in_flight))
        if busy:
            await self._log_counts()
        return self._sent_in_pass

    async def _claim(self, sender: Sender, free: int) -> int:
        """Claim what may be sent now and start a task per row; return how many rows."""
        outbox = self._database.outbox
        now = self._clock.now()
        fallback_busy = self._fallback_task is not None and not self._fallback_task.done()
        direct_in_flight = len(self._in_flight) - int(fallback_busy)
        horizon = due_horizon(
            await outbox.due_profile(now + self.settings.max_head_start),
            now,
            rate=self.settings.requests_per_second,
            speed=clock_speed(self._clock),
            already_queued=direct_in_flight,
            longest_head_start=self.settings.max_head_start,
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
                self._spawn(self._deliver(sender, item, recipient))
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
        self._in_flight.add(task)
        task.add_done_callback(self._in_flight.discard)
        return task

    async def _log_counts(self) -> None:
        for kind, counts in (await self.delivery_counts()).items():
            log.info("delivery counts %s: %s", kind, counts.describe())

    # -- one row -------------------------------------------------------------------------

    async def _deliver(self, sender: Sender, item: OutboxItem, recipient: Recipient | None) -> None:
        """Deliver one claimed row; whatever goes wrong stays with this row."""
        try:
            await self._attempt(sender, item, recipient)
        except BudgetClosed:
            await self._database.outbox.release([item.id])
        except asyncio.CancelledError:
            raise  # the drain timed out: the row stays sending, checked at the next start
        except Exception as error:
            code = error_code()
            log.exception("delivery of %s failed unexpectedly (code %s)", item.key, code)
            await self._database.outbox.mark_failed(
                item.id, f"unexpected error (code {code}): {type(error).__name__}"
            )

    @contextlib.asynccontextmanager
    async def _request(self) -> AsyncIterator[None]:
        """Hold the budget's place and slot for one request (the ``async with`` block)."""
        async with self.budget.request():
            self.requests += 1
            yield

    async def _attempt(self, sender: Sender, item: OutboxItem, recipient: Recipient | None) -> None:
        outbox = self._database.outbox
        now = self._clock.now()
        if item.deadline_at < now:
            await outbox.mark_skipped(item.id, "deadline passed")
            log.info("outbox %s skipped: its deadline passed", item.key)
            return
        renderer = self._renderers.get(item.kind)
        if renderer is None:
            await outbox.mark_failed(item.id, f"no renderer for outbox kind {item.kind!r}")
            log.warning("outbox %s failed: no renderer for kind %r", item.key, item.kind)
            return
        context = RenderContext(now=now, due_at=item.due_at, deadline_at=item.deadline_at)
        try:
            message = as_outgoing(await renderer(item, context))
            channel_id = await self._destination(sender, item, recipient)
            if channel_id is None:
                return  # routed to the fallback channel, or failed there
            if await self._already_delivered(sender, item, channel_id, renderer):
                return
            async with self._request():
                message_id = await sender.send_message(
                    channel_id,
                    message.content,
                    nonce=nonce_for(item.key),
                    mention_user_ids=message.mention_user_ids,
                    mention_role_ids=message.mention_role_ids,
                    mention_everyone=message.mention_everyone,
                    cards=message.cards,
                    buttons=message.buttons,
                )
        except Skip as reason:
            await outbox.mark_skipped(item.id, f"skipped: {reason}")
            log.info("outbox %s skipped: %s", item.key, reason)
            return
        except DeliveryError as error:
            await self._failed(item, error, now)
            return
        await outbox.mark_sent(item.id, message_id, late=context.late)
        self._sent_in_pass += 1
        await self._follow_up(item, message_id)

    async def _follow_up(self, item: OutboxItem, message_id: int) -> None:
        """Run the kind's ``after_sent``; the row is sent whatever it does."""
        after_sent = self._after_sent.get(item.kind)
        if after_sent is None:
            return
        try:
            await after_sent(item, message_id)
        except Exception:
            code = error_code()
            log.exception("follow-up of sent %s failed (code %s)", item.key, code)

    async def _destination(
        self, sender: Sender, item: OutboxItem, recipient: Recipient | None
    ) -> int | None:
        """Return the channel to send to: a stored DM channel, one opened now, or a channel.

        A row with both a user and a channel is a mention of that user in the channel.
        """
        if item.target_user_id is None or item.target_channel_id is not None:
            if item.target_channel_id is None:
                raise DeliveryError("outbox row has no destination", permanent=True)
            return item.target_channel_id
        recipients = self._database.recipients
        if recipient is not None and not recipient.dm_able:
            await self._to_fallback(item, "DMs closed (known)")
            return None
        if recipient is not None and recipient.dm_channel_id is not None:
            return recipient.dm_channel_id
        # Only the first DM to someone costs this extra request, paced apart; the id is kept.
        await self.dm_open_budget.acquire()
        async with self._request():
            channel_id = await sender.open_dm(item.target_user_id)
        await recipients.set_dm_channel(item.target_user_id, channel_id)
        return channel_id

    async def _already_delivered(
        self, sender: Sender, item: OutboxItem, channel_id: int, renderer: Renderer
    ) -> bool:
        """After an outage longer than the nonce window, look for the message before resending."""
        if not item.verify or item.claimed_at is None:
            return False
        if self._clock.now() - item.claimed_at <= NONCE_WINDOW:
            return False  # Discord still deduplicates the nonce
        then = RenderContext(now=item.claimed_at, due_at=item.due_at, deadline_at=item.deadline_at)
        expected = as_outgoing(await renderer(item, then)).content
        nonce = nonce_for(item.key)
        async with self._request():
            recent = await sender.recent_messages(channel_id, HISTORY_LIMIT)
        for seen in recent:
            if seen.author_id == sender.bot_user_id and (
                seen.nonce == nonce or seen.content == expected
            ):
                await self._database.outbox.mark_sent(item.id, seen.id, late=False)
                log.info("outbox %s was already delivered before the outage", item.key)
                self._sent_in_pass += 1
                await self._follow_up(item, seen.id)
                return True
        return False

    async def _failed(self, item: OutboxItem, error: DeliveryError, now: datetime) -> None:
        outbox = self._database.outbox
        if error.code == CANNOT_MESSAGE_USER and item.target_user_id is not None:
            await self._database.recipients.mark_dms_closed(item.target_user_id, now)
            await self._to_fallback(item, str(error))
            return
        attempts = item.attempts + 1
        retry_at = None
        if not error.permanent and attempts < self.settings.max_attempts:
            retry_at = now + retry_delay(attempts, error.retry_after)
        await outbox.mark_failed(item.id, str(error), retry_at=retry_at, verify=error.ambiguous)
        log.warning(
            "outbox %s failed (attempt %d, %s): %s",
            item.key,
            attempts,
            f"retry at {retry_at:%H:%M:%S}" if retry_at else "giving up",
            error,
        )

    async def _to_fallback(self, item: OutboxItem, reason: str) -> None:
        channel = item.fallback_channel_id or self._fallback_channel_id
        outbox = self._database.outbox
        if channel is None:
            await outbox.mark_failed(item.id, f"{reason}; no fallback channel")
            log.warning("outbox %s failed: %s and no fallback channel", item.key, reason)
            return
        await outbox.to_fallback(item.id, channel, self._clock.now())

    # -- the fallback mention ----------------------------------------------------------

    async def _deliver_fallback(self, sender: Sender, items: list[OutboxItem]) -> None:
        """Mention the users of rows whose DMs are closed, one message per batch."""
        self._sent_in_pass += await self.fallback.deliver(sender, items, self._fallback_channel_id)
