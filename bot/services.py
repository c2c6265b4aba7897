"""The core services a running confbot holds, opened and closed together.

Cogs reach the core only through this object (``bot.services``); it holds no
Discord state, so the core stays testable without a gateway.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.answers.schedule_answers import ScheduleAnswers
from bot.answers.search import SearchIndex
from bot.clock import Clock
from bot.config import Config
from bot.delivery import DeliveryEngine, DeliverySettings
from bot.schedule.formats import without_cancelled
from bot.schedule.index import ScheduleIndex
from bot.schedule.model import Schedule
from bot.schedule.refresh import initial_schedule
from bot.scheduler import KeyedScheduler
from bot.storage.database import Database, open_database


@dataclass(slots=True)
class Services:
    """Configuration, clock, database, schedule and search indexes, scheduler, delivery.

    ``schedule``, ``search`` and ``answers`` belong to one version of the programme and
    are replaced together by :meth:`swap_schedule`; read them from here on every call
    rather than keeping them, so a refresh reaches every reader at once.
    """

    config: Config
    clock: Clock
    database: Database
    schedule: ScheduleIndex
    search: SearchIndex
    scheduler: KeyedScheduler
    delivery: DeliveryEngine
    # The applied schedule with its tombstones (cancelled sessions kept for the next diff).
    live: Schedule
    answers: ScheduleAnswers = field(init=False)
    # How many times the schedule was swapped since start (cogs cache per generation).
    generation: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        self.answers = self._answers(self.schedule, self.search)

    def _answers(self, schedule: ScheduleIndex, search: SearchIndex) -> ScheduleAnswers:
        zone = self.config.guild.zone or schedule.schedule.conference.zone
        return ScheduleAnswers(schedule, search, conference_zone=zone)

    def swap_schedule(self, live: Schedule) -> None:
        """Make ``live`` (tombstones included) the schedule every reader sees from now on.

        The indexes are built first and assigned without an ``await`` in between, so
        no reader ever sees one version's index with another's search.
        """
        shown = without_cancelled(live)
        schedule, search = ScheduleIndex(shown), SearchIndex(shown)
        answers = self._answers(schedule, search)
        self.live, self.schedule, self.search, self.answers = live, schedule, search, answers
        self.generation += 1

    @classmethod
    async def open(cls, config: Config, clock: Clock) -> Services:
        """Open and migrate the database, load the schedule, and create the scheduler.

        The schedule is the last one applied (kept in the database), else the source,
        else the last good copy on disk: a source that is down does not stop the bot.

        :raises ConfigError: there is no usable schedule anywhere.
        :raises DatabaseVersionError: the database is newer than this confbot.
        """
        database = await open_database(config.storage.database)
        try:
            live = await initial_schedule(config, database)
        except BaseException:
            await database.close()
            raise
        loaded = without_cancelled(live)
        # Both indexes are built once per schedule: queries then answer in microseconds.
        schedule, search = ScheduleIndex(loaded), SearchIndex(loaded)
        scheduler = KeyedScheduler(clock)
        delivery = DeliveryEngine(
            database, scheduler, clock, DeliverySettings.from_config(config.delivery)
        )
        return cls(config, clock, database, schedule, search, scheduler, delivery, live)

    @property
    def conference_zone(self) -> str:
        """Return the zone the conference is held in (the guild override wins)."""
        return self.config.guild.zone or self.schedule.schedule.conference.zone

    async def close(self) -> None:
        """Stop delivering (call ``delivery.drain()`` first to let sends land), close the rest."""
        await self.delivery.stop()
        await self.scheduler.drain()
        await self.database.close()
