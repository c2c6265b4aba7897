"""DM channels: each opened once, paced apart from sends (Discord's 40003), and stored.

Opening a DM channel is limited apart from sends (about 30 a minute; Discord refuses more
with a 429 coded 40003). The engine opens one as soon as it knows someone will need it
(:meth:`DirectMessages.plan_open`: a subscription, a row due within the head start), each
in a slot reserved in the open budget, so it knows **when** each recipient's channel will
be there (:meth:`DirectMessages.ready_in`) and a row can choose its route: the DM if it
can be open by the due time, else a mention in a channel, on time.

The pace is learnt from Discord's answers: a 429 on an open (40003, or any other) holds
every open for its ``retry_after`` and lowers the pace to what had been granted in the
minute before it (:meth:`DirectMessages.refused`). A 429 shorter than discord.py's
``max_ratelimit_timeout`` never reaches the engine: discord.py sleeps it out inside the
request (and holds every other open behind it). The engine sees it as an open taking
seconds instead of a fraction of one (:data:`STALLED_OPEN_SECONDS`): while one does, no
DM channel is promised sooner than discord.py's longest wait allows
(:meth:`DirectMessages.ready_in`), a row with a channel to be mentioned in waits for its
open only until its due time (:class:`NotOpenInTime`), and once the open is made the pace
is lowered as for a refusal (:meth:`DirectMessages.waited_out`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TypeVar

from bot.clock import Clock
from bot.delivery.contracts import Sender
from bot.delivery.pacing import BudgetClosed
from bot.delivery.policy import WAITED_OUT_BY_DISCORD_PY_SECONDS, DeliveryError
from bot.delivery.state import EngineState
from bot.storage.database import Database

log = logging.getLogger(__name__)

T = TypeVar("T")

# The window Discord's DM-open limit is counted over, in real seconds.
OPEN_WINDOW = 60.0
# Below what was granted when refused, so the next minute stays under the limit.
LEARNT_SHARE = 0.9
# However few opens preceded a refusal (another process may open DMs too).
SLOWEST_OPENS_PER_MINUTE = 5.0
# Discord's code for "opening direct messages too fast".
OPENING_DMS_TOO_FAST = 40003
# Discord answers an open within a fraction of a second; one taking longer is being held
# by a 429 that discord.py sleeps out by itself.
STALLED_OPEN_SECONDS = 2.0


class NotOpenInTime(DeliveryError):
    """The DM channel was not open by the time its row could wait (the open goes on)."""

    def __init__(self, waited: float) -> None:
        super().__init__(
            f"no DM channel by the due time (its open waited {waited:.1f} s)", permanent=False
        )


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
        self._in_flight: dict[object, float] = {}  # open requests under way -> when each began
        self.opens = 0
        self.refusals = 0

    async def open(self, sender: Sender, user_id: int, *, within: float | None = None) -> int:
        """Open the DM channel with ``user_id`` now (paced apart), store it; return its id.

        ``within``: how long (real seconds) the caller may wait for it; the open goes on
        after that, and its channel is stored when made.

        :raises BudgetClosed: the engine is stopping.
        :raises NotOpenInTime: not open within ``within`` seconds.
        :raises DeliveryError: Discord refused.
        """
        planned = self._planned.get(user_id)
        if planned is not None:
            channel_id = await self._waited(planned[1], within)
            if channel_id is None:
                raise DeliveryError("the DM channel could not be opened", permanent=False)
            return channel_id
        held = self.held_for()
        if held > 0:  # the row waits on the bot's clock, not in a sleep here
            raise DeliveryError(
                f"DM opens held for {held:.0f} s", permanent=False, status=429, retry_after=held
            )
        opening = asyncio.create_task(self._open_now(sender, user_id))
        self.background.add(opening)
        opening.add_done_callback(self.background.discard)
        return await self._waited(opening, within)

    async def _open_now(self, sender: Sender, user_id: int) -> int:
        await self._state.dm_open_budget.acquire()
        return await self._request(sender, user_id)

    @staticmethod
    async def _waited(opening: asyncio.Task[T], within: float | None) -> T:
        """Return what ``opening`` gives, waiting at most ``within`` s (it is never cancelled).

        A caller that gave up leaves the outcome to the shield, which marks it retrieved.
        """
        if within is None:
            return await asyncio.shield(opening)
        try:
            return await asyncio.wait_for(asyncio.shield(opening), within)
        except TimeoutError:
            raise NotOpenInTime(within) from None

    async def _request(self, sender: Sender, user_id: int) -> int:
        self._opened.append(time.monotonic())
        self.opens += 1
        try:
            # Ahead of the fan-out's reserved slots: the DM waits for this open, and the
            # opens are paced by their own budget.
            async with self._state.urgent_request():
                request = object()  # two rows of one person may open at once
                began = self._in_flight[request] = time.monotonic()
                try:
                    channel_id = await sender.open_dm(user_id)
                finally:
                    del self._in_flight[request]
        except DeliveryError as error:
            if opens_limited(error):
                self.refused(error.retry_after)
            raise
        took = time.monotonic() - began
        if took >= STALLED_OPEN_SECONDS:
            self.waited_out(took)
        await self._database.recipients.set_dm_channel(user_id, channel_id)
        return channel_id

    def stall_left(self) -> float:
        """Return how much longer (real seconds, at most) an open in flight may be held.

        0 unless an open has taken :data:`STALLED_OPEN_SECONDS` already: discord.py is then
        sleeping out a 429, for at most its ``max_ratelimit_timeout``, and every other
        open waits behind it.
        """
        if not self._in_flight:
            return 0.0
        taken = time.monotonic() - min(self._in_flight.values())
        if taken < STALLED_OPEN_SECONDS:
            return 0.0
        return max(WAITED_OUT_BY_DISCORD_PY_SECONDS - taken, 0.0)

    def waited_out(self, took: float) -> None:
        """An open took ``took`` s: discord.py waited out a 429 the engine never saw.

        The pace becomes what was granted in the minute before, as after a refusal; the
        wait itself is over.
        """
        per_minute = self._learn_pace(0.0)
        log.warning(
            "a DM open took %.1f s: Discord held it (a 429 discord.py waited out); "
            "opens now at most %.0f a minute",
            took,
            per_minute,
        )

    def _learn_pace(self, wait: float) -> float:
        """Hold opens ``wait`` s, then pace them at what Discord granted in the last minute.

        Less a margin, and never below :data:`SLOWEST_OPENS_PER_MINUTE`. Returns the opens
        a minute allowed now.
        """
        now = time.monotonic()
        while self._opened and self._opened[0] <= now - OPEN_WINDOW:
            self._opened.popleft()
        granted = len(self._opened) - 1
        per_minute = max(granted * LEARNT_SHARE, SLOWEST_OPENS_PER_MINUTE)
        budget = self._state.dm_open_budget
        budget.hold(wait, rate=per_minute / 60)
        return budget.rate * 60

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
        wait = retry_after if retry_after is not None else OPEN_WINDOW
        per_minute = self._learn_pace(wait)
        until = self._clock.now() + timedelta(seconds=wait)
        self._held_until = until if self._held_until is None else max(self._held_until, until)
        log.warning(
            "Discord refused a DM open (retry after %s s); opens now at most %.0f a minute",
            retry_after,
            per_minute,
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
        return max(planned[0] - time.monotonic(), self.stall_left())

    def next_open_in(self) -> float:
        """Return in how many real seconds an open asked for now could be made."""
        return max(self._state.dm_open_budget.next_slot_in(), self.stall_left())

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
