"""Which users want a reminder for which sessions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.storage._codec import from_db_time
from bot.storage._executor import Row
from bot.storage.repositories._base import Repository


@dataclass(frozen=True, slots=True)
class Subscription:
    """A user's subscription; ``lead_minutes`` ``None`` means "the user's default lead"."""

    user_id: int
    session_id: str
    lead_minutes: int | None
    created_at: datetime


_COLUMNS = "user_id, session_id, lead_minutes, created_at"


def _subscription(row: Row) -> Subscription:
    return Subscription(
        user_id=row["user_id"],
        session_id=row["session_id"],
        lead_minutes=row["lead_minutes"],
        created_at=from_db_time(row["created_at"]),
    )


class SubscriptionRepository(Repository):
    """The ``subscriptions`` table."""

    async def subscribe(
        self, user_id: int, session_id: str, lead_minutes: int | None = None
    ) -> bool:
        """Subscribe the user; return ``False`` (and change nothing) if already subscribed.

        :raises ValueError: ``lead_minutes`` is negative.
        """
        if lead_minutes is not None and lead_minutes < 0:
            raise ValueError(f"lead must be >= 0 minutes, got {lead_minutes}")
        result = await self._db.execute(
            "INSERT INTO subscriptions (user_id, session_id, lead_minutes, created_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (user_id, session_id) DO NOTHING",
            (user_id, session_id, lead_minutes, self._now()),
        )
        return result.rowcount == 1

    async def set_lead(self, user_id: int, session_id: str, lead_minutes: int | None) -> bool:
        """Change an existing subscription's lead; return ``False`` if there is none.

        :raises ValueError: ``lead_minutes`` is negative.
        """
        if lead_minutes is not None and lead_minutes < 0:
            raise ValueError(f"lead must be >= 0 minutes, got {lead_minutes}")
        result = await self._db.execute(
            "UPDATE subscriptions SET lead_minutes = ? WHERE user_id = ? AND session_id = ?",
            (lead_minutes, user_id, session_id),
        )
        return result.rowcount == 1

    async def unsubscribe(self, user_id: int, session_id: str) -> bool:
        """Remove the subscription; return ``False`` if there was none."""
        result = await self._db.execute(
            "DELETE FROM subscriptions WHERE user_id = ? AND session_id = ?",
            (user_id, session_id),
        )
        return result.rowcount == 1

    async def get(self, user_id: int, session_id: str) -> Subscription | None:
        """Return one subscription, or ``None``."""
        row = await self._db.fetchone(
            f"SELECT {_COLUMNS} FROM subscriptions WHERE user_id = ? AND session_id = ?",  # noqa: S608
            (user_id, session_id),
        )
        return None if row is None else _subscription(row)

    async def for_user(self, user_id: int) -> list[Subscription]:
        """Return the user's subscriptions, oldest first."""
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM subscriptions WHERE user_id = ?"  # noqa: S608
            " ORDER BY created_at, session_id",
            (user_id,),
        )
        return [_subscription(row) for row in rows]

    async def for_session(self, session_id: str) -> list[Subscription]:
        """Return the session's subscriptions, oldest first."""
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM subscriptions WHERE session_id = ?"  # noqa: S608
            " ORDER BY created_at, user_id",
            (session_id,),
        )
        return [_subscription(row) for row in rows]

    async def count(self, session_id: str | None = None) -> int:
        """Return how many users subscribed to ``session_id`` (all subscriptions if ``None``)."""
        if session_id is None:
            row = await self._db.fetchone("SELECT COUNT(*) FROM subscriptions")
        else:
            row = await self._db.fetchone(
                "SELECT COUNT(*) FROM subscriptions WHERE session_id = ?", (session_id,)
            )
        return int(row[0]) if row is not None else 0

    async def counts_by_session(self) -> dict[str, int]:
        """Return ``{session_id: subscriber count}`` for every session with subscribers."""
        rows = await self._db.fetchall(
            "SELECT session_id, COUNT(*) AS n FROM subscriptions GROUP BY session_id"
        )
        return {row["session_id"]: row["n"] for row in rows}
