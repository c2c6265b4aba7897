"""The outbox: every message the bot will send, with exactly-once bookkeeping.

Life of a row: ``enqueue`` (pending) -> ``claim_due`` (sending) -> ``mark_sent`` (sent),
``mark_failed`` (back to pending at ``retry_at``, or failed), ``mark_skipped`` (past its
deadline or obsolete) or ``to_fallback`` (DMs closed: pending again, routed to a channel).
``cancel`` stops a pending row. ``attempts`` counts finished attempts only: at startup
``recover_sending`` returns rows a killed process left in ``sending`` to ``pending``
without counting one, flagged ``verify`` (the message may have reached Discord).
The unique key stops duplicates at enqueue time, the nonce at send time.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, cast

from bot.storage._codec import (
    from_db_time,
    from_db_time_or_none,
    from_json,
    to_db_time,
    to_json,
)
from bot.storage.repositories._base import Repository

OutboxStatus = Literal["pending", "sending", "sent", "failed", "skipped", "cancelled"]
OutboxRoute = Literal["direct", "fallback"]
ENQUEUE_CHUNK = 500
STATUSES: tuple[OutboxStatus, ...] = (
    "pending",
    "sending",
    "sent",
    "failed",
    "skipped",
    "cancelled",
)


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """One outbox row. ``payload`` is the JSON object given at enqueue time."""

    id: int
    key: str
    kind: str
    due_at: datetime
    status: OutboxStatus
    attempts: int
    last_error: str | None
    payload: dict[str, Any]
    target_user_id: int | None
    target_channel_id: int | None
    discord_message_id: int | None
    created_at: datetime
    updated_at: datetime
    deadline_at: datetime
    session_id: str | None = None
    scope: str | None = None
    route: OutboxRoute = "direct"
    fallback_channel_id: int | None = None
    verify: bool = False
    late: bool = False
    claimed_at: datetime | None = None
    sent_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class NewOutboxRow:
    """A row to enqueue: see :meth:`OutboxRepository.enqueue` for the fields."""

    key: str
    kind: str
    due_at: datetime
    deadline_at: datetime
    payload: dict[str, Any] = field(default_factory=dict)
    target_user_id: int | None = None
    target_channel_id: int | None = None
    fallback_channel_id: int | None = None
    session_id: str | None = None
    scope: str | None = None


@dataclass(frozen=True, slots=True)
class PendingKind:
    """Pending rows of one kind due soon: how many, to how many users, the first, a sample."""

    kind: str
    count: int
    recipients: int
    first_due: datetime
    sample_id: int


_COLUMNS = (
    "id, key, kind, due_at, status, attempts, last_error, payload, target_user_id,"
    " target_channel_id, discord_message_id, created_at, updated_at, deadline_at, session_id,"
    " scope, route, fallback_channel_id, verify, late, claimed_at, sent_at"
)


def _item(row: sqlite3.Row) -> OutboxItem:
    return OutboxItem(
        id=row["id"],
        key=row["key"],
        kind=row["kind"],
        due_at=from_db_time(row["due_at"]),
        status=cast(OutboxStatus, row["status"]),
        attempts=row["attempts"],
        last_error=row["last_error"],
        payload=from_json(row["payload"]),
        target_user_id=row["target_user_id"],
        target_channel_id=row["target_channel_id"],
        discord_message_id=row["discord_message_id"],
        created_at=from_db_time(row["created_at"]),
        updated_at=from_db_time(row["updated_at"]),
        deadline_at=from_db_time(row["deadline_at"]),
        session_id=row["session_id"],
        scope=row["scope"],
        route=cast(OutboxRoute, row["route"]),
        fallback_channel_id=row["fallback_channel_id"],
        verify=bool(row["verify"]),
        late=bool(row["late"]),
        claimed_at=from_db_time_or_none(row["claimed_at"]),
        sent_at=from_db_time_or_none(row["sent_at"]),
    )


_INSERT = (
    "INSERT INTO outbox (key, kind, session_id, scope, due_at, deadline_at, status, attempts,"
    " payload, target_user_id, target_channel_id, fallback_channel_id, created_at, updated_at)"
    " VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?, ?, ?)"
)
# Upsert of a planner's desired row: a pending row moves, only if it changed; a cancelled
# one is wanted again (an attendee who stopped a reminder and asks for it once more).
_MOVE_PENDING = (
    " ON CONFLICT (key) DO UPDATE SET due_at = excluded.due_at,"
    " deadline_at = excluded.deadline_at, payload = excluded.payload,"
    " status = 'pending', attempts = 0, last_error = NULL,"
    " updated_at = excluded.updated_at"
    " WHERE outbox.status = 'cancelled' OR (outbox.status = 'pending'"
    " AND (outbox.due_at != excluded.due_at OR outbox.deadline_at != excluded.deadline_at"
    " OR outbox.payload != excluded.payload))"
)


def _ids(ids: Iterable[int]) -> str:
    return json.dumps(sorted(set(ids)))


class OutboxRepository(Repository):
    """The ``outbox`` table."""

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

    async def get(self, key: str) -> OutboxItem | None:
        """Return the row with this key, whatever its status, or ``None``."""
        row = await self._db.fetchone(
            f"SELECT {_COLUMNS} FROM outbox WHERE key = ?",  # noqa: S608
            (key,),
        )
        return None if row is None else _item(row)

    async def get_by_id(self, item_id: int) -> OutboxItem | None:
        """Return the row with this id, or ``None``."""
        row = await self._db.fetchone(
            f"SELECT {_COLUMNS} FROM outbox WHERE id = ?",  # noqa: S608
            (item_id,),
        )
        return None if row is None else _item(row)

    async def due(self, now: datetime, limit: int = 50) -> list[OutboxItem]:
        """Return up to ``limit`` pending rows with ``due_at <= now``, earliest first.

        :raises ValueError: ``now`` is naive.
        """
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM outbox"  # noqa: S608
            " WHERE status = 'pending' AND due_at <= ? ORDER BY due_at, id LIMIT ?",
            (to_db_time(now), limit),
        )
        return [_item(row) for row in rows]

    async def next_due_at(self) -> datetime | None:
        """Return when the earliest pending row is due, or ``None`` if nothing is pending."""
        row = await self._db.fetchone("SELECT MIN(due_at) FROM outbox WHERE status = 'pending'")
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
            f"SELECT {_COLUMNS} FROM outbox"  # noqa: S608
            " WHERE status = 'pending' ORDER BY due_at, id"
        )
        return [_item(row) for row in rows]

    async def pending_keys_in_scope(self, kind: str, scope: str) -> list[str]:
        """Return the keys of the pending rows a planner wrote for ``scope``."""
        rows = await self._db.fetchall(
            "SELECT key FROM outbox WHERE kind = ? AND scope = ? AND status = 'pending'",
            (kind, scope),
        )
        return [row["key"] for row in rows]

    async def claim(self, item_id: int, now: datetime | None = None) -> bool:
        """Move one pending row to ``sending`` (no attempt is counted until it ends).

        Returns ``False`` if the row is not pending (another worker claimed it, it
        was cancelled, or it is gone): only the caller that gets ``True`` may send.
        """
        stamp = self._now() if now is None else to_db_time(now)
        result = await self._db.execute(
            "UPDATE outbox SET status = 'sending', claimed_at = ?, updated_at = ?"
            " WHERE id = ? AND status = 'pending'",
            (stamp, self._now(), item_id),
        )
        return result.rowcount == 1

    async def claim_due(
        self, now: datetime, until: datetime, limit: int, *, route: OutboxRoute = "direct"
    ) -> list[OutboxItem]:
        """Claim up to ``limit`` pending rows due by ``until`` (earliest first); return them.

        ``until`` may be later than ``now`` (a fan-out's head start); a row waiting for a
        retry is claimed only once its retry time (``due_at``) has come. One statement, so
        two processes never claim the same row.

        :raises ValueError: a time is naive.
        """
        # A row flagged verify keeps the start of the attempt that may have landed.
        rows = await self._db.fetchall(
            "UPDATE outbox SET status = 'sending', updated_at = ?,"  # noqa: S608
            " claimed_at = CASE WHEN verify = 1 AND claimed_at IS NOT NULL THEN claimed_at"
            " ELSE ? END"
            " WHERE id IN (SELECT id FROM outbox WHERE status = 'pending' AND due_at <= ?"
            # A retry (attempts > 0) waits for its backoff even inside a fan-out's head start.
            " AND (attempts = 0 OR due_at <= ?)"
            " AND route = ? ORDER BY due_at, id LIMIT ?)"
            f" RETURNING {_COLUMNS}",
            (self._now(), to_db_time(now), to_db_time(until), to_db_time(now), route, limit),
        )
        return sorted((_item(row) for row in rows), key=lambda item: (item.due_at, item.id))

    async def mark_sent(
        self, item_id: int, discord_message_id: int | None, *, late: bool = False
    ) -> bool:
        """Record a successful send; return ``False`` if the row was not ``sending``."""
        now = self._now()
        result = await self._db.execute(
            "UPDATE outbox SET status = 'sent', discord_message_id = ?, last_error = NULL,"
            " attempts = attempts + 1, verify = 0, late = ?, sent_at = ?, updated_at = ?"
            " WHERE id = ? AND status = 'sending'",
            (discord_message_id, int(late), now, now, item_id),
        )
        return result.rowcount == 1

    async def mark_failed(
        self,
        item_id: int,
        error: str,
        retry_at: datetime | None = None,
        *,
        verify: bool = False,
    ) -> bool:
        """Record a failed attempt: back to ``pending`` due at ``retry_at``, or ``failed``.

        ``verify`` says Discord may have created the message anyway (a dropped
        connection, a timeout, a 5xx). Returns ``False`` if the row was not ``sending``.

        :raises ValueError: ``retry_at`` is naive.
        """
        now = self._now()
        if retry_at is None:
            result = await self._db.execute(
                "UPDATE outbox SET status = 'failed', last_error = ?, attempts = attempts + 1,"
                " verify = ?, updated_at = ? WHERE id = ? AND status = 'sending'",
                (error[:500], int(verify), now, item_id),
            )
        else:
            result = await self._db.execute(
                "UPDATE outbox SET status = 'pending', last_error = ?, due_at = ?,"
                " attempts = attempts + 1, verify = ?, updated_at = ?"
                " WHERE id = ? AND status = 'sending'",
                (error[:500], to_db_time(retry_at), int(verify), now, item_id),
            )
        return result.rowcount == 1

    async def mark_skipped(self, item_id: int, reason: str) -> bool:
        """Mark a claimed row skipped (obsolete, or past its deadline); it is never sent."""
        result = await self._db.execute(
            "UPDATE outbox SET status = 'skipped', last_error = ?, updated_at = ?"
            " WHERE id = ? AND status = 'sending'",
            (reason[:500], self._now(), item_id),
        )
        return result.rowcount == 1

    async def release(self, item_ids: Iterable[int]) -> int:
        """Return claimed rows that were never attempted to ``pending`` (a graceful stop)."""
        result = await self._db.execute(
            "UPDATE outbox SET status = 'pending', updated_at = ?"
            " WHERE status = 'sending' AND id IN (SELECT value FROM json_each(?))",
            (self._now(), _ids(item_ids)),
        )
        return result.rowcount

    async def to_fallback(self, item_id: int, channel_id: int, now: datetime) -> bool:
        """Route a claimed DM row to ``channel_id`` (its recipient's DMs are closed), due now."""
        result = await self._db.execute(
            "UPDATE outbox SET status = 'pending', route = 'fallback', fallback_channel_id = ?,"
            " due_at = MIN(due_at, ?), updated_at = ? WHERE id = ? AND status = 'sending'",
            (channel_id, to_db_time(now), self._now(), item_id),
        )
        return result.rowcount == 1

    async def mark_sent_many(
        self, item_ids: Sequence[int], discord_message_id: int, *, late: bool
    ) -> int:
        """Record one message (a fallback mention) as the delivery of several rows."""
        now = self._now()
        result = await self._db.execute(
            "UPDATE outbox SET status = 'sent', discord_message_id = ?, last_error = NULL,"
            " attempts = attempts + 1, verify = 0, late = ?, sent_at = ?, updated_at = ?"
            " WHERE status = 'sending' AND id IN (SELECT value FROM json_each(?))",
            (discord_message_id, int(late), now, now, _ids(item_ids)),
        )
        return result.rowcount

    async def skip_expired(self, now: datetime) -> dict[str, int]:
        """Mark pending rows whose deadline passed as skipped; return how many per kind."""
        rows = await self._db.fetchall(
            "UPDATE outbox SET status = 'skipped', last_error = 'deadline passed',"
            " updated_at = ? WHERE status = 'pending' AND due_at <= ? AND deadline_at < ?"
            " RETURNING kind",
            (self._now(), to_db_time(now), to_db_time(now)),
        )
        counts: dict[str, int] = {}
        for row in rows:
            counts[row["kind"]] = counts.get(row["kind"], 0) + 1
        return counts

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

    async def recover_sending(self) -> int:
        """Return rows a stopped process left ``sending`` to ``pending``; return the count.

        Call once at startup. No attempt is counted (a crash is not an attempt); the
        rows are flagged ``verify``: the message may have reached Discord.
        """
        result = await self._db.execute(
            "UPDATE outbox SET status = 'pending', verify = 1, updated_at = ?"
            " WHERE status = 'sending'",
            (self._now(),),
        )
        return result.rowcount

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
