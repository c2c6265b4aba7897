"""What every repository shares: the executor and the clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.storage._codec import to_db_time
from bot.storage._executor import Executor

Clock = Callable[[], datetime]


class Repository:
    """Base class: holds the :class:`Executor` and the clock for ``*_at`` columns."""

    def __init__(self, executor: Executor, clock: Clock) -> None:
        self._db = executor
        self._clock = clock

    def _now(self) -> str:
        return to_db_time(self._clock())
