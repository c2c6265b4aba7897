"""The core services a running confbot holds, opened and closed together.

Cogs reach the core only through this object (``bot.services``); it holds no
Discord state, so the core stays testable without a gateway.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.config import Config
from bot.schedule.index import ScheduleIndex
from bot.schedule.native import load_schedule
from bot.scheduler import KeyedScheduler
from bot.storage.database import Database, open_database


@dataclass(slots=True)
class Services:
    """Configuration, clock, database, schedule index and scheduler."""

    config: Config
    clock: Clock
    database: Database
    schedule: ScheduleIndex
    scheduler: KeyedScheduler

    @classmethod
    async def open(cls, config: Config, clock: Clock) -> Services:
        """Load the schedule, open and migrate the database, and create the scheduler.

        :raises ConfigError: the schedule file is invalid.
        :raises DatabaseVersionError: the database is newer than this confbot.
        """
        schedule = ScheduleIndex(load_schedule(config.schedule.source))
        config.storage.database.parent.mkdir(parents=True, exist_ok=True)
        database = await open_database(config.storage.database)
        return cls(config, clock, database, schedule, KeyedScheduler(clock))

    @property
    def conference_zone(self) -> str:
        """Return the zone the conference is held in (the guild override wins)."""
        return self.config.guild.zone or self.schedule.schedule.conference.zone

    async def close(self) -> None:
        """Stop the scheduler and close the database."""
        self.scheduler.shutdown()
        await self.database.close()
