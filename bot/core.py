"""The shared core every feature works with: config, clock, database, scheduler, delivery.

:class:`Core` holds no Discord state. Features take it (never :class:`bot.services.Services`,
which sits above them and builds them), so a feature never reaches another feature
except through the hooks it registers.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.answers.current import CurrentSchedule
from bot.answers.schedule_answers import ScheduleAnswers
from bot.answers.search import SearchIndex
from bot.clock import Clock
from bot.config import Config
from bot.delivery import DeliveryEngine
from bot.schedule.index import ScheduleIndex
from bot.schedule.model import Schedule
from bot.scheduler import KeyedScheduler
from bot.storage.database import Database

__all__ = ["Core"]


@dataclass(slots=True)
class Core:
    """Configuration, clock, database, the current schedule, scheduler and delivery."""

    config: Config
    clock: Clock
    database: Database
    current: CurrentSchedule
    scheduler: KeyedScheduler
    delivery: DeliveryEngine

    # The current schedule's parts, read on every call (a refresh swaps them).
    @property
    def schedule(self) -> ScheduleIndex:
        """Return the index of the schedule shown now (cancelled sessions left out)."""
        return self.current.schedule

    @property
    def search(self) -> SearchIndex:
        """Return the search index of the schedule shown now."""
        return self.current.search

    @property
    def answers(self) -> ScheduleAnswers:
        """Return the answers of the schedule shown now."""
        return self.current.answers

    @property
    def live(self) -> Schedule:
        """Return the applied schedule with its tombstones (kept for the next diff)."""
        return self.current.live

    @property
    def conference_zone(self) -> str:
        """Return the zone the conference is held in (the guild override wins)."""
        return self.current.conference_zone

    def swap_schedule(self, live: Schedule) -> None:
        """Make ``live`` the schedule every reader sees from now on (see ``CurrentSchedule``)."""
        self.current.swap(live)
