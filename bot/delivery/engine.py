"""The delivery engine: outbox rows sent on time, paced, exactly once, whatever fails.

:class:`DeliveryEngine` is the one door features use to the outbox. Only it writes and
cancels outbox rows (``enqueue``, ``enqueue_many``, ``replace_scope``, ``replace_rows``,
``cancel_sessions``, ``cancel``: all here, each re-arming the wake-up after it changed
something); it registers renderers, answers previews, opens DM channels ahead, and
starts, drains and stops sending. The work is done by its parts, which share one
:class:`~bot.delivery.state.EngineState`:

- :class:`~bot.delivery.passes.DeliveryPasses` — the wake-up, passes, the sender pool;
- :class:`~bot.delivery.row_delivery.RowDelivery` — one row: render, send, outcome;
- :class:`~bot.delivery.recovery.RestartRecovery` — half-sent rows checked after a restart;
- :class:`~bot.delivery.direct_messages.DirectMessages` — DM channels opened once, paced;
- :class:`~bot.delivery.previews.OutboxPreviews` — counts and samples, nothing sent;
- :class:`~bot.delivery.fallback.FallbackMentions` — closed DMs become channel mentions.

The engine knows nothing of Discord: a :class:`Sender` (``bot/delivery/sender.py``)
makes the requests.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from bot.clock import Clock
from bot.delivery.contracts import (
    Action,
    AfterSent,
    DeliverySettings,
    KindCounts,
    Renderer,
    Sender,
)
from bot.delivery.direct_messages import DirectMessages
from bot.delivery.fallback import FallbackMentions
from bot.delivery.pacing import RequestBudget
from bot.delivery.passes import DeliveryPasses
from bot.delivery.policy import RenderContext, Skip
from bot.delivery.previews import OutboxPreviews
from bot.delivery.recovery import RestartRecovery
from bot.delivery.row_delivery import RowDelivery
from bot.delivery.state import EngineState
from bot.rendering.outgoing import OutgoingMessage
from bot.scheduler import KeyedScheduler
from bot.storage.database import Database
from bot.storage.repositories.outbox import NewOutboxRow, OutboxItem, PendingKind

log = logging.getLogger(__name__)


def soonest_direct(rows: Sequence[NewOutboxRow]) -> datetime | None:
    """Return the earliest due time among ``rows`` sent to a user by DM, if any."""
    return min(
        (
            row.due_at
            for row in rows
            if row.target_user_id is not None and row.target_channel_id is None
        ),
        default=None,
    )


# A kind every feature may use: the payload's "content" is the message.
TEXT_KIND = "text"


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
        self.settings = settings or DeliverySettings()
        self._state = EngineState(self.settings, {TEXT_KIND: _render_text})
        state = self._state
        self.fallback = FallbackMentions(
            database, clock, self.settings, state.renderers, state.urgent_request
        )
        self._previews = OutboxPreviews(database, state)
        self._direct_messages = DirectMessages(database, clock, state)
        self._recovery = RestartRecovery(database, clock, state)
        rows = RowDelivery(database, clock, state, self._direct_messages, self._recovery)
        self._passes = DeliveryPasses(
            database,
            scheduler,
            clock,
            state,
            rows,
            self.fallback,
            self._previews,
            self._direct_messages,
        )

    @property
    def budget(self) -> RequestBudget:
        """The request budget every send, DM open and history check waits for."""
        return self._state.budget

    @budget.setter
    def budget(self, budget: RequestBudget) -> None:
        self._state.budget = budget

    @property
    def dm_open_budget(self) -> RequestBudget:
        """The budget DM opens wait for too (Discord limits them apart: 40003)."""
        return self._state.dm_open_budget

    @dm_open_budget.setter
    def dm_open_budget(self, budget: RequestBudget) -> None:
        self._state.dm_open_budget = budget

    @property
    def requests(self) -> int:
        """Return how many requests were made (DM opens, sends, history checks), for the log."""
        return self._state.requests

    # -- registration --------------------------------------------------------------------

    def register(
        self, kind: str, renderer: Renderer, *, after_sent: AfterSent | None = None
    ) -> None:
        """Render rows of ``kind`` with ``renderer`` (a feature calls this when it loads).

        ``after_sent`` runs once a row of ``kind`` is marked sent (see :data:`AfterSent`).
        """
        self._state.renderers[kind] = renderer
        if after_sent is not None:
            self._state.after_sent[kind] = after_sent

    def register_action(self, kind: str, action: Action) -> None:
        """Carry out rows of ``kind`` with ``action``: requests that are not messages.

        Such rows are claimed, paced, retried and recovered like messages (see
        :data:`Action`); they have no destination channel.
        """
        self._state.actions[kind] = action

    def unregister(self, kind: str) -> None:
        """Stop rendering ``kind`` (its rows stay in the database)."""
        self._state.renderers.pop(kind, None)
        self._state.after_sent.pop(kind, None)
        self._state.actions.pop(kind, None)

    # -- writes: the only ones of the outbox, each re-arming -----------------------------
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
            await self.rearm(soonest_direct(rows))
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
            await self.rearm(soonest_direct(rows))
        return added

    async def replace_rows(self, rows: Sequence[NewOutboxRow]) -> int:
        """Add ``rows``, moving pending ones and reviving cancelled ones with the same key.

        For a planner that cancelled a whole set first (a schedule apply); re-arms once.
        """
        changed = await self._database.outbox.enqueue_many(rows, move_pending=True)
        await self.rearm(soonest_direct(rows))
        return changed

    async def cancel_sessions(self, kind: str, session_ids: Iterable[str]) -> int:
        """Cancel the pending ``kind`` rows of these sessions, re-arm; return how many.

        For a planner about to write a whole set again (a schedule apply).
        """
        cancelled = await self._database.outbox.cancel_sessions(kind, session_ids)
        if cancelled:
            await self.rearm()
        return cancelled

    async def skip_expired(self, now: datetime) -> int:
        """Mark pending rows past their deadline skipped (counted, never sent); return how many.

        For a planner about to re-plan at start: rows missed while the bot was down end
        skipped, so ``/conference status`` counts them, instead of being cancelled.
        """
        skipped = await self._database.outbox.skip_expired(now)
        for kind, count in skipped.items():
            log.warning("delivery: %d %s rows passed their deadline unsent; skipped", count, kind)
        return sum(skipped.values())

    async def cancel(self, key: str) -> bool:
        """Cancel the pending row ``key``; return whether there was one."""
        cancelled = await self._database.outbox.cancel(key)
        if cancelled:
            await self.rearm()
        return cancelled

    # -- DM channels, opened ahead -------------------------------------------------------

    async def forget_user(self, user_id: int) -> dict[str, int]:
        """Erase everything stored about ``user_id`` ("forget me"), re-arm; return counts.

        One transaction in storage removes their profile, subscriptions, speaker links,
        every outbox row addressed to them and how to reach them; the engine re-arms
        because pending rows may have gone. Keys: users, subscriptions, speaker_links, outbox.
        """
        counts = await self._database.users.forget(user_id)
        if counts.get("outbox"):
            await self.rearm()
        return counts

    async def open_dm_channel(self, user_id: int) -> int | None:
        """Open and store the DM channel with ``user_id`` now, paced; return its id.

        A feature calls this when someone subscribes, so the fan-out later spends one
        request per DM (opening DMs is limited apart: 40003). Returns ``None`` when the
        engine is not running or Discord refused; the fan-out then opens it itself.
        """
        return await self._direct_messages.open_dm_channel(user_id)

    def open_dm_channel_soon(self, user_id: int) -> None:
        """Open the DM channel with ``user_id`` in the background (:meth:`stop` cancels it).

        For a command that has already answered: the pacing of DM opens may wait.
        """
        self._direct_messages.open_dm_channel_soon(user_id)

    # -- reads, for previews: nothing sent or written ------------------------------------

    async def render_sample(self, item: OutboxItem, now: datetime) -> OutgoingMessage | None:
        """Return ``item`` rendered as if sent at ``now`` (``None``: no renderer, or skipped).

        For previews (``/conference upcoming``): nothing is sent or written.
        """
        return await self._previews.render_sample(item, now)

    async def delivery_counts(self) -> dict[str, KindCounts]:
        """Return, per kind, how many rows are pending, sent, late, skipped, failed..."""
        return await self._previews.delivery_counts()

    async def next_due_at(self) -> datetime | None:
        """Return when the next pending row is due, or ``None`` if nothing is pending."""
        return await self._previews.next_due_at()

    async def pending_samples(
        self, until: datetime, now: datetime
    ) -> list[tuple[PendingKind, OutgoingMessage | None]]:
        """Return, per kind, the pending rows due by ``until`` and one of them rendered.

        The sample is rendered as if sent at its due time (``now`` if that has passed);
        for previews (``/conference upcoming``): nothing is sent or written.
        """
        return await self._previews.pending_samples(until, now)

    # -- the wake-up ---------------------------------------------------------------------

    async def next_wake(self) -> datetime | None:
        """Return when the engine must next start sending, or ``None`` if nothing is pending."""
        return await self._passes.next_wake()

    async def rearm(self, soonest: datetime | None = None) -> datetime | None:
        """Schedule the wake-up for the next send; return when that is.

        ``soonest``: the earliest due time of the direct rows just written, if any (one due
        in seconds has its DM open or its mention planned at once).
        """
        return await self._passes.rearm(soonest)

    async def deliver_due(self) -> int:
        """Send every row due now (waiting for its sends to land), re-arm; return how many sent."""
        return await self._passes.deliver_due()

    # -- lifecycle -----------------------------------------------------------------------

    async def start(self, sender: Sender) -> None:
        """Recover rows a stopped process left half-sent, deliver what is due, arm the wake-up."""
        state = self._state
        state.sender = sender
        state.stopping = False
        if state.budget.closed:  # started again after a drain
            state.reopen_budgets()
        await self._recovery.recover()
        if self.settings.fallback_channel is not None:
            state.fallback_channel_id = await sender.resolve_channel(self.settings.fallback_channel)
            if state.fallback_channel_id is None:
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
        self._state.stopping = True
        self._state.close_budgets()
        self._passes.cancel_wake()
        tasks = [*self._passes.in_flight, *self._direct_messages.background]
        for task in tasks:
            task.cancel()
        self._state.sender = None
        await asyncio.gather(*tasks, return_exceptions=True)

    async def drain(self, timeout: float | None = None) -> None:
        """Stop claiming, let in-flight sends finish (at most ``timeout`` s), then stop.

        Rows still waiting for the request budget go back to ``pending`` untried; a send
        cut off by the timeout stays ``sending`` and is checked at the next start.
        """
        self._state.stopping = True
        self._passes.cancel_wake()
        self._state.close_budgets()
        await self._passes.finish(self.settings.drain_seconds if timeout is None else timeout)
        self._state.sender = None
