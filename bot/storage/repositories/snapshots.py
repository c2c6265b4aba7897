"""Raw schedule snapshots as fetched, to detect and diff schedule changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.storage._codec import from_db_time, to_db_time
from bot.storage.repositories._base import Repository


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One fetched copy of a schedule source."""

    id: int
    source: str
    fetched_at: datetime
    content_hash: str
    body: str


class SnapshotRepository(Repository):
    """The ``schedule_snapshots`` table."""

    async def add(
        self, source: str, body: str, content_hash: str, fetched_at: datetime | None = None
    ) -> int:
        """Store a snapshot of ``source`` and return its id (``fetched_at`` defaults to now).

        :raises ValueError: ``fetched_at`` is naive.
        """
        fetched = self._now() if fetched_at is None else to_db_time(fetched_at)
        inserted = await self._db.fetchone(
            "INSERT INTO schedule_snapshots (source, fetched_at, content_hash, body)"
            " VALUES (?, ?, ?, ?) RETURNING id",
            (source, fetched, content_hash, body),
        )
        assert inserted is not None  # noqa: S101 - an INSERT ... RETURNING returns its row
        snapshot_id: int = inserted["id"]
        return snapshot_id

    async def latest(self, source: str) -> Snapshot | None:
        """Return the most recently added snapshot of ``source``, or ``None``."""
        row = await self._db.fetchone(
            "SELECT id, source, fetched_at, content_hash, body FROM schedule_snapshots"
            " WHERE source = ? ORDER BY id DESC LIMIT 1",
            (source,),
        )
        if row is None:
            return None
        return Snapshot(
            id=row["id"],
            source=row["source"],
            fetched_at=from_db_time(row["fetched_at"]),
            content_hash=row["content_hash"],
            body=row["body"],
        )

    async def prune(self, source: str, keep: int) -> int:
        """Delete all but the newest ``keep`` snapshots of ``source``; return how many went.

        :raises ValueError: ``keep`` is negative.
        """
        if keep < 0:
            raise ValueError(f"keep must be >= 0, got {keep}")
        result = await self._db.execute(
            "DELETE FROM schedule_snapshots WHERE source = ? AND id NOT IN"
            " (SELECT id FROM schedule_snapshots WHERE source = ? ORDER BY id DESC LIMIT ?)",
            (source, source, keep),
        )
        return result.rowcount
