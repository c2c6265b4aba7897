"""Clocks: the one source of "now" for everything confbot does.

The real bot uses :class:`SystemClock`. ``confbot demo`` and the tests use a
:class:`SimulatedClock`, which starts at a chosen instant, can run N times faster
than real time, and can be advanced by hand; the scheduler follows it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Anything that tells the current instant (aware, UTC)."""

    def now(self) -> datetime:
        """Return the current instant as an aware UTC datetime."""
        ...

    def seconds_until(self, instant: datetime) -> float:
        """Return how many real seconds remain until ``instant`` on this clock."""
        ...

    def on_jump(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` whenever the clock jumps (never, for a real clock)."""
        ...


class SystemClock:
    """The wall clock."""

    def now(self) -> datetime:
        """Return the current instant as an aware UTC datetime."""
        return datetime.now(UTC)

    def seconds_until(self, instant: datetime) -> float:
        """Return how many seconds remain until ``instant``."""
        return (instant - self.now()).total_seconds()

    def on_jump(self, listener: Callable[[], None]) -> None:
        """Ignore the listener: the wall clock never jumps."""


class SimulatedClock:
    """A clock that starts at ``start``, runs ``speed`` times real time, and can jump.

    With ``speed=0`` it stands still and moves only by :meth:`advance`, which is what
    tests want: no test ever waits for wall-clock time to pass.
    """

    def __init__(
        self,
        start: datetime,
        *,
        speed: float = 1.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if start.tzinfo is None:
            raise ValueError("SimulatedClock needs an aware start instant")
        if speed < 0:
            raise ValueError("speed must not be negative")
        self._anchor = start.astimezone(UTC)
        self._speed = speed
        self._monotonic = monotonic
        self._anchor_real = monotonic()
        self._listeners: list[Callable[[], None]] = []

    @property
    def speed(self) -> float:
        """Return how many simulated seconds pass per real second."""
        return self._speed

    def now(self) -> datetime:
        """Return the simulated current instant."""
        elapsed = (self._monotonic() - self._anchor_real) * self._speed
        return self._anchor + timedelta(seconds=elapsed)

    def seconds_until(self, instant: datetime) -> float:
        """Return the real seconds until ``instant`` arrives (infinite when stopped)."""
        remaining = (instant - self.now()).total_seconds()
        if remaining <= 0:
            return 0.0
        if self._speed == 0:
            return float("inf")
        return remaining / self._speed

    def advance(self, delta: timedelta) -> datetime:
        """Jump forward by ``delta`` and tell the listeners; return the new instant."""
        if delta < timedelta(0):
            raise ValueError("the simulated clock only moves forward")
        return self.set(self.now() + delta)

    def set(self, instant: datetime) -> datetime:
        """Jump to ``instant`` and tell the listeners; return it."""
        self._anchor = instant.astimezone(UTC)
        self._anchor_real = self._monotonic()
        for listener in list(self._listeners):
            listener()
        return self._anchor

    def on_jump(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` after every jump."""
        self._listeners.append(listener)
