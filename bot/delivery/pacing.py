"""Pacing: one request budget shared by every send, and the head start of a fan-out.

Discord allows about 50 requests/s per bot and discord.py only reacts to 429s, so
the engine keeps its own budget below that. :class:`RequestBudget` is a token bucket
(GCRA: each caller reserves the next free slot, so waiters sleep once, in arrival
order) with two hard bounds that hold whatever the network or the event loop does:

- at most ``rate + burst`` requests start in any rolling second (a count of actual
  starts, so a stalled loop that wakes many reserved slots at once releases no more);
- at most ``max_in_flight`` requests are started and not yet answered.

Discord counts a request when it arrives. A request counted in some second either
started in that second or was already under way when it began, so Discord never counts
more than ``rate + burst + max_in_flight`` in a second, however late requests arrive.
By default ``max_in_flight`` makes that sum ``1.25 x rate``: 42 + 8 = 50 for the
default 40, Discord's limit exactly. The in-flight bound also throttles when Discord
is slow: at ``max_in_flight`` unanswered, the next request waits for an answer instead
of piling up (8 in flight sustain 40/s up to 200 ms a request).

Pacing is in real seconds (Discord's limits are); planning is on the bot's clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import datetime, timedelta


class BudgetClosed(Exception):
    """The budget was closed (the engine is stopping): do not send."""


# What Discord may count in one second, as a multiple of the rate (see the docstring):
# the requests started in it plus those still under way when it began.
COUNTED_SHARE = 1.25


class RequestBudget:
    """Hand out at most ``rate`` requests per second (after a burst of ``burst``).

    :meth:`acquire` paces only; :meth:`request` also holds one of ``max_in_flight``
    places until the request is answered (``None``: what :data:`COUNTED_SHARE` leaves).
    """

    def __init__(
        self,
        rate: float,
        *,
        burst: int | None = None,
        max_in_flight: int | None = None,
        monotonic: Callable[[], float] | None = None,
    ) -> None:
        if rate <= 0:
            raise ValueError("the request budget must be positive")
        self.rate = rate
        self.burst = max(1, burst if burst is not None else int(rate // 20))
        self._cap = max(1, int(rate) + self.burst)  # starts in any rolling second
        if max_in_flight is None:
            max_in_flight = math.floor(rate * COUNTED_SHARE) - self._cap
        self.max_in_flight = max(1, max_in_flight)
        self._places = asyncio.Semaphore(self.max_in_flight)
        self.in_flight = 0  # places held now
        self._interval = 1.0 / rate
        self._tolerance = (self.burst - 1) * self._interval
        self._monotonic = monotonic or time.monotonic
        self._next = 0.0  # the theoretical arrival time of the next request
        self._closed = asyncio.Event()
        self._recent: deque[float] = deque()
        self.granted = 0
        self._held_until = 0.0  # nothing is granted before (monotonic): see hold()
        self.generation = 0  # bumped by hold(): earlier reservations are made again

    @property
    def closed(self) -> bool:
        """Return whether :meth:`close` was called."""
        return self._closed.is_set()

    def delay(self) -> float:
        """Reserve the next slot and return how many seconds to wait for it."""
        now = self._monotonic()
        start = max(self._next, now, self._held_until)
        self._next = start + self._interval
        return max(start - self._tolerance - now, 0.0)

    def next_slot_in(self) -> float:
        """Return how many seconds a slot reserved now would wait (nothing is reserved)."""
        now = self._monotonic()
        start = max(self._next, now, self._held_until)
        return max(start - self._tolerance - now, 0.0)

    def reserve(self) -> tuple[float, int]:
        """Reserve the next slot; return the monotonic instant it comes and the generation.

        Wait for it with :meth:`acquire_reserved`; a :meth:`hold` meanwhile moves it.
        """
        return self._monotonic() + self.delay(), self.generation

    async def acquire_reserved(self, reservation: tuple[float, int]) -> None:
        """Wait for a slot :meth:`reserve` returned (reserved again after a :meth:`hold`).

        :raises BudgetClosed: the budget was closed before or while waiting.
        """
        at, generation = reservation
        while True:
            await self._sleep(at - self._monotonic())
            if generation == self.generation:
                break
            at, generation = self.reserve()
        await self._start()

    def hold(self, seconds: float, *, rate: float | None = None) -> None:
        """Grant nothing for ``seconds`` (Discord said so), then go on at ``rate`` if given.

        Slots reserved before are reserved again when they come, in their order.
        """
        now = self._monotonic()
        self._held_until = max(self._held_until, now + seconds)
        if rate is not None and 0 < rate < self.rate:
            self.rate = rate
            self._interval = 1.0 / rate
            self.burst = 1
            self._tolerance = 0.0
        self._next = self._held_until
        self.generation += 1

    async def acquire(self) -> None:
        """Wait for a slot.

        :raises BudgetClosed: the budget was closed before or while waiting.
        """
        await self._reserve()
        await self._start()

    @contextlib.asynccontextmanager
    async def request(self, *, urgent: bool = False) -> AsyncIterator[None]:
        """Wait for a slot and a place; hold the place until the block (the request) ends.

        The slot is reserved first, so requests waiting for a place keep their turn and
        a stall (of the loop, or of Discord's answers) is made up for afterwards, within
        the rolling cap. An ``urgent`` request (a mention of the people a DM cannot reach
        in time, or the open a DM waits for) reserves no slot: it goes ahead of those a
        fan-out reserved, within the rolling cap and the in-flight bound, so Discord still
        never counts more than the budget says.

        :raises BudgetClosed: the budget was closed before or while waiting.
        """
        if not urgent:
            await self._reserve()
        async with self._places:
            self.in_flight += 1
            try:
                await self._start()
                yield
            finally:
                self.in_flight -= 1

    async def _reserve(self) -> None:
        """Reserve the next slot and sleep until it comes."""
        if self.closed:
            raise BudgetClosed
        await self._sleep(self.delay())

    async def _start(self) -> None:
        """Count one start, waiting while the rolling second already holds ``rate + burst``."""
        # A stalled event loop wakes several reserved slots at once; the rolling second
        # of actual starts is capped too, so such a bunch never exceeds rate + burst.
        while True:
            now = self._monotonic()
            if now < self._held_until:
                await self._sleep(self._held_until - now)
                continue
            while self._recent and self._recent[0] <= now - 1.0:
                self._recent.popleft()
            if len(self._recent) < self._cap:
                break
            await self._sleep(self._recent[0] + 1.0 - now)
        if self.closed:
            raise BudgetClosed
        self._recent.append(now)
        self.granted += 1

    async def _sleep(self, seconds: float) -> None:
        if seconds > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closed.wait(), seconds)
        if self.closed:
            raise BudgetClosed

    def close(self) -> None:
        """Refuse every waiting and future request."""
        self._closed.set()


def clock_speed(clock: object) -> float:
    """Return how many clock seconds pass per real second (1 for the wall clock).

    A simulated clock at speed 0 stands still, so a fan-out then gets no head start.
    """
    speed = getattr(clock, "speed", 1.0)
    return float(speed) if isinstance(speed, int | float) else 1.0


# Plans assume 90% of the budget: a fan-out that starts on plan and then runs at the full
# budget ends early, leaving room for retries and the fallback mentions of closed DMs.
PLANNING_SHARE = 0.9
# And every fan-out starts this many real seconds earlier still: a small one (a handful
# of rows) lands before its due time too, not a few milliseconds after it.
START_MARGIN_SECONDS = 2.0


def _group_starts(
    profile: Sequence[tuple[datetime, int]],
    *,
    rate: float,
    speed: float,
    already_queued: int,
    longest_head_start: timedelta,
) -> list[tuple[datetime, datetime]]:
    """Return ``(due, start)`` per due instant: when sending must begin for it to land on time.

    Sending at ``rate * PLANNING_SHARE`` rows per real second, row number k (counting the
    ``already_queued`` first) leaves k / rate seconds after the start; no group starts more
    than ``longest_head_start`` before its due time.
    """
    clock_seconds_per_row = speed / (rate * PLANNING_SHARE)
    cumulative = already_queued
    starts = []
    for due, count in profile:
        cumulative += count
        ahead = cumulative * clock_seconds_per_row + START_MARGIN_SECONDS * speed
        start = due - timedelta(seconds=ahead)
        starts.append((due, max(start, due - longest_head_start)))
    return starts


def planned_start(
    profile: Sequence[tuple[datetime, int]],
    *,
    rate: float,
    speed: float,
    already_queued: int = 0,
    longest_head_start: timedelta,
) -> datetime | None:
    """Return when sending must start so that every row lands by its due time.

    ``profile`` is ``(due_at, count)`` of the pending rows, earliest first.
    """
    starts = _group_starts(
        profile,
        rate=rate,
        speed=speed,
        already_queued=already_queued,
        longest_head_start=longest_head_start,
    )
    return min((start for _, start in starts), default=None)


def due_horizon(
    profile: Sequence[tuple[datetime, int]],
    now: datetime,
    *,
    rate: float,
    speed: float,
    already_queued: int = 0,
    longest_head_start: timedelta,
) -> datetime | None:
    """Return the latest due time whose sending must have begun by ``now`` (``None``: none yet).

    Rows due by it may be claimed now; once begun, a fan-out runs at the full budget.
    """
    starts = _group_starts(
        profile,
        rate=rate,
        speed=speed,
        already_queued=already_queued,
        longest_head_start=longest_head_start,
    )
    begun = [due for due, start in starts if start <= now]
    return max(begun, default=None)
