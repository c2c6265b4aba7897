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
import math
import time
from collections.abc import Awaitable
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.delivery.contracts import Sender
from bot.delivery.direct_messages import DirectMessages
from bot.delivery.fallback import MAX_MENTIONS, FallbackMentions
from bot.delivery.pacing import START_MARGIN_SECONDS, clock_speed, due_horizon, planned_start
from bot.delivery.previews import OutboxPreviews
from bot.delivery.row_delivery import OPEN_AND_SEND_SECONDS, RowDelivery
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
# At most this many opens are planned (each one a waiting task) at a time, among at
# most this many recipients looked at.
OPENS_PLANNED_AT_ONCE = 500
NEEDING_AT_ONCE = 5000
PLAN_OPENS_EVERY_SECONDS = 1.0
# A direct row written due within this (real seconds) is planned at once, throttle or not.
URGENT_PLAN_SECONDS = 5.0
# A pass waiting for its sends looks for new work at least this often (real seconds).
PASS_TICK_SECONDS = 0.25
# Mentions of people a DM cannot reach in time go out this long (real seconds, on the
# bot's clock) before their due time, gathered into as few messages as possible.
MENTION_LEAD_SECONDS = 5.0
# The last message (fewer than a full one) goes out this long before its due time.
MENTION_FINAL_SECONDS = 1.5
# Whoever subscribes after it is gathered into one more message a second later (a channel
# takes 5 in 5 s: one message per latecomer would run out), or this long before the due time.
MENTION_LAST_CALL_SECONDS = 0.5
# A channel takes about one message a second (5 per 5 s), each mentioning about this many.
CHANNEL_SECONDS_PER_MESSAGE = 1.0
MENTIONS_PER_MESSAGE = 70
# Mentions due within this are counted when planning how early they start.
MENTION_HORIZON_SECONDS = 120.0
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
        direct_messages: DirectMessages,
    ) -> None:
        self._database = database
        self._scheduler = scheduler
        self._clock = clock
        self._state = state
        self._rows = rows
        self._fallback = fallback
        self._previews = previews
        self._direct_messages = direct_messages
        self._pass_lock = asyncio.Lock()
        self.in_flight: set[asyncio.Task[None]] = set()
        self._in_pass = False
        self._horizon: datetime | None = None  # the latest due time the pass began sending
        self._fallback_task: asyncio.Task[None] | None = None
        self._opens_planned_at = -math.inf  # when plan_opens last looked (monotonic)
        self._opens_planned_clock: datetime | None = None  # ... and on the bot's clock
        self._mentioned_at = -math.inf  # when mentions were last claimed (monotonic)

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
        wake = next_due if start is None else min(start, next_due)
        mention_due = await outbox.next_mention_due_at()
        if mention_due is not None:
            mention_wake = mention_due - await self._mention_lead(mention_due)
            # Latecomers after a final message wait a second for the next one (see _claim).
            speed = clock_speed(self._clock)
            held = self._latecomers_held_for()
            if held > 0:
                last_call = mention_due - timedelta(seconds=MENTION_LAST_CALL_SECONDS * speed)
                mention_wake = max(
                    mention_wake,
                    min(self._clock.now() + timedelta(seconds=held * speed), last_call),
                )
            wake = min(wake, mention_wake)
        return wake

    def _latecomers_held_for(self) -> float:
        """Return how many more real seconds latecomers wait after the last mention claim."""
        return self._mentioned_at + CHANNEL_SECONDS_PER_MESSAGE - time.monotonic()

    async def _mention_lead(self, due: datetime) -> timedelta:
        """Return how early (bot's clock) the mentions due by ``due`` must start.

        Discord lets a channel take about 5 messages in 5 seconds, so N people mentioned
        in one channel take N / 70 messages at one a second; the first ones start early
        enough for the last to be there by the due time (and a few seconds more).
        """
        waiting = await self._database.outbox.count_pending(due, route="fallback")
        full = waiting // MENTIONS_PER_MESSAGE  # the rest go in the final message
        seconds = MENTION_FINAL_SECONDS
        if full:
            seconds += MENTION_LEAD_SECONDS + full * CHANNEL_SECONDS_PER_MESSAGE
        return timedelta(seconds=seconds * clock_speed(self._clock))

    async def plan_opens(self, soonest: datetime | None = None) -> datetime | None:
        """Plan the DM opens the DMs due within the head start need; return when to plan again.

        Each recipient without a stored DM channel gets the next free open slot, earliest
        due first, so the engine knows whose DM can be open by its due time. ``soonest``:
        the earliest due time of direct rows just written, if any.
        """
        if self._state.sender is None or self._state.stopping:
            return None
        # Writes come in bursts (a keynote's "Remind me"s): plan at most once a second,
        # and again when that second is over (what a burst wrote meanwhile may need its
        # mentions early). A row due within URGENT_PLAN_SECONDS (someone who subscribed at
        # the last moment) is planned at once, so that its mention can still go out before.
        now = self._clock.now()
        speed = clock_speed(self._clock)
        started = time.monotonic()
        since = started - self._opens_planned_at
        if self._opens_planned_clock is not None and speed > 0:
            # A clock that jumped (the demo's :wait, a test) has let that time pass too.
            since = max(since, (now - self._opens_planned_clock).total_seconds() / speed)
        urgent = soonest is not None and soonest <= now + timedelta(
            seconds=URGENT_PLAN_SECONDS * speed
        )
        if since < PLAN_OPENS_EVERY_SECONDS and not urgent:
            return now + timedelta(seconds=(PLAN_OPENS_EVERY_SECONDS - since) * speed)
        self._opens_planned_at = started
        self._opens_planned_clock = now
        direct_messages = self._direct_messages
        # As far ahead as a fan-out may start (max_head_start_minutes, 10 by default).
        ahead = self._state.settings.max_head_start
        needing, later = await self._database.outbox.needing_dm_channels(
            now, now + ahead, NEEDING_AT_ONCE
        )
        # Each open is planned just early enough: the k-th recipient still needing one
        # (earliest due first) k opens' time before their due time, so N cold DMs start
        # N / pace ahead (at most the head start), and one starts seconds ahead.
        per_second = self._state.dm_open_budget.rate
        room = max(OPENS_PLANNED_AT_ONCE - direct_messages.planned, 0)
        queued = direct_messages.planned
        unplanned = [pair for pair in needing if direct_messages.ready_in(pair[0]) is None]
        to_plan: list[int] = []
        plan_next: datetime | None = None
        for number, (user, first_due) in enumerate(unplanned, start=1):
            seconds = (queued + number) / per_second + OPEN_AND_SEND_SECONDS + START_MARGIN_SECONDS
            plan_at = first_due - timedelta(seconds=seconds * speed)
            if plan_at <= now and len(to_plan) < room:
                to_plan.append(user)
            elif plan_next is None or plan_at < plan_next:
                plan_next = plan_at
        direct_messages.plan_opens(to_plan)
        # Whoever's DM cannot be open by a row's due time is mentioned for that row, on
        # time: decided now, so the fan-out later counts only the DMs it will send.
        cutoffs = []
        for user, first_due in needing:
            wait = direct_messages.ready_in(user)
            if wait is None:  # not planned yet: after every planned one, at best
                wait = direct_messages.next_open_in()
            ready = now + timedelta(seconds=(wait + OPEN_AND_SEND_SECONDS) * speed)
            if ready > first_due:
                cutoffs.append((user, ready))
        rerouted = await self._database.outbox.mention_instead(
            cutoffs, self._state.fallback_channel_id
        )
        if rerouted:
            log.info(
                "delivery: %d DMs cannot be open by their due time; mentions instead", rerouted
            )
        if len(to_plan) == room < len(unplanned) or len(needing) == NEEDING_AT_ONCE:
            return now + ahead / 4  # more than planned at once: look again soon
        candidates = [when for when in (plan_next, later and later - ahead) if when is not None]
        return min(candidates, default=None)

    async def rearm(self, soonest: datetime | None = None) -> datetime | None:
        """Schedule the wake-up for the next send; return when that is.

        ``soonest``: the earliest due time of direct rows just written (see plan_opens).
        """
        if self._state.sender is None or self._state.stopping:
            return None
        if self._in_pass:
            # The running pass re-checks, then re-arms when it ends; rows just written for
            # people without a DM channel are routed now, so a mention can go out in time.
            if soonest is not None:
                try:
                    await self.plan_opens(soonest)
                except DatabaseBusyError:
                    pass  # the pass routes them when it claims them
                except Exception:
                    code = error_code()
                    log.exception("delivery: could not plan DM opens (code %s)", code)
            return None
        try:
            # Plan first: rows it routes to mentions are due earlier (the mention lead).
            plan_again = await self.plan_opens(soonest)
            wake = await self.next_wake()
            if plan_again is not None:
                wake = plan_again if wake is None else min(wake, plan_again)
        except DatabaseBusyError:
            wake = self._clock.now() + RETRY_BUSY_AFTER
        except Exception:
            code = error_code()
            log.exception("delivery: could not plan the next wake-up (code %s)", code)
            wake = self._clock.now() + RETRY_PASS_AFTER
        paused_until = self._state.paused_until
        if wake is not None and paused_until is not None:
            wake = max(wake, paused_until)
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
            idle_before = not self.in_flight
            claimed = 0
            if (free >= refill_at or not self.in_flight) and not self._state.claims_paused(
                self._clock.now()
            ):
                try:
                    claimed = await self._claim(sender, free)
                except DatabaseBusyError:
                    # Another process holds the database: the sends under way finish
                    # (their records wait for it); claiming resumes a little later.
                    log.warning("delivery: the database is busy; claiming again shortly")
                    self._state.pause_claims(self._clock.now() + RETRY_PASS_AFTER)
            busy = busy or claimed > 0
            if not self.in_flight:
                # Sends that ended while it claimed may have left mentions to gather (a
                # closed DM routed to one): claim once more before the pass ends.
                if claimed == 0 and idle_before:
                    break
                continue
            if claimed == 0 or free - claimed < refill_at:
                # A send landing frees a sender; the tick lets rows written meanwhile (a
                # mention due in a moment) be claimed while long sends are under way.
                await asyncio.wait(
                    set(self.in_flight),
                    timeout=PASS_TICK_SECONDS,
                    return_when=asyncio.FIRST_COMPLETED,
                )
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
        # Mentions gather everyone a DM cannot reach (DMs closed, or no DM channel by the
        # due time) into as few channel messages as possible: a full message's worth,
        # whatever is left at the end, or all of them just before they are due.
        # Full messages go out early enough for the channel's pace; the rest (people who
        # subscribed at the last moment) are gathered into one final message just before
        # they are due, so the channel is not spent on one message per late arrival.
        speed = clock_speed(self._clock)
        lead = await self._mention_lead(now + timedelta(seconds=MENTION_HORIZON_SECONDS))
        until = max(self._horizon or now, now + lead)
        count = outbox.count_pending
        overdue = await count(now, route="fallback")
        final_at = now + timedelta(seconds=MENTION_FINAL_SECONDS * speed)
        final = await count(final_at, route="fallback")
        idle = not (rows or direct_in_flight)
        if final > overdue and (
            self._latecomers_held_for() > 0
            and await count(
                now + timedelta(seconds=MENTION_LAST_CALL_SECONDS * speed), route="fallback"
            )
            == overdue
        ):
            final = overdue  # latecomers after a final message: gathered a second later
        if (
            await count(now + lead, route="fallback") >= MENTIONS_PER_MESSAGE
            or final > overdue
            or (idle and final > 0)
            or overdue >= FALLBACK_BATCH
        ):
            fallback = await outbox.claim_due(now, until, MAX_MENTIONS * 4, route="fallback")
            if fallback:
                self._mentioned_at = time.monotonic()
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
