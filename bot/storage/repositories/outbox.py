"""The outbox: every message the bot will send, with exactly-once bookkeeping.

Life of a row: ``enqueue`` (pending) -> ``claim`` (sending, attempts + 1) ->
``mark_sent`` (sent) or ``mark_failed`` (back to pending at ``retry_at``, or failed).
``cancel`` stops a pending row. At startup ``reset_stale_sending`` returns rows a
crashed process left in ``sending`` to ``pending`` (at-least-once after a crash,
exactly-once otherwise; the unique key stops duplicates at enqueue time).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
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

OutboxStatus = Literal["pending", "sending", "sent", "failed", "cancelled"]


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """One outbox row. ``payload`` is the JSON object given to :meth:`OutboxRepository.enqueue`."""

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


_COLUMNS = (
    "id, key, kind, due_at, status, attempts, last_error, payload, target_user_id,"
    " target_channel_id, discord_message_id, created_at, updated_at"
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
    )


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
    ) -> bool:
        """Add a message to send at ``due_at``; return ``False`` if ``key`` is already queued.

        The key (e.g. ``"reminder:<session>:<user>:<lead>"``) is unique across all
        statuses, so the same message is never queued twice, even after it was sent. A
        *cancelled* row with the key comes back as pending with the new time and payload
        (an attendee who stops and then restarts a reminder gets it again).

        :raises ValueError: ``due_at`` is naive.
        :raises TypeError: ``payload`` is not JSON-serialisable.
        """
        now = self._now()
        result = await self._db.execute(
            "INSERT INTO outbox (key, kind, due_at, status, attempts, payload, target_user_id,"
            " target_channel_id, created_at, updated_at)"
            " VALUES (?, ?, ?, 'pending', 0, ?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET"
            " status = 'pending', due_at = excluded.due_at, payload = excluded.payload,"
            " attempts = 0, last_error = NULL, updated_at = excluded.updated_at"
            " WHERE outbox.status = 'cancelled'",
            (
                key,
                kind,
                to_db_time(due_at),
                to_json(payload),
                target_user_id,
                target_channel_id,
                now,
                now,
            ),
        )
        return result.rowcount == 1

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

    async def pending(self) -> list[OutboxItem]:
        """Return every pending row, earliest due first."""
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM outbox"  # noqa: S608
            " WHERE status = 'pending' ORDER BY due_at, id"
        )
        return [_item(row) for row in rows]

    async def claim(self, item_id: int) -> bool:
        """Move a pending row to ``sending`` and count the attempt.

        Returns ``False`` if the row is not pending (another worker claimed it, it
        was cancelled, or it is gone): only the caller that gets ``True`` may send.
        """
        result = await self._db.execute(
            "UPDATE outbox SET status = 'sending', attempts = attempts + 1, updated_at = ?"
            " WHERE id = ? AND status = 'pending'",
            (self._now(), item_id),
        )
        return result.rowcount == 1

    async def mark_sent(self, item_id: int, discord_message_id: int | None) -> bool:
        """Record a successful send; return ``False`` if the row was not ``sending``."""
        result = await self._db.execute(
            "UPDATE outbox SET status = 'sent', discord_message_id = ?, last_error = NULL,"
            " updated_at = ? WHERE id = ? AND status = 'sending'",
            (discord_message_id, self._now(), item_id),
        )
        return result.rowcount == 1

    async def mark_failed(self, item_id: int, error: str, retry_at: datetime | None = None) -> bool:
        """Record a failed send: back to ``pending`` due at ``retry_at``, or ``failed`` for good.

        Returns ``False`` if the row was not ``sending``.

        :raises ValueError: ``retry_at`` is naive.
        """
        now = self._now()
        if retry_at is None:
            result = await self._db.execute(
                "UPDATE outbox SET status = 'failed', last_error = ?, updated_at = ?"
                " WHERE id = ? AND status = 'sending'",
                (error, now, item_id),
            )
        else:
            result = await self._db.execute(
                "UPDATE outbox SET status = 'pending', last_error = ?, due_at = ?,"
                " updated_at = ? WHERE id = ? AND status = 'sending'",
                (error, to_db_time(retry_at), now, item_id),
            )
        return result.rowcount == 1

    async def cancel(self, key: str) -> bool:
        """Cancel a pending row; return ``False`` if it is not pending (or does not exist)."""
        result = await self._db.execute(
            "UPDATE outbox SET status = 'cancelled', updated_at = ?"
            " WHERE key = ? AND status = 'pending'",
            (self._now(), key),
        )
        return result.rowcount == 1

    async def reset_stale_sending(self) -> int:
        """Return rows stuck in ``sending`` to ``pending``; call once at startup. Returns the count.

        A row is only ``sending`` while a worker holds it, so at startup any such row
        belongs to a process that crashed mid-send.
        """
        result = await self._db.execute(
            "UPDATE outbox SET status = 'pending', updated_at = ? WHERE status = 'sending'",
            (self._now(),),
        )
        return result.rowcount

    async def pending_with_prefix(self, prefix: str) -> list[OutboxItem]:
        """Return the pending rows whose key starts with ``prefix``, earliest due first.

        A range over the unique key index, so it reads only those rows (one session's
        reminders, one user's digests) however large the outbox grows.
        """
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM outbox"  # noqa: S608
            " WHERE key >= ? AND key < ? AND status = 'pending' ORDER BY due_at, id",
            (prefix, prefix + "\U0010ffff"),
        )
        return [_item(row) for row in rows]

    async def reschedule(self, key: str, due_at: datetime, payload: dict[str, Any]) -> bool:
        """Move a pending row to ``due_at`` with ``payload``; ``False`` if it is not pending.

        :raises ValueError: ``due_at`` is naive.
        """
        result = await self._db.execute(
            "UPDATE outbox SET due_at = ?, payload = ?, updated_at = ?"
            " WHERE key = ? AND status = 'pending'",
            (to_db_time(due_at), to_json(payload), self._now(), key),
        )
        return result.rowcount == 1
