"""DM channels: each opened once, paced apart from sends (Discord's 40003), and stored.

Opening a DM channel is limited apart from sends (about 30 a minute; Discord refuses more
with a 429 coded 40003). The engine opens one as soon as it knows someone will need it
(:meth:`DirectMessages.plan_open`: a subscription, a row due within the head start), each
in a slot reserved in the open budget, so it knows **when** each recipient's channel will
be there (:meth:`DirectMessages.ready_in`) and a row can choose its route: the DM if it
can be open by the due time, else a mention in a channel, on time.

The pace is learnt from Discord's answers: a 429 on an open (40003, or any other) holds
every open for its ``retry_after`` and lowers the pace to what had been granted in the
minute before it (:meth:`DirectMessages.refused`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Iterable
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.delivery.contracts import Sender
from bot.delivery.pacing import BudgetClosed
from bot.delivery.policy import DeliveryError
from bot.delivery.state import EngineState
from bot.storage.database import Database

log = logging.getLogger(__name__)

# The window Discord's DM-open limit is counted over, in real seconds.
OPEN_WINDOW = 60.0
# Below what was granted when refused, so the next minute stays under the limit.
LEARNT_SHARE = 0.9
# However few opens preceded a refusal (another process may open DMs too).
SLOWEST_OPENS_PER_MINUTE = 5.0
# Discord's code for "opening direct messages too fast".
OPENING_DMS_TOO_FAST = 40003


def opens_limited(error: DeliveryError) -> bool:
    """Return whether Discord refused an open for its pace: 40003, or a long Retry-After.

    (discord.py hands over a 429 whose Retry-After exceeds its ``max_ratelimit_timeout``
    without its code; on the open route that is the DM-open limit.)
    """
    if error.status != 429:
        return False
    return error.code == OPENING_DMS_TOO_FAST or (
        error.code is None and error.retry_after is not None
    )


class DirectMessages:
    """Open and store DM channels for the engine, paced by its open budget."""

    def __init__(self, database: Database, clock: Clock, state: EngineState) -> None:
        self._database = database
        self._clock = clock
        self._state = state
        self._held_until: datetime | None = None  # no open before (bot's clock): a 429
        self.background: set[asyncio.Task[int | None]] = set()  # opens under way
        # user -> (reserved slot, its task): opens planned and not yet made.
        self._planned: dict[int, tuple[float, asyncio.Task[int | None]]] = {}
        self._opened: deque[float] = deque()  # when recent opens started (monotonic)
        self.opens = 0
        self.refusals = 0

    async def open(self, sender: Sender, user_id: int) -> int:
        """Open the DM channel with ``user_id`` now (paced apart), store it; return its id.

        :raises BudgetClosed: the engine is stopping.
        :raises DeliveryError: Discord refused.
        """
        planned = self._planned.get(user_id)
        if planned is not None:
            channel_id = await asyncio.shield(planned[1])
            if channel_id is None:
                raise DeliveryError("the DM channel could not be opened", permanent=False)
            return channel_id
        held = self.held_for()
        if held > 0:  # the row waits on the bot's clock, not in a sleep here
            raise DeliveryError(
                f"DM opens held for {held:.0f} s", permanent=False, status=429, retry_after=held
            )
        await self._state.dm_open_budget.acquire()
        return await self._request(sender, user_id)

    async def _request(self, sender: Sender, user_id: int) -> int:
        self._opened.append(time.monotonic())
        self.opens += 1
        try:
            # Ahead of the fan-out's reserved slots: the DM waits for this open, and the
            # opens are paced by their own budget.
            async with self._state.urgent_request():
                channel_id = await sender.open_dm(user_id)
        except DeliveryError as error:
            if opens_limited(error):
                self.refused(error.retry_after)
            raise
        await self._database.recipients.set_dm_channel(user_id, channel_id)
        return channel_id

    def held_for(self) -> float:
        """Return for how many more seconds (bot's clock) Discord asked for no open."""
        if self._held_until is None:
            return 0.0
        return max((self._held_until - self._clock.now()).total_seconds(), 0.0)

    def refused(self, retry_after: float | None) -> None:
        """Discord refused an open (429, 40003): hold opens, and go on slower.

        The pace becomes what was granted in the minute before the refusal (less a
        margin), so the limit is learnt from Discord rather than guessed.
        """
        self.refusals += 1
        now = time.monotonic()
        while self._opened and self._opened[0] <= now - OPEN_WINDOW:
            self._opened.popleft()
        granted = len(self._opened) - 1
        per_minute = max(granted * LEARNT_SHARE, SLOWEST_OPENS_PER_MINUTE)
        budget = self._state.dm_open_budget
        wait = retry_after if retry_after is not None else OPEN_WINDOW
        budget.hold(wait, rate=per_minute / 60)
        until = self._clock.now() + timedelta(seconds=wait)
        self._held_until = until if self._held_until is None else max(self._held_until, until)
        log.warning(
            "Discord refused a DM open (retry after %s s); opens now at most %.0f a minute",
            retry_after,
            budget.rate * 60,
        )

    @property
    def planned(self) -> int:
        """Return how many opens are planned and not yet made."""
        return len(self._planned)

    def ready_in(self, user_id: int) -> float | None:
        """Return in how many real seconds ``user_id``'s planned open will be made, if planned."""
        planned = self._planned.get(user_id)
        if planned is None:
            return None
        return max(planned[0] - time.monotonic(), 0.0)

    def next_open_in(self) -> float:
        """Return in how many real seconds an open asked for now could be made."""
        return self._state.dm_open_budget.next_slot_in()

    def plan_open(self, user_id: int) -> None:
        """Reserve the next open slot for ``user_id`` and open their channel then.

        Nothing happens if one is already planned, or the engine is not running.
        """
        if user_id in self._planned or self._state.stopping or self._state.sender is None:
            return
        reservation = self._state.dm_open_budget.reserve()
        task = asyncio.create_task(self._open_dm_channel_reserved(user_id, reservation))
        self._planned[user_id] = (reservation[0], task)
        self.background.add(task)

        def done(finished: asyncio.Task[int | None]) -> None:
            self.background.discard(finished)
            if self._planned.get(user_id, (0.0, None))[1] is finished:
                del self._planned[user_id]

        task.add_done_callback(done)

    def plan_opens(self, user_ids: Iterable[int]) -> None:
        """Plan an open for each of ``user_ids`` not planned yet, in this order."""
        for user_id in user_ids:
            self.plan_open(user_id)

    async def _open_dm_channel_reserved(
        self, user_id: int, reservation: tuple[float, int]
    ) -> int | None:
        try:
            await self._state.dm_open_budget.acquire_reserved(reservation)
            known = await self._database.recipients.get(user_id)
            if known is not None and (known.dm_channel_id is not None or not known.dm_able):
                return known.dm_channel_id  # opened meanwhile, or DMs known closed
            sender = self._state.sender
            if sender is None:
                return None
            return await self._request(sender, user_id)
        except DeliveryError as error:
            log.info("could not open the DM channel with %d ahead: %s", user_id, error)
            if error.permanent:  # an unknown user: no open is tried again, no DM either
                await self._database.recipients.mark_dms_closed(user_id, self._clock.now())
            return None
        except BudgetClosed:
            return None

    async def open_dm_channel(self, user_id: int) -> int | None:
        """Open and store the DM channel with ``user_id`` now, paced; return its id.

        Returns the stored one if known, ``None`` when the engine is not running or
        Discord refused (the fan-out then opens it itself).
        """
        sender = self._state.sender
        known = await self._database.recipients.get(user_id)
        if known is not None and known.dm_channel_id is not None:
            return known.dm_channel_id
        if sender is None or self._state.stopping:
            return None
        try:
            return await self.open(sender, user_id)
        except (BudgetClosed, DeliveryError) as error:
            log.info("could not open the DM channel with %d ahead: %s", user_id, error)
            return None

    def open_dm_channel_soon(self, user_id: int) -> None:
        """Open the DM channel with ``user_id`` in the background (the engine's stop cancels it).

        Someone whose channel is stored (or whose DMs are closed) costs no open slot.
        """
        if self._state.stopping or self._state.sender is None or user_id in self._planned:
            return
        task = asyncio.create_task(self._open_dm_channel_if_needed(user_id))
        self.background.add(task)
        task.add_done_callback(self.background.discard)

    async def _open_dm_channel_if_needed(self, user_id: int) -> int | None:
        known = await self._database.recipients.get(user_id)
        if known is not None and (known.dm_channel_id is not None or not known.dm_able):
            return known.dm_channel_id
        self.plan_open(user_id)
        return None
