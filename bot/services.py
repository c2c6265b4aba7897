"""The core services a running confbot holds, opened and closed together.

Cogs reach the core only through this object (``bot.services``); it holds no
Discord state, so the core stays testable without a gateway.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.answers.search import SearchIndex
from bot.clock import Clock
from bot.config import Config
from bot.delivery import DeliveryEngine, DeliverySettings
from bot.schedule.index import ScheduleIndex
from bot.schedule.native import load_schedule
from bot.scheduler import KeyedScheduler
from bot.storage.database import Database, open_database


@dataclass(slots=True)
class Services:
    """Configuration, clock, database, schedule and search indexes, scheduler, delivery."""

    config: Config
    clock: Clock
    database: Database
    schedule: ScheduleIndex
    search: SearchIndex
    scheduler: KeyedScheduler
    delivery: DeliveryEngine

    @classmethod
    async def open(cls, config: Config, clock: Clock) -> Services:
        """Load the schedule, open and migrate the database, and create the scheduler.

        :raises ConfigError: the schedule file is invalid.
        :raises DatabaseVersionError: the database is newer than this confbot.
        """
        loaded = load_schedule(config.schedule.source)
        # Both indexes are built once per schedule: queries then answer in microseconds.
        schedule, search = ScheduleIndex(loaded), SearchIndex(loaded)
        database = await open_database(config.storage.database)
        scheduler = KeyedScheduler(clock)
        delivery = DeliveryEngine(
            database, scheduler, clock, DeliverySettings.from_config(config.delivery)
        )
        return cls(config, clock, database, schedule, search, scheduler, delivery)

    @property
    def conference_zone(self) -> str:
        """Return the zone the conference is held in (the guild override wins)."""
        return self.config.guild.zone or self.schedule.schedule.conference.zone

    async def close(self) -> None:
        """Stop delivering (call ``delivery.drain()`` first to let sends land), close the rest."""
        self.delivery.stop()
        await self.scheduler.drain()
        await self.database.close()
