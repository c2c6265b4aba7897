"""The outbox's reads: lookups, the engine's planning queries, previews and counts.

Nothing here writes.
"""

from __future__ import annotations

from datetime import datetime

from bot.storage._codec import from_db_time, from_db_time_or_none, to_db_time
from bot.storage.repositories._base import Repository
from bot.storage.repositories.outbox_rows import (
    OUTBOX_COLUMNS,
    STATUSES,
    OutboxItem,
    OutboxRoute,
    PendingKind,
    outbox_item,
)


class OutboxReads(Repository):
    """Read ``outbox`` rows (a part of :class:`OutboxRepository`)."""

    async def get(self, key: str) -> OutboxItem | None:
        """Return the row with this key, whatever its status, or ``None``."""
        row = await self._db.fetchone(
            f"SELECT {OUTBOX_COLUMNS} FROM outbox WHERE key = ?",  # noqa: S608
            (key,),
        )
        return None if row is None else outbox_item(row)

    async def get_by_id(self, item_id: int) -> OutboxItem | None:
        """Return the row with this id, or ``None``."""
        row = await self._db.fetchone(
            f"SELECT {OUTBOX_COLUMNS} FROM outbox WHERE id = ?",  # noqa: S608
            (item_id,),
        )
        return None if row is None else outbox_item(row)

    async def due(self, now: datetime, limit: int = 50) -> list[OutboxItem]:
        """Return up to ``limit`` pending rows with ``due_at <= now``, earliest first.

        :raises ValueError: ``now`` is naive.
        """
        rows = await self._db.fetchall(
            f"SELECT {OUTBOX_COLUMNS} FROM outbox"  # noqa: S608
            " WHERE status = 'pending' AND due_at <= ? ORDER BY due_at, id LIMIT ?",
            (to_db_time(now), limit),
        )
        return [outbox_item(row) for row in rows]

    async def next_due_at(self) -> datetime | None:
        """Return when the earliest pending row is due, or ``None`` if nothing is pending."""
        row = await self._db.fetchone("SELECT MIN(due_at) FROM outbox WHERE status = 'pending'")
        return from_db_time_or_none(row[0] if row is not None else None)

    async def next_mention_due_at(self) -> datetime | None:
        """Return when the earliest pending mention (fallback route, not a retry) is due."""
        row = await self._db.fetchone(
            "SELECT MIN(due_at) FROM outbox WHERE status = 'pending' AND route = 'fallback'"
            " AND attempts = 0"
        )
        return from_db_time_or_none(row[0] if row is not None else None)

    async def due_profile(self, until: datetime) -> list[tuple[datetime, int]]:
        """Return ``(due_at, count)`` of pending direct rows due by ``until``, earliest first.

        The engine plans its head start from this: N rows due at T start N / budget early.
        """
        rows = await self._db.fetchall(
            "SELECT due_at, COUNT(*) FROM outbox WHERE status = 'pending' AND due_at <= ?"
            " AND route = 'direct' GROUP BY due_at ORDER BY due_at",
            (to_db_time(until),),
        )
        return [(from_db_time(row[0]), int(row[1])) for row in rows]

    async def needing_dm_channels(
        self, now: datetime, until: datetime, limit: int
    ) -> tuple[list[tuple[int, datetime]], datetime | None]:
        """Return who needs a DM channel for a DM due after ``now``, by ``until``, and when next.

        The users (earliest due first, at most ``limit``) have no stored DM channel and
        no closed DMs; the instant is the earliest due time after ``until`` of such a row.
        Rows already due, or waiting for a retry, open their channel themselves.
        """
        needing = (
            " FROM outbox o LEFT JOIN recipients r ON r.user_id = o.target_user_id"
            " WHERE o.status = 'pending' AND o.route = 'direct' AND o.attempts = 0"
            " AND o.target_user_id IS NOT NULL AND o.target_channel_id IS NULL"
            " AND r.dm_channel_id IS NULL AND r.dms_closed_at IS NULL"
        )
        rows = await self._db.fetchall(
            "SELECT o.target_user_id, MIN(o.due_at) AS first_due"
            + needing
            + " AND o.due_at > ? AND o.due_at <= ?"
            " GROUP BY o.target_user_id ORDER BY first_due, o.target_user_id LIMIT ?",
            (to_db_time(now), to_db_time(until), limit),
        )
        later = await self._db.fetchone(
            "SELECT MIN(o.due_at)" + needing + " AND o.due_at > ?",
            (to_db_time(until),),
        )
        return (
            [(int(row[0]), from_db_time(row[1])) for row in rows],
            from_db_time_or_none(later[0] if later is not None else None),
        )

    async def count_pending(self, now: datetime, *, route: OutboxRoute = "direct") -> int:
        """Return how many pending rows of ``route`` are due by ``now``."""
        row = await self._db.fetchone(
            "SELECT COUNT(*) FROM outbox WHERE status = 'pending' AND due_at <= ? AND route = ?",
            (to_db_time(now), route),
        )
        return int(row[0]) if row is not None else 0

    async def pending(self) -> list[OutboxItem]:
        """Return every pending row, earliest due first (for tests and tools, not the engine)."""
        rows = await self._db.fetchall(
            f"SELECT {OUTBOX_COLUMNS} FROM outbox"  # noqa: S608
            " WHERE status = 'pending' ORDER BY due_at, id"
        )
        return [outbox_item(row) for row in rows]

    async def pending_keys_in_scope(self, kind: str, scope: str) -> list[str]:
        """Return the keys of the pending rows a planner wrote for ``scope``."""
        rows = await self._db.fetchall(
            "SELECT key FROM outbox WHERE kind = ? AND scope = ? AND status = 'pending'",
            (kind, scope),
        )
        return [row["key"] for row in rows]

    async def pending_by_kind(self, until: datetime) -> list[PendingKind]:
        """Return, per kind, the pending rows due by ``until``: count, recipients, first due."""
        rows = await self._db.fetchall(
            "SELECT kind, COUNT(*) AS n, COUNT(DISTINCT target_user_id) AS users,"
            " MIN(due_at) AS first_due, MIN(id) AS sample_id FROM outbox"
            " WHERE status = 'pending' AND due_at <= ? GROUP BY kind ORDER BY kind",
            (to_db_time(until),),
        )
        return [
            PendingKind(
                kind=row["kind"],
                count=row["n"],
                recipients=row["users"],
                first_due=from_db_time(row["first_due"]),
                sample_id=row["sample_id"],
            )
            for row in rows
        ]

    async def counts(self) -> dict[str, dict[str, int]]:
        """Return ``{kind: {status: count, "late": n}}`` over the whole table."""
        rows = await self._db.fetchall(
            "SELECT kind, status, late, COUNT(*) AS n FROM outbox GROUP BY kind, status, late"
        )
        counts: dict[str, dict[str, int]] = {}
        for row in rows:
            per_kind = counts.setdefault(row["kind"], dict.fromkeys((*STATUSES, "late"), 0))
            per_kind[row["status"]] += row["n"]
            if row["late"] and row["status"] == "sent":
                per_kind["late"] += row["n"]
        return counts
