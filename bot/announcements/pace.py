"""How often a moderator may start an announcement: 5 accepted forms a minute each.

Each announcement may ping whole channels, so ``/announce new`` is paced. Only a form
that became a draft counts: a try refused for its channel, ping, time or text costs
nothing (the moderator fixes it and tries again at once). Counted on the bot's clock,
in memory: a restart forgets the count, which only lets a moderator start sooner.
"""

from __future__ import annotations

import math
from collections import deque
from datetime import datetime, timedelta

from bot.errors import UserError

__all__ = ["START_LIMIT", "START_WINDOW", "StartPace"]

START_LIMIT = 5
START_WINDOW = timedelta(seconds=60)


class StartPace:
    """Accepted announcement forms per (server, moderator) over a sliding minute."""

    def __init__(self, limit: int = START_LIMIT, window: timedelta = START_WINDOW) -> None:
        self._limit = limit
        self._window = window
        self._started: dict[tuple[int, int], deque[datetime]] = {}

    def _recent(self, key: tuple[int, int], now: datetime) -> deque[datetime]:
        started = self._started.setdefault(key, deque())
        while started and started[0] <= now - self._window:
            started.popleft()
        if not started:
            del self._started[key]  # nothing kept for moderators who went quiet
            return deque()
        return started

    def require_room(self, guild_id: int, user_id: int, now: datetime) -> None:
        """Refuse a new announcement when the moderator started ``limit`` in the window.

        :raises UserError: "Slow down a little: try again in 42 s."
        """
        started = self._recent((guild_id, user_id), now)
        if len(started) >= self._limit:
            wait = (started[0] + self._window - now).total_seconds()
            raise UserError(f"Slow down a little: try again in {max(1, math.ceil(wait))} s.")

    def record(self, guild_id: int, user_id: int, now: datetime) -> None:
        """Count one accepted form (a new draft) at ``now``."""
        self._started.setdefault((guild_id, user_id), deque()).append(now)
