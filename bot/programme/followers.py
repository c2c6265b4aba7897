"""The one hook for features that follow schedule changes.

A feature whose rows depend on the schedule (reminders, room posts, speakers'
heads-ups) registers a :class:`ScheduleFollower` with the applier. Every apply runs
the followers inside its transaction, after the swap: a follower that fails rolls the
whole change back, so the schedule shown and the rows queued never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from bot.schedule.diff import Change, ScheduleDiff

__all__ = ["ScheduleChange", "ScheduleFollower"]


@dataclass(frozen=True, slots=True)
class ScheduleChange:
    """A schedule just applied: what changed, when, and where the rooms' posts go."""

    diff: ScheduleDiff
    now: datetime
    room_channels: Mapping[str, int] = field(default_factory=dict)

    def rescheduled_session_ids(self) -> list[str]:
        """Return the sessions moved, cancelled, removed or brought back by the change."""
        kinds = (Change.MOVED, Change.CANCELLED, Change.REMOVED, Change.RESTORED)
        return [
            change.session_id
            for change in self.diff.changes
            if any(kind in change.changes for kind in kinds)
        ]


class ScheduleFollower(Protocol):
    """A feature that re-plans its rows when the schedule changes."""

    @property
    def follower_name(self) -> str:
        """Return the name its counts are reported under (``Applied.followed``)."""
        ...

    async def follow_schedule_change(self, change: ScheduleChange) -> Mapping[str, int]:
        """Re-plan for ``change`` (inside the apply's transaction); return what it did."""
        ...
