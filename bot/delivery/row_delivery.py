"""One claimed row, from its renderer to its outcome: whatever goes wrong stays with it.

The row is rendered, sent to its destination (a channel, the stored DM channel, or one
opened now) with its nonce, and its outcome written as it lands: ``sent`` only after
Discord answered with the message; transient failures back to ``pending`` with backoff;
permanent ones ``failed``; DMs closed → the user is marked and the row goes to a
fallback channel. Any exception while rendering or sending fails the row, with an error
code in the log, except the database failing to answer (a restart): a message sent is
then recorded as sent once it answers again (:mod:`bot.delivery.records`), and a row that
was not sent goes back to ``pending``, flagged to be checked before it is sent.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from functools import partial

from bot.clock import Clock
from bot.delivery.contracts import Action, Sender
from bot.delivery.direct_messages import DirectMessages, NotOpenInTime, opens_limited
from bot.delivery.pacing import BudgetClosed, clock_speed
from bot.delivery.policy import (
    CANNOT_MESSAGE_USER,
    LATE_AFTER,
    WAITED_OUT_BY_DISCORD_PY_SECONDS,
    DeliveryError,
    RenderContext,
    Skip,
    nonce_for,
    retry_delay,
)
from bot.delivery.records import written
from bot.delivery.recovery import RestartRecovery, marked_buttons
from bot.delivery.state import EngineState
from bot.errors import DatabaseBusyError, error_code
from bot.rendering.outgoing import as_outgoing
from bot.storage.database import Database
from bot.storage.repositories.outbox import OutboxItem
from bot.storage.repositories.recipients import Recipient

log = logging.getLogger(__name__)

# A 429 asking for at least this long (discord.py hands over only those over its
# max_ratelimit_timeout) pauses every claim until it is over.
LONG_RATE_LIMIT_SECONDS = WAITED_OUT_BY_DISCORD_PY_SECONDS
# An open and the DM after it take about this long (real seconds): a DM whose channel is
# open later than this before its due time is a mention instead (if it has a channel).
OPEN_AND_SEND_SECONDS = 1.0


class RowDelivery:
    """Deliver one claimed row and write its outcome (``state.sent_in_pass`` counts sends)."""

    def __init__(
        self,
        database: Database,
        clock: Clock,
        state: EngineState,
        direct_messages: DirectMessages,
        recovery: RestartRecovery,
    ) -> None:
        self._database = database
        self._clock = clock
        self._state = state
        self._direct_messages = direct_messages
        self._recovery = recovery

    async def deliver(self, sender: Sender, item: OutboxItem, recipient: Recipient | None) -> None:
        """Deliver one claimed row; whatever goes wrong stays with this row."""
        try:
            await self._attempt(sender, item, recipient)
        except BudgetClosed:
            await self._database.outbox.release([item.id])
        except asyncio.CancelledError:
            raise  # the drain timed out: the row stays sending, checked at the next start
        except DatabaseBusyError:
            # Not sent (a sent message is recorded before this): back to pending, checked.
            await written(item.key, lambda: self._database.outbox.release([item.id], verify=True))
        except Exception as error:
            code = error_code()
            log.exception("delivery of %s failed unexpectedly (code %s)", item.key, code)
            await self._database.outbox.mark_failed(
                item.id, f"unexpected error (code {code}): {type(error).__name__}"
            )

    async def _attempt(self, sender: Sender, item: OutboxItem, recipient: Recipient | None) -> None:
        outbox = self._database.outbox
        now = self._clock.now()
        if item.deadline_at < now:
            await outbox.mark_skipped(item.id, "deadline passed")
            log.info("outbox %s skipped: its deadline passed", item.key)
            return
        action = self._state.actions.get(item.kind)
        if action is not None:
            await self._carry_out(item, action, now)
            return
        renderer = self._state.renderers.get(item.kind)
        if renderer is None:
            await outbox.mark_failed(item.id, f"no renderer for outbox kind {item.kind!r}")
            log.warning("outbox %s failed: no renderer for kind %r", item.key, item.kind)
            return
        context = RenderContext(now=now, due_at=item.planned_due, deadline_at=item.deadline_at)
        try:
            message = as_outgoing(await renderer(item, context))
            channel_id = await self._destination(sender, item, recipient)
            if channel_id is None:
                return  # routed to the fallback channel, or failed there
            buttons = marked_buttons(message.buttons, item.key)
            found = await self._recovery.delivered_before(
                sender, item, channel_id, renderer, marked=buttons != message.buttons
            )
            if found is not None:
                await written(item.key, partial(outbox.mark_sent, item.id, found, late=False))
                log.info("outbox %s was already delivered before the outage", item.key)
                self._state.sent_in_pass += 1
                await self._follow_up(item, found)
                return
            if self._state.claims_paused(self._clock.now()):
                await outbox.release([item.id])  # a long 429 came meanwhile: wait with it
                return
            async with self._state.request():
                message_id = await sender.send_message(
                    channel_id,
                    message.content,
                    nonce=nonce_for(item.key),
                    mention_user_ids=message.mention_user_ids,
                    mention_role_ids=message.mention_role_ids,
                    mention_everyone=message.mention_everyone,
                    cards=message.cards,
                    buttons=buttons,
                )
        except Skip as reason:
            await outbox.mark_skipped(item.id, f"skipped: {reason}")
            log.info("outbox %s skipped: %s", item.key, reason)
            return
        except DeliveryError as error:
            await self._failed(item, error, now)
            return
        # Late as Discord got it: the confirmation's time, not the render's.
        late = self._clock.now() - item.planned_due > LATE_AFTER
        await written(item.key, partial(outbox.mark_sent, item.id, message_id, late=late))
        self._state.sent_in_pass += 1
        await self._follow_up(item, message_id)

    async def _carry_out(self, item: OutboxItem, action: Action, now: datetime) -> None:
        """Run a row that is a request other than a message; write its outcome."""
        context = RenderContext(now=now, due_at=item.planned_due, deadline_at=item.deadline_at)
        try:
            made = await action(item, context, self._state.request)
        except Skip as reason:
            await self._database.outbox.mark_skipped(item.id, f"skipped: {reason}")
            log.info("outbox %s skipped: %s", item.key, reason)
            return
        except DeliveryError as error:
            await self._failed(item, error, now)
            return
        await self._database.outbox.mark_sent(item.id, made, late=False)
        self._state.sent_in_pass += 1

    async def _follow_up(self, item: OutboxItem, message_id: int) -> None:
        """Run the kind's ``after_sent``; the row is sent whatever it does."""
        after_sent = self._state.after_sent.get(item.kind)
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
        if recipient is not None and not recipient.dm_able:
            await self._to_fallback(item, "DMs closed (known)")
            return None
        if recipient is not None and recipient.dm_channel_id is not None:
            return recipient.dm_channel_id
        # Only the first DM to someone costs this extra request, paced apart; the id is kept.
        # If it cannot be made by the due time, a mention in a channel is on time instead.
        user_id = item.target_user_id
        fallback = item.fallback_channel_id or self._state.fallback_channel_id
        if fallback is not None and not self._open_in_time(user_id, item):
            await self._to_fallback(item, "no DM channel by the due time")
            return None
        # With a channel to mention them in, the open is waited for until the due time
        # only: Discord may hold it (a 40003 discord.py waits out by itself).
        within = None if fallback is None else self._open_within(item)
        try:
            return await self._direct_messages.open(sender, user_id, within=within)
        except NotOpenInTime as error:
            await self._to_fallback(item, str(error))
            return None
        except DeliveryError as error:
            if not opens_limited(error):
                raise
            if fallback is None:  # the row waits for opens again; sends go on meanwhile
                raise DeliveryError(
                    str(error), permanent=False, retry_after=error.retry_after
                ) from error
            await self._to_fallback(item, f"DM opens refused: {error}")
            return None

    def _open_within(self, item: OutboxItem) -> float | None:
        """Return how long (real seconds) ``item``'s DM channel may take to be open.

        Until the DM can still be sent by the due time; a row already late may wait for
        an open made at once. ``None`` (no limit) on a clock standing still.
        """
        speed = clock_speed(self._clock)
        if speed <= 0:
            return None
        left = (item.planned_due - self._clock.now()).total_seconds() / speed
        return max(left - OPEN_AND_SEND_SECONDS, OPEN_AND_SEND_SECONDS)

    def _open_in_time(self, user_id: int, item: OutboxItem) -> bool:
        """Return whether ``user_id``'s DM channel can be open by ``item``'s due time.

        A row already late may still open one if a slot is free at once.
        """
        wait = self._direct_messages.ready_in(user_id)
        if wait is None:
            if self._direct_messages.held_for() > 0:
                return False  # Discord asked for no open now
            wait = self._direct_messages.next_open_in()
        now = self._clock.now()
        ready = now + timedelta(seconds=(wait + OPEN_AND_SEND_SECONDS) * clock_speed(self._clock))
        return ready <= max(item.planned_due, now + timedelta(seconds=OPEN_AND_SEND_SECONDS))

    async def _failed(self, item: OutboxItem, error: DeliveryError, now: datetime) -> None:
        outbox = self._database.outbox
        if error.code == CANNOT_MESSAGE_USER and item.target_user_id is not None:
            await self._database.recipients.mark_dms_closed(item.target_user_id, now)
            await self._to_fallback(item, str(error))
            return
        attempts = item.attempts + 1
        if (
            error.status == 429
            and (error.retry_after or 0) >= LONG_RATE_LIMIT_SECONDS
            and attempts < self._state.settings.max_attempts
        ):
            # discord.py hands over only 429s longer than its max_ratelimit_timeout, and
            # does not say their scope: nothing is claimed until Discord allows it again
            # (no request is held in a sleep), and deadlines still skip what waits too long.
            until = now + timedelta(seconds=error.retry_after or 0)
            self._state.pause_claims(until)
            await outbox.hold(item.id, str(error))
            log.warning("outbox %s: %s; nothing is sent before %s", item.key, error, until)
            return
        retry_at = None
        if not error.permanent and attempts < self._state.settings.max_attempts:
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
        channel = item.fallback_channel_id or self._state.fallback_channel_id
        outbox = self._database.outbox
        if channel is None:
            await outbox.mark_failed(item.id, f"{reason}; no fallback channel")
            log.warning("outbox %s failed: %s and no fallback channel", item.key, reason)
            return
        await outbox.to_fallback(item.id, channel, self._clock.now())
