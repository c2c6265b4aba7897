"""The one hand-advanced clock of the tests: monotonic seconds that move only when told."""

from __future__ import annotations


class HandClock:
    """A monotonic clock in seconds that only moves when a test moves it.

    Pass it where code takes a ``monotonic`` callable (rate limits, the request budget, the
    sandbox's windows). The bot's own "now" is a ``SimulatedClock`` at speed 0, advanced the
    same way (``harness.clock.advance``).
    """

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move the clock forward by ``seconds``."""
        self.now += seconds
