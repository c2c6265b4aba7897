"""The outbox's send bookkeeping: rows claimed, their outcomes, recovery after a stop.

A row goes ``pending`` -> ``sending`` (claimed) -> ``sent``, back to ``pending`` (a
retry, the fallback route, a graceful stop), ``failed`` or ``skipped``. ``attempts``
counts finished attempts only.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime

from bot.storage._codec import to_db_time
from bot.storage.repositories._base import Repository
from bot.storage.repositories.outbox_rows import (
    OUTBOX_COLUMNS,
    OutboxItem,
    OutboxRoute,
    outbox_item,
)


def _ids(ids: Iterable[int]) -> str:
    return json.dumps(sorted(set(ids)))


class OutboxClaims(Repository):
    """Claim ``outbox`` rows and record their outcomes (a part of :class:`OutboxRepository`)."""

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
            # status is tested again outside: on PostgreSQL a row another process claimed
            # after this subquery chose it is skipped when its lock is released.
            " WHERE status = 'pending' AND id IN (SELECT id FROM outbox"
            " WHERE status = 'pending' AND due_at <= ?"
            # A retry (attempts > 0) waits for its backoff even inside a fan-out's head start.
            " AND (attempts = 0 OR due_at <= ?)"
            " AND route = ? ORDER BY due_at, id LIMIT ?)"
            f" RETURNING {OUTBOX_COLUMNS}",
            (self._now(), to_db_time(now), to_db_time(until), to_db_time(now), route, limit),
        )
        return sorted((outbox_item(row) for row in rows), key=lambda item: (item.due_at, item.id))

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

        A retry keeps the time the row was planned for in ``planned_due_at``.

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
                " planned_due_at = COALESCE(planned_due_at, due_at),"
                " attempts = attempts + 1, verify = ?, updated_at = ?"
                " WHERE id = ? AND status = 'sending'",
                (error[:500], to_db_time(retry_at), int(verify), now, item_id),
            )
        return result.rowcount == 1

    async def hold(self, item_id: int, error: str) -> bool:
        """Return a claimed row to ``pending`` after a refusal, keeping its due time.

        For a long rate limit the engine waits out by not claiming: the row keeps its
        due time (so it is worded and recorded late if it is), and the attempt counts.
        """
        result = await self._db.execute(
            "UPDATE outbox SET status = 'pending', last_error = ?, attempts = attempts + 1,"
            " updated_at = ? WHERE id = ? AND status = 'sending'",
            (error[:500], self._now(), item_id),
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

    async def release(self, item_ids: Iterable[int], *, verify: bool = False) -> int:
        """Return claimed rows that were never attempted to ``pending`` (a graceful stop).

        ``verify`` flags them to be checked before they are sent (their attempt may have
        got further than this process could record).
        """
        result = await self._db.execute(
            "UPDATE outbox SET status = 'pending', updated_at = ?,"
            " verify = CASE WHEN ? = 1 THEN 1 ELSE verify END"
            " WHERE status = 'sending' AND id IN (SELECT CAST(value AS BIGINT) FROM json_each(?))",
            (self._now(), int(verify), _ids(item_ids)),
        )
        return result.rowcount

    async def to_fallback(self, item_id: int, channel_id: int, now: datetime) -> bool:
        """Route a claimed DM row to ``channel_id`` (its recipient's DMs are closed), due now."""
        result = await self._db.execute(
            "UPDATE outbox SET status = 'pending', route = 'fallback', fallback_channel_id = ?,"
            " planned_due_at = COALESCE(planned_due_at, due_at),"
            " due_at = CASE WHEN due_at < ? THEN due_at ELSE ? END, updated_at = ?"
            " WHERE id = ? AND status = 'sending'",
            (channel_id, to_db_time(now), to_db_time(now), self._now(), item_id),
        )
        return result.rowcount == 1

    async def mention_instead(
        self, cutoffs: Sequence[tuple[int, datetime]], default_channel_id: int | None
    ) -> int:
        """Route pending DMs to a channel mention: each user's rows due before their cutoff.

        For recipients whose DM channel cannot be open by then; a row goes to its own
        fallback channel, else ``default_channel_id`` (none: it stays a DM). Returns how many.
        """
        if not cutoffs:
            return 0
        now = self._now()
        async with self._db.transaction():
            return await self._db.executemany(
                "UPDATE outbox SET route = 'fallback',"
                " fallback_channel_id = COALESCE(fallback_channel_id, ?), updated_at = ?"
                " WHERE status = 'pending' AND route = 'direct' AND attempts = 0"
                " AND target_user_id = ? AND target_channel_id IS NULL AND due_at < ?"
                " AND COALESCE(fallback_channel_id, ?) IS NOT NULL",
                [
                    (default_channel_id, now, user_id, to_db_time(cutoff), default_channel_id)
                    for user_id, cutoff in cutoffs
                ],
            )

    async def mark_sent_many(
        self, item_ids: Sequence[int], discord_message_id: int, *, late: bool
    ) -> int:
        """Record one message (a fallback mention) as the delivery of several rows."""
        now = self._now()
        result = await self._db.execute(
            "UPDATE outbox SET status = 'sent', discord_message_id = ?, last_error = NULL,"
            " attempts = attempts + 1, verify = 0, late = ?, sent_at = ?, updated_at = ?"
            " WHERE status = 'sending' AND id IN (SELECT CAST(value AS BIGINT) FROM json_each(?))",
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
