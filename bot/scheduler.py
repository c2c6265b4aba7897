"""A keyed task scheduler over APScheduler 3, driven by a :class:`~bot.clock.Clock`.

The database is the truth; these jobs are only a cache of "wake me at T" rebuilt
from it. Each job has a key, so scheduling the same key again replaces the job and
``cancel(key)`` needs no job handle. Instants are on the bot's clock: with a
simulated clock the job fires when the *simulated* instant arrives, and every job is
re-armed when the clock jumps.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger

from bot.clock import Clock

log = logging.getLogger(__name__)

JobCallback = Callable[[], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class _Job:
    when: datetime
    callback: JobCallback


class KeyedScheduler:
    """Run coroutines at instants of the bot's clock, one job per key."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._jobs: dict[str, _Job] = {}
        # Each arming is its own APScheduler job: re-arming a key from inside its running
        # job (the delivery wake-up does, after every pass) must not hit APScheduler's
        # one-running-instance-per-id limit, which would skip the new run for good.
        self._armed: dict[str, str] = {}
        self._arm_numbers = itertools.count()
        self._scheduler = AsyncIOScheduler(timezone=UTC)
        self._running = 0
        self._changed: asyncio.Event | None = None
        clock.on_jump(self._rearm_all)

    def start(self) -> None:
        """Start firing jobs (call from inside the running event loop)."""
        if not self._scheduler.running:
            self._scheduler.start()
            self._rearm_all()

    def shutdown(self) -> None:
        """Stop firing jobs; pending jobs are dropped (the database keeps the truth)."""
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        self._jobs.clear()

    def schedule_at(self, key: str, when: datetime, callback: JobCallback) -> None:
        """Run ``callback()`` when the clock reaches ``when``, replacing any job with ``key``."""
        if when.tzinfo is None:
            raise ValueError("schedule_at needs an aware instant")
        self._jobs[key] = _Job(when, callback)
        self._arm(key)
        self._notify()

    def cancel(self, key: str) -> None:
        """Forget the job with ``key``, if there is one."""
        self._jobs.pop(key, None)
        self._disarm(key)
        self._notify()

    def cancel_all(self) -> None:
        """Forget every job."""
        for key in list(self._jobs):
            self.cancel(key)

    def scheduled(self) -> dict[str, datetime]:
        """Return each key with the clock instant it is due at."""
        return {key: job.when for key, job in self._jobs.items()}

    def next_job_at(self) -> datetime | None:
        """Return when the earliest scheduled job is due (``None`` if there is none)."""
        return min((job.when for job in self._jobs.values()), default=None)

    async def settle(self, until: datetime | None = None) -> None:
        """Wait until every job due by ``until`` (default: now) has run to completion.

        Jobs those jobs schedule, if due by then too, are waited for as well. Wrap the
        call in a timeout: a job that never fires (the scheduler is stopped) never settles.
        """
        deadline = until or self._clock.now()
        while self._running or any(job.when <= deadline for job in self._jobs.values()):
            if self._changed is None:
                self._changed = asyncio.Event()
            self._changed.clear()
            await self._changed.wait()

    async def drain(self) -> None:
        """Stop firing jobs and wait for the ones already running to finish.

        Called before the database closes, so no job is cut off mid-query. The wait
        comes first: APScheduler's shutdown cancels the coroutines still running.
        """
        self.cancel_all()
        while self._running:
            if self._changed is None:
                self._changed = asyncio.Event()
            self._changed.clear()
            await self._changed.wait()
        self.shutdown()

    def _notify(self) -> None:
        if self._changed is not None:
            self._changed.set()

    def _disarm(self, key: str) -> None:
        armed = self._armed.pop(key, None)
        if armed is not None and self._scheduler.get_job(armed) is not None:
            self._scheduler.remove_job(armed)

    def _arm(self, key: str) -> None:
        job = self._jobs[key]
        self._disarm(key)
        if not self._scheduler.running:
            return  # armed by start()
        delay = self._clock.seconds_until(job.when)
        if delay == float("inf"):
            return  # a stopped simulated clock: armed again when it jumps
        run_at = datetime.now(UTC) + timedelta(seconds=delay)
        armed = f"{key}#{next(self._arm_numbers)}"
        self._armed[key] = armed
        self._scheduler.add_job(
            self._run,
            DateTrigger(run_date=run_at, timezone=UTC),
            args=[key, job],
            id=armed,
            misfire_grace_time=None,  # late is better than never: run however late
        )

    def _rearm_all(self) -> None:
        for key in list(self._jobs):
            self._arm(key)

    async def _run(self, key: str, job: _Job) -> None:
        if self._jobs.get(key) is job:
            del self._jobs[key]
            self._armed.pop(key, None)
        self._running += 1
        try:
            await job.callback()
        except Exception:
            log.exception("scheduled job %s failed", key)
        finally:
            self._running -= 1
            self._notify()
