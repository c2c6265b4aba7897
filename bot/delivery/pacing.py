"""Pacing: one request budget shared by every send, and the head start of a fan-out.

Discord allows about 50 requests/s per bot and discord.py only reacts to 429s, so
the engine keeps its own budget below that. :class:`RequestBudget` is a token bucket
(GCRA: each caller reserves the next free slot, so waiters sleep once, in arrival
order). Its burst is small: in any one-second window at most ``rate + burst``
requests leave, which stays under Discord's limit with the defaults (40 + 5).

Pacing is in real seconds (Discord's limits are); planning is on the bot's clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta


class BudgetClosed(Exception):
    """The budget was closed (the engine is stopping): do not send."""


class RequestBudget:
    """Hand out at most ``rate`` requests per second (after a burst of ``burst``)."""

    def __init__(
        self, rate: float, *, burst: int | None = None, monotonic: Callable[[], float] | None = None
    ) -> None:
        if rate <= 0:
            raise ValueError("the request budget must be positive")
        self.rate = rate
        self.burst = max(1, burst if burst is not None else int(rate // 8))
        self._interval = 1.0 / rate
        self._tolerance = (self.burst - 1) * self._interval
        self._monotonic = monotonic or time.monotonic
        self._next = 0.0  # the theoretical arrival time of the next request
        self._closed = asyncio.Event()
        self.granted = 0

    @property
    def closed(self) -> bool:
        """Return whether :meth:`close` was called."""
        return self._closed.is_set()

    def delay(self) -> float:
        """Reserve the next slot and return how many seconds to wait for it."""
        now = self._monotonic()
        start = max(self._next, now)
        self._next = start + self._interval
        return max(start - self._tolerance - now, 0.0)

    async def acquire(self) -> None:
        """Wait for a slot.

        :raises BudgetClosed: the budget was closed before or while waiting.
        """
        if self.closed:
            raise BudgetClosed
        wait = self.delay()
        if wait > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closed.wait(), wait)
            if self.closed:
                raise BudgetClosed
        self.granted += 1

    def close(self) -> None:
        """Refuse every waiting and future request."""
        self._closed.set()


def clock_speed(clock: object) -> float:
    """Return how many clock seconds pass per real second (1 for the wall clock).

    A simulated clock at speed 0 stands still, so a fan-out then gets no head start.
    """
    speed = getattr(clock, "speed", 1.0)
    return float(speed) if isinstance(speed, int | float) else 1.0


def planned_start(
    profile: Sequence[tuple[datetime, int]],
    *,
    rate: float,
    speed: float,
    already_queued: int = 0,
    longest_head_start: timedelta,
) -> datetime | None:
    """Return when sending must start so that every row lands by its due time.

    ``profile`` is ``(due_at, count)`` earliest first. Sending at ``rate`` rows per real
    second, row number k (counting ``already_queued`` first) leaves k / rate seconds
    after the start, so the start is the earliest ``due - cumulative / rate`` over the
    profile, but never more than ``longest_head_start`` before the first due time.
    """
    if not profile:
        return None
    clock_seconds_per_row = speed / rate
    cumulative = already_queued
    start = profile[0][0]
    for due, count in profile:
        cumulative += count
        start = min(start, due - timedelta(seconds=cumulative * clock_seconds_per_row))
    return max(start, profile[0][0] - longest_head_start)
