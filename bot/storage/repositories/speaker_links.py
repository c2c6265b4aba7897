"""Links from schedule speakers to the Discord accounts that are them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.storage._codec import from_db_time
from bot.storage.repositories._base import Repository


@dataclass(frozen=True, slots=True)
class SpeakerLink:
    """Speaker ``speaker_id`` is Discord user ``discord_user_id``; ``linked_by`` made the link."""

    speaker_id: str
    discord_user_id: int
    linked_by: int | None
    created_at: datetime


class SpeakerLinkRepository(Repository):
    """The ``speaker_links`` table."""

    async def link(self, speaker_id: str, discord_user_id: int, linked_by: int | None) -> None:
        """Link the speaker to the account, replacing any previous link of that speaker."""
        await self._db.execute(
            "INSERT INTO speaker_links (speaker_id, discord_user_id, linked_by, created_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (speaker_id) DO UPDATE SET"
            " discord_user_id = excluded.discord_user_id, linked_by = excluded.linked_by,"
            " created_at = excluded.created_at",
            (speaker_id, discord_user_id, linked_by, self._now()),
        )

    async def unlink(self, speaker_id: str) -> bool:
        """Remove the speaker's link; return ``False`` if there was none."""
        result = await self._db.execute(
            "DELETE FROM speaker_links WHERE speaker_id = ?", (speaker_id,)
        )
        return result.rowcount == 1

    async def get(self, speaker_id: str) -> SpeakerLink | None:
        """Return the speaker's link, or ``None``."""
        row = await self._db.fetchone(
            "SELECT speaker_id, discord_user_id, linked_by, created_at"
            " FROM speaker_links WHERE speaker_id = ?",
            (speaker_id,),
        )
        if row is None:
            return None
        return SpeakerLink(
            speaker_id=row["speaker_id"],
            discord_user_id=row["discord_user_id"],
            linked_by=row["linked_by"],
            created_at=from_db_time(row["created_at"]),
        )

    async def all(self) -> dict[str, int]:
        """Return ``{speaker_id: discord_user_id}`` for every link."""
        rows = await self._db.fetchall(
            "SELECT speaker_id, discord_user_id FROM speaker_links ORDER BY speaker_id"
        )
        return {row["speaker_id"]: row["discord_user_id"] for row in rows}
