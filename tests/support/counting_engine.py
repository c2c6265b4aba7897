"""A delivery engine without a sender that counts its re-arms, on a stopped clock."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.clock import SimulatedClock
from bot.delivery import DeliveryEngine
from bot.scheduler import KeyedScheduler
from bot.storage import Database

NOW = datetime(2025, 10, 24, 12, 0, tzinfo=UTC)


class CountingEngine(DeliveryEngine):
    """An engine that counts its re-arms (it has no sender, so it arms nothing)."""

    rearms = 0

    async def rearm(self) -> datetime | None:
        """Count the call."""
        self.rearms += 1
        return None


def engine_on(database: Database) -> CountingEngine:
    """Return a counting engine on a simulated clock standing at :data:`NOW`."""
    clock = SimulatedClock(NOW, speed=0)
    return CountingEngine(database, KeyedScheduler(clock), clock)
