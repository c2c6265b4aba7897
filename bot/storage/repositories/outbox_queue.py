"""The outbox's planning writes: rows enqueued (or moved), pending rows cancelled.

Only the delivery engine calls these (features go through it, and it re-arms its
wake-up after each). The unique key stops duplicates at enqueue time.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from bot.storage._codec import to_db_time, to_json
from bot.storage.repositories._base import Repository
from bot.storage.repositories.outbox_rows import NewOutboxRow

ENQUEUE_CHUNK = 500
_INSERT = (
    "INSERT INTO outbox (key, kind, session_id, scope, due_at, deadline_at, status, attempts,"
    " payload, target_user_id, target_channel_id, fallback_channel_id, created_at, updated_at)"
    " VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?, ?, ?)"
)
# Upsert of a planner's desired row: a pending row moves, only if it changed; a cancelled
# one is wanted again (an attendee who stopped a reminder and asks for it once more).
# Where it goes changes too (a new delivery preference: a DM becomes a room mention); the
# route starts direct again (a recipient whose DMs are known closed falls back at once).
# A retry's due time is not a move: the row is compared by the time it was planned for.
_MOVE_PENDING = (
    " ON CONFLICT (key) DO UPDATE SET due_at = excluded.due_at, planned_due_at = NULL,"
    " deadline_at = excluded.deadline_at, payload = excluded.payload,"
    " target_user_id = excluded.target_user_id,"
    " target_channel_id = excluded.target_channel_id,"
    " fallback_channel_id = excluded.fallback_channel_id, route = 'direct',"
    " status = 'pending', attempts = 0, last_error = NULL,"
    " updated_at = excluded.updated_at"
    " WHERE outbox.status = 'cancelled' OR (outbox.status = 'pending'"
    " AND (COALESCE(outbox.planned_due_at, outbox.due_at) != excluded.due_at"
    " OR outbox.deadline_at != excluded.deadline_at"
    " OR outbox.payload != excluded.payload"
    " OR outbox.target_channel_id IS DISTINCT FROM excluded.target_channel_id"
    " OR outbox.fallback_channel_id IS DISTINCT FROM excluded.fallback_channel_id))"
)


class OutboxQueue(Repository):
    """Enqueue and cancel ``outbox`` rows (a part of :class:`OutboxRepository`)."""

    async def enqueue(
        self,
        key: str,
        kind: str,
        due_at: datetime,
        payload: dict[str, Any],
        target_user_id: int | None = None,
        target_channel_id: int | None = None,
        *,
        deadline_at: datetime | None = None,
        fallback_channel_id: int | None = None,
        session_id: str | None = None,
        scope: str | None = None,
    ) -> bool:
        """Add a message to send at ``due_at``; return ``False`` if ``key`` is already queued.

        The key (e.g. ``"reminder:<session>:<user>:<lead>"``) is unique across all
        statuses, so the same message is never queued twice, even after it was sent.
        ``deadline_at`` (default: ``due_at``) is when it stops being worth sending.

        :raises ValueError: a time is naive.
        :raises TypeError: ``payload`` is not JSON-serialisable.
        """
        row = NewOutboxRow(
            key,
            kind,
            due_at,
            deadline_at or due_at,
            payload,
            target_user_id,
            target_channel_id,
            fallback_channel_id,
            session_id,
            scope,
        )
        return await self.enqueue_many([row]) == 1

    async def enqueue_many(
        self, rows: Sequence[NewOutboxRow], *, move_pending: bool = False
    ) -> int:
        """Add rows, 500 per transaction (existing keys are kept); return how many were new.

        With ``move_pending``, a row whose key is still pending takes the new due time,
        deadline and payload (its session moved), and counts as changed too.

        :raises ValueError: a time is naive.
        :raises TypeError: a payload is not JSON-serialisable.
        """
        now = self._now()
        params = [
            (
                row.key,
                row.kind,
                row.session_id,
                row.scope,
                to_db_time(row.due_at),
                to_db_time(max(row.deadline_at, row.due_at)),
                to_json(row.payload),
                row.target_user_id,
                row.target_channel_id,
                row.fallback_channel_id,
                now,
                now,
            )
            for row in rows
        ]
        # Both endings are constants of this module: no input reaches the statement text.
        statement = _INSERT + (_MOVE_PENDING if move_pending else " ON CONFLICT (key) DO NOTHING")
        added = 0
        # A transaction per chunk: other tasks (an interaction) get the lock in between.
        for start in range(0, len(params), ENQUEUE_CHUNK):
            async with self._db.transaction():
                added += await self._db.executemany(
                    statement, params[start : start + ENQUEUE_CHUNK]
                )
        return added

    async def cancel(self, key: str) -> bool:
        """Cancel a pending row; return ``False`` if it is not pending (or does not exist)."""
        result = await self._db.execute(
            "UPDATE outbox SET status = 'cancelled', updated_at = ?"
            " WHERE key = ? AND status = 'pending'",
            (self._now(), key),
        )
        return result.rowcount == 1

    async def cancel_scope(self, kind: str, scope: str, keep: Iterable[str] = ()) -> int:
        """Cancel the pending rows of ``scope`` whose keys are not in ``keep``; return how many."""
        result = await self._db.execute(
            "UPDATE outbox SET status = 'cancelled', updated_at = ?"
            " WHERE kind = ? AND scope = ? AND status = 'pending'"
            " AND key NOT IN (SELECT value FROM json_each(?))",
            (self._now(), kind, scope, json.dumps(sorted(set(keep)))),
        )
        return result.rowcount

    async def cancel_sessions(self, kind: str, session_ids: Iterable[str]) -> int:
        """Cancel the pending ``kind`` rows of these sessions; return how many."""
        result = await self._db.execute(
            "UPDATE outbox SET status = 'cancelled', updated_at = ?"
            " WHERE kind = ? AND status = 'pending'"
            " AND session_id IN (SELECT value FROM json_each(?))",
            (self._now(), kind, json.dumps(sorted(set(session_ids)))),
        )
        return result.rowcount
