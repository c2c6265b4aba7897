"""The programme every reader sees now: one schedule version with its indexes and answers."""

from __future__ import annotations

from bot.answers.schedule_answers import ScheduleAnswers
from bot.answers.search import SearchIndex
from bot.schedule.formats import without_cancelled
from bot.schedule.index import ScheduleIndex
from bot.schedule.model import Schedule

__all__ = ["CurrentSchedule"]


class CurrentSchedule:
    """The applied schedule (tombstones kept), its indexes and answers, swapped as one.

    ``schedule``, ``search`` and ``answers`` belong to one version of the programme and
    are replaced together by :meth:`swap`; read them from here on every call rather than
    keeping them, so a refresh reaches every reader at once.
    """

    __slots__ = ("_zone_override", "answers", "live", "schedule", "search")

    def __init__(self, live: Schedule, *, zone_override: str | None = None) -> None:
        self._zone_override = zone_override
        self.live, self.schedule, self.search, self.answers = self._build(live)

    def _build(
        self, live: Schedule
    ) -> tuple[Schedule, ScheduleIndex, SearchIndex, ScheduleAnswers]:
        shown = without_cancelled(live)
        # Both indexes are built once per schedule: queries then answer in microseconds.
        schedule, search = ScheduleIndex(shown), SearchIndex(shown)
        zone = self._zone_override or schedule.schedule.conference.zone
        return live, schedule, search, ScheduleAnswers(schedule, search, conference_zone=zone)

    def swap(self, live: Schedule) -> None:
        """Make ``live`` (tombstones included) the schedule every reader sees from now on.

        The indexes are built first and assigned without an ``await`` in between, so
        no reader ever sees one version's index with another's search.
        """
        self.live, self.schedule, self.search, self.answers = self._build(live)

    @property
    def conference_zone(self) -> str:
        """Return the zone the conference is held in (the guild override wins)."""
        return self._zone_override or self.schedule.schedule.conference.zone
