"""How the bot reaches each user by DM: the stored DM channel and closed DMs."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from bot.storage._codec import from_db_time_or_none, to_db_time
from bot.storage.repositories._base import Repository


@dataclass(frozen=True, slots=True)
class Recipient:
    """``dm_channel_id`` once Discord opened the DM; ``dms_closed_at`` once it refused one."""

    user_id: int
    dm_channel_id: int | None = None
    dms_closed_at: datetime | None = None
    told_at: datetime | None = None

    @property
    def dm_able(self) -> bool:
        """Return whether a DM is worth a request (Discord has not refused one)."""
        return self.dms_closed_at is None


class RecipientRepository(Repository):
    """The ``recipients`` table."""

    async def get_many(self, user_ids: Iterable[int]) -> dict[int, Recipient]:
        """Return what is known about each of ``user_ids`` (unknown users are left out)."""
        ids = sorted(set(user_ids))
        if not ids:
            return {}
        rows = await self._db.fetchall(
            "SELECT user_id, dm_channel_id, dms_closed_at, told_at FROM recipients"
            " WHERE user_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?))",
            (json.dumps(ids),),
        )
        return {
            row["user_id"]: Recipient(
                user_id=row["user_id"],
                dm_channel_id=row["dm_channel_id"],
                dms_closed_at=from_db_time_or_none(row["dms_closed_at"]),
                told_at=from_db_time_or_none(row["told_at"]),
            )
            for row in rows
        }

    async def get(self, user_id: int) -> Recipient | None:
        """Return what is known about ``user_id``, or ``None``."""
        return (await self.get_many([user_id])).get(user_id)

    async def set_dm_channel(self, user_id: int, channel_id: int) -> None:
        """Remember the DM channel Discord opened with ``user_id``."""
        now = self._now()
        await self._db.execute(
            "INSERT INTO recipients (user_id, dm_channel_id, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (user_id) DO UPDATE SET dm_channel_id = excluded.dm_channel_id,"
            " updated_at = excluded.updated_at",
            (user_id, channel_id, now),
        )

    async def mark_dms_closed(self, user_id: int, at: datetime) -> None:
        """Remember that Discord refused a DM to ``user_id`` (403 50007)."""
        await self._db.execute(
            "INSERT INTO recipients (user_id, dms_closed_at, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (user_id) DO UPDATE SET dms_closed_at = excluded.dms_closed_at,"
            " updated_at = excluded.updated_at",
            (user_id, to_db_time(at), self._now()),
        )

    async def reopen_dms(self, user_id: int) -> None:
        """Try DMs again for ``user_id`` (they say they opened them)."""
        await self._db.execute(
            "UPDATE recipients SET dms_closed_at = NULL, told_at = NULL, updated_at = ?"
            " WHERE user_id = ?",
            (self._now(), user_id),
        )

    async def mark_told(self, user_ids: Iterable[int], at: datetime) -> None:
        """Remember that ``user_ids`` were told how to get their messages by DM again."""
        await self._db.execute(
            "UPDATE recipients SET told_at = ?, updated_at = ?"
            " WHERE user_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?))",
            (to_db_time(at), self._now(), json.dumps(sorted(set(user_ids)))),
        )
