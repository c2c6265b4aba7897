"""The lease that makes one process of several the active one, and the processes seen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.storage._codec import from_db_time, to_db_time
from bot.storage.repositories._base import Repository

ACTIVE_LEASE = "active"
"""The lease whose holder is the active process (connected to Discord, delivering)."""


@dataclass(frozen=True, slots=True)
class Lease:
    """Who holds a lease, since when, and until when (unless renewed)."""

    holder: str
    acquired_at: datetime
    expires_at: datetime


class LeaseRepository(Repository):
    """The ``leases`` and ``instances`` tables."""

    async def take(self, name: str, holder: str, now: datetime, until: datetime) -> bool:
        """Take or renew ``name`` for ``holder`` until ``until``; return whether it holds it.

        It succeeds when nobody holds the lease, when ``holder`` already does (a renewal:
        ``acquired_at`` is kept), or when the last holder let it expire by ``now``. One
        statement, so two processes racing for it never both succeed.

        :raises ValueError: a time is naive.
        """
        stamp = to_db_time(now)
        result = await self._db.execute(
            "INSERT INTO leases (name, holder, acquired_at, expires_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (name) DO UPDATE SET holder = excluded.holder,"
            " acquired_at = CASE WHEN leases.holder = excluded.holder THEN leases.acquired_at"
            " ELSE excluded.acquired_at END, expires_at = excluded.expires_at"
            " WHERE leases.holder = excluded.holder OR leases.expires_at <= excluded.acquired_at",
            (name, holder, stamp, to_db_time(until)),
        )
        return result.rowcount == 1

    async def current(self, name: str) -> Lease | None:
        """Return who holds ``name`` (perhaps expired), or ``None`` if nobody ever did."""
        row = await self._db.fetchone(
            "SELECT holder, acquired_at, expires_at FROM leases WHERE name = ?", (name,)
        )
        if row is None:
            return None
        return Lease(
            str(row["holder"]), from_db_time(row["acquired_at"]), from_db_time(row["expires_at"])
        )

    async def release(self, name: str, holder: str) -> bool:
        """Give ``name`` up at once (a clean stop), if ``holder`` holds it."""
        result = await self._db.execute(
            "DELETE FROM leases WHERE name = ? AND holder = ?", (name, holder)
        )
        return result.rowcount == 1

    async def seen(self, instance: str, now: datetime) -> None:
        """Record that ``instance`` (a process, active or standing by) is alive at ``now``."""
        await self._db.execute(
            "INSERT INTO instances (instance, seen_at) VALUES (?, ?)"
            " ON CONFLICT (instance) DO UPDATE SET seen_at = excluded.seen_at",
            (instance, to_db_time(now)),
        )

    async def seen_since(self, moment: datetime) -> dict[str, datetime]:
        """Return the instances seen at or after ``moment``, with when."""
        rows = await self._db.fetchall(
            "SELECT instance, seen_at FROM instances WHERE seen_at >= ? ORDER BY instance",
            (to_db_time(moment),),
        )
        return {str(row["instance"]): from_db_time(row["seen_at"]) for row in rows}
