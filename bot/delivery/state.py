"""What the engine's parts share while it runs: the sender, the budgets, the renderers.

One object, made by the :class:`~bot.delivery.engine.DeliveryEngine` and handed to each
of its parts (the passes, one row's delivery, DM channels, recovery, previews), so a
budget replaced at a restart or a kind registered later is seen by all of them at once.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import datetime

from bot.delivery.contracts import Action, AfterSent, DeliverySettings, Renderer, Sender
from bot.delivery.pacing import RequestBudget


class EngineState:
    """The delivery engine's shared state: read and written by its parts, owned by it."""

    def __init__(self, settings: DeliverySettings, renderers: dict[str, Renderer]) -> None:
        self.settings = settings
        self.renderers = renderers
        self.after_sent: dict[str, AfterSent] = {}
        self.actions: dict[str, Action] = {}
        self.budget = RequestBudget(settings.requests_per_second)
        self.dm_open_budget = self._dm_open_budget()
        self.sender: Sender | None = None  # set while the engine runs
        self.stopping = False
        self.fallback_channel_id: int | None = None
        self.sent_in_pass = 0
        self.requests = 0  # requests made (DM opens, sends, history checks), for the log
        # No row is claimed before this instant (bot's clock): a long 429, a busy database.
        self.paused_until: datetime | None = None

    def pause_claims(self, until: datetime) -> None:
        """Claim nothing before ``until`` (the wake-up is re-armed for it at the latest)."""
        if self.paused_until is None or until > self.paused_until:
            self.paused_until = until

    def claims_paused(self, now: datetime) -> bool:
        """Return whether claiming is paused at ``now``."""
        if self.paused_until is not None and now >= self.paused_until:
            self.paused_until = None
        return self.paused_until is not None

    def _dm_open_budget(self) -> RequestBudget:
        # A burst of a fifth of the minute's allowance keeps any sliding minute under it
        # plus that fifth (25 + 5 = 30 by default).
        per_minute = self.settings.dm_opens_per_minute
        return RequestBudget(per_minute / 60, burst=max(1, per_minute // 5))

    def reopen_budgets(self) -> None:
        """Give the engine fresh budgets (it starts again after they were closed)."""
        self.budget = RequestBudget(self.settings.requests_per_second)
        self.dm_open_budget = self._dm_open_budget()

    def close_budgets(self) -> None:
        """Close both budgets: whoever waits for one gets :class:`BudgetClosed`."""
        self.budget.close()
        self.dm_open_budget.close()

    @contextlib.asynccontextmanager
    async def request(self) -> AsyncIterator[None]:
        """Hold the budget's place and slot for one request (the ``async with`` block)."""
        async with self.budget.request():
            self.requests += 1
            yield

    @contextlib.asynccontextmanager
    async def urgent_request(self) -> AsyncIterator[None]:
        """Like :meth:`request`, ahead of the slots a fan-out reserved (a mention, a DM open)."""
        async with self.budget.request(urgent=True):
            self.requests += 1
            yield
