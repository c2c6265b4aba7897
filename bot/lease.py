"""One active process, the others standing by: a lease row with an expiry in the database.

Several ``confbot run`` processes may share one PostgreSQL database; only the holder of
the ``active`` lease connects to Discord and delivers (Discord gives one request budget
per bot token, and the outbox must be sent by one engine). ``takeover_seconds`` is the
promise: a standby sends within it after the active dies, hangs or loses the database.
So the lease itself is shorter (:data:`LEASE_SHARE` of it), the holder renews it every
third of that, and a standby tries every fifteenth of ``takeover_seconds``: what is left is
the standby's time to connect and start sending. The holder counts its lease from the
moment it *asked* to renew, so it believes it holds it a little less long than the
database does: it stops before a standby may start, even when a renewal hangs (``keep``
gives up on a renewal that has not answered by then). Times come from the bot's clock:
the hosts' clocks must agree (NTP) to well within ``takeover_seconds``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.config import Config
from bot.errors import DatabaseBusyError
from bot.storage.database import Database, open_database
from bot.storage.repositories.leases import ACTIVE_LEASE

__all__ = ["LEASE_NAME", "LEASE_SHARE", "LeaseKeeper", "active_lease", "instance_name"]

LEASE_NAME = ACTIVE_LEASE
LEASE_SHARE = 0.5
"""The lease's length as a share of ``takeover_seconds`` (the rest: one try, and starting)."""
STANDBY_TRIES = 15
"""A standby tries this many times per ``takeover_seconds``."""
log = logging.getLogger(__name__)


def instance_name() -> str:
    """Return this process's name for the lease: ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"


class LeaseKeeper:
    """Takes, renews and gives up the ``active`` lease for one process."""

    def __init__(
        self, database: Database, clock: Clock, instance: str, takeover_seconds: float
    ) -> None:
        self._database = database
        self._clock = clock
        self.instance = instance
        self.takeover = timedelta(seconds=takeover_seconds)
        self.lease = self.takeover * LEASE_SHARE
        self._valid_until: datetime | None = None

    @property
    def interval(self) -> float:
        """Seconds between two renewals of the holder."""
        return self.lease.total_seconds() / 3

    @property
    def standby_interval(self) -> float:
        """Seconds between two tries of a standby (each one also says it is alive)."""
        return self.takeover.total_seconds() / STANDBY_TRIES

    def active(self) -> bool:
        """Return whether this process may act as the active one right now."""
        return self._valid_until is not None and self._clock.now() < self._valid_until

    async def try_take(self) -> bool:
        """Take (or renew) the lease once; return whether this process holds it now.

        A database that cannot answer counts as "not renewed": the lease stays valid
        only until its last expiry.
        """
        asked = self._clock.now()
        try:
            await self._database.leases.seen(self.instance, asked)
            taken = await self._database.leases.take(
                LEASE_NAME, self.instance, asked, asked + self.lease
            )
        except DatabaseBusyError:
            return self.active()
        if taken:
            if self._valid_until is None:
                log.info("lease: %s is now the active instance", self.instance)
            self._valid_until = asked + self.lease
        elif self._valid_until is not None:
            log.warning("lease: %s lost the lease to another instance", self.instance)
            self._valid_until = None
        return taken

    async def wait_until_active(self, stop: asyncio.Event) -> bool:
        """Stand by until this process holds the lease (``True``) or ``stop`` is set."""
        said: str | None = None
        while not stop.is_set():
            if await self.try_take():
                return True
            current = await _current_holder(self._database)
            if current != said:
                log.info("lease: standing by; %s is active", current or "nobody")
                said = current
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.standby_interval)
        return False

    async def keep(self, on_lost: Callable[[], None]) -> None:
        """Renew the lease until cancelled; call ``on_lost`` the moment it stops being held."""
        while True:
            await asyncio.sleep(self.interval)
            remaining = self._seconds_left()
            try:
                await asyncio.wait_for(self.try_take(), max(remaining, 0.0))
            except TimeoutError:
                log.warning("lease: the renewal did not answer before the lease ran out")
            if not self.active():
                log.warning("lease: %s no longer holds the lease; stopping at once", self.instance)
                on_lost()
                return

    def _seconds_left(self) -> float:
        if self._valid_until is None:
            return 0.0
        return (self._valid_until - self._clock.now()).total_seconds()

    async def release(self) -> None:
        """Give the lease up (a clean stop), so a standby takes over at its next try."""
        if self._valid_until is not None:
            self._valid_until = None
            with contextlib.suppress(DatabaseBusyError):
                await self._database.leases.release(LEASE_NAME, self.instance)


async def _current_holder(database: Database) -> str | None:
    with contextlib.suppress(DatabaseBusyError):
        lease = await database.leases.current(LEASE_NAME)
        return None if lease is None else lease.holder
    return None


@contextlib.asynccontextmanager
async def active_lease(
    config: Config, clock: Clock, stop: asyncio.Event
) -> AsyncIterator[LeaseKeeper | None]:
    """Stand by until this process is the active one; yield its keeper (release on exit).

    SQLite is one machine's file: there is nothing to share, so no lease (``None``). With
    PostgreSQL, the lease has its own connection pool, apart from the bot's. Yields
    ``None`` too if ``stop`` was set while standing by (then the caller should not start).
    """
    storage = config.storage
    if not storage.is_postgresql:
        yield None
        return
    database = await open_database(storage.database, password=storage.password(), clock=clock.now)
    keeper = LeaseKeeper(database, clock, instance_name(), storage.takeover_seconds)
    try:
        yield keeper if await keeper.wait_until_active(stop) else None
    finally:
        await keeper.release()
        await database.close()
