"""Moderator announcements, posted now or at a scheduled time through the outbox."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, cast, get_args

from bot.storage._codec import from_db_time, from_db_time_or_none, to_db_time_or_none
from bot.storage._executor import Row
from bot.storage.repositories._base import Repository

AnnouncementStatus = Literal["draft", "scheduled", "posted", "failed", "cancelled"]
_STATUSES: tuple[str, ...] = get_args(AnnouncementStatus)
# What became of a posted copy in an announcement (news) channel; None until it is posted.
Crosspost = Literal["published", "not-announcement-channel", "failed", "before-crossposting"]


@dataclass(frozen=True, slots=True)
class Announcement:
    """One announcement; ``post_at`` ``None`` means "post now".

    ``content`` is the body; ``ping`` is ``None`` (nobody), ``"role:<id>"``,
    ``"everyone"`` or ``"here"``.
    """

    id: int
    guild_id: int
    channel_id: int
    author_id: int
    content: str
    post_at: datetime | None
    status: AnnouncementStatus
    outbox_key: str | None
    created_at: datetime
    updated_at: datetime
    title: str = ""
    ping: str | None = None
    session_id: str | None = None


@dataclass(frozen=True, slots=True)
class AnnouncementCopy:
    """Where one copy of an announcement goes: its channel and the key of its outbox row."""

    announcement_id: int
    position: int
    channel_id: int
    outbox_key: str
    crosspost: Crosspost | None = None


_COLUMNS = (
    "id, guild_id, channel_id, author_id, content, post_at, status, outbox_key,"
    " created_at, updated_at, title, ping, session_id"
)
_COPY_COLUMNS = "announcement_id, position, channel_id, outbox_key, crosspost"


def _announcement(row: Row) -> Announcement:
    return Announcement(
        id=row["id"],
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        author_id=row["author_id"],
        content=row["content"],
        post_at=from_db_time_or_none(row["post_at"]),
        status=cast(AnnouncementStatus, row["status"]),
        outbox_key=row["outbox_key"],
        created_at=from_db_time(row["created_at"]),
        updated_at=from_db_time(row["updated_at"]),
        title=row["title"],
        ping=row["ping"],
        session_id=row["session_id"],
    )


def _copy(row: Row) -> AnnouncementCopy:
    return AnnouncementCopy(
        announcement_id=row["announcement_id"],
        position=row["position"],
        channel_id=row["channel_id"],
        outbox_key=row["outbox_key"],
        crosspost=cast("Crosspost | None", row["crosspost"]),
    )


class AnnouncementRepository(Repository):
    """The ``announcements`` table. Queuing the message itself is the outbox's job.

    To create both atomically::

        async with db.transaction():
            ann = await db.announcements.create(..., outbox_key=key)
            await db.outbox.enqueue(key, "announcement", due, payload, target_channel_id=...)
    """

    async def create(
        self,
        guild_id: int,
        channel_id: int,
        author_id: int,
        content: str,
        post_at: datetime | None = None,
        outbox_key: str | None = None,
        *,
        title: str = "",
        ping: str | None = None,
        status: AnnouncementStatus = "scheduled",
        session_id: str | None = None,
    ) -> Announcement:
        """Record a new announcement (``scheduled`` unless told: a moderator's ``draft``).

        ``channel_id`` is its first channel; :meth:`set_copies` records every channel.

        :raises ValueError: ``post_at`` is naive.
        :raises sqlite3.IntegrityError: ``outbox_key`` is already used by another announcement
            (``asyncpg.UniqueViolationError`` on PostgreSQL).
        """
        now = self._now()
        inserted = await self._db.fetchone(
            "INSERT INTO announcements (guild_id, channel_id, author_id, content, post_at,"
            " status, outbox_key, created_at, updated_at, title, ping, session_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (
                guild_id,
                channel_id,
                author_id,
                content,
                to_db_time_or_none(post_at),
                status,
                outbox_key,
                now,
                now,
                title,
                ping,
                session_id,
            ),
        )
        assert inserted is not None  # noqa: S101 - an INSERT ... RETURNING returns its row
        created = await self.get(inserted["id"])
        assert created is not None  # noqa: S101
        return created

    async def set_copies(self, announcement_id: int, copies: Sequence[tuple[int, str]]) -> None:
        """Make ``(channel_id, outbox_key)`` pairs, in order, the announcement's channels."""
        await self._db.execute(
            "DELETE FROM announcement_channels WHERE announcement_id = ?", (announcement_id,)
        )
        await self._db.executemany(
            "INSERT INTO announcement_channels (announcement_id, position, channel_id,"
            " outbox_key) VALUES (?, ?, ?, ?)",
            [
                (announcement_id, position, channel_id, key)
                for position, (channel_id, key) in enumerate(copies)
            ],
        )

    async def copies(self, announcement_id: int) -> list[AnnouncementCopy]:
        """Return the announcement's copies (one per channel), in the order chosen."""
        rows = await self._db.fetchall(
            f"SELECT {_COPY_COLUMNS} FROM announcement_channels"  # noqa: S608
            " WHERE announcement_id = ? ORDER BY position",
            (announcement_id,),
        )
        return [_copy(row) for row in rows]

    async def copy_by_key(self, outbox_key: str) -> AnnouncementCopy | None:
        """Return the copy whose outbox row has ``outbox_key``, or ``None``."""
        row = await self._db.fetchone(
            f"SELECT {_COPY_COLUMNS} FROM announcement_channels WHERE outbox_key = ?",  # noqa: S608
            (outbox_key,),
        )
        return None if row is None else _copy(row)

    async def set_crosspost(self, outbox_key: str, crosspost: Crosspost) -> None:
        """Record what became of the copy's crosspost."""
        await self._db.execute(
            "UPDATE announcement_channels SET crosspost = ? WHERE outbox_key = ?",
            (crosspost, outbox_key),
        )

    async def posted_awaiting_crosspost(self) -> list[tuple[AnnouncementCopy, int]]:
        """Return copies posted (outbox row sent) whose crosspost was never settled.

        With the message id of each: a process stopped between posting and crossposting.
        """
        rows = await self._db.fetchall(
            "SELECT c.announcement_id, c.position, c.channel_id, c.outbox_key, c.crosspost,"
            " o.discord_message_id FROM announcement_channels AS c"
            " JOIN outbox AS o ON o.key = c.outbox_key"
            " WHERE c.crosspost IS NULL AND o.status = 'sent'"
            " AND o.discord_message_id IS NOT NULL ORDER BY c.announcement_id, c.position",
        )
        return [(_copy(row), int(row["discord_message_id"])) for row in rows]

    async def get(self, announcement_id: int) -> Announcement | None:
        """Return the announcement, or ``None``."""
        row = await self._db.fetchone(
            f"SELECT {_COLUMNS} FROM announcements WHERE id = ?",  # noqa: S608
            (announcement_id,),
        )
        return None if row is None else _announcement(row)

    async def list_for_guild(
        self, guild_id: int, status: AnnouncementStatus | None = None
    ) -> list[Announcement]:
        """Return the guild's announcements (optionally only one status), oldest first."""
        if status is None:
            rows = await self._db.fetchall(
                f"SELECT {_COLUMNS} FROM announcements WHERE guild_id = ? ORDER BY id",  # noqa: S608
                (guild_id,),
            )
        else:
            rows = await self._db.fetchall(
                f"SELECT {_COLUMNS} FROM announcements"  # noqa: S608
                " WHERE guild_id = ? AND status = ? ORDER BY id",
                (guild_id, status),
            )
        return [_announcement(row) for row in rows]

    async def recent(self, guild_id: int, limit: int = 20) -> list[Announcement]:
        """Return the guild's latest announcements that are not drafts, newest first."""
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM announcements"  # noqa: S608
            " WHERE guild_id = ? AND status != 'draft' ORDER BY id DESC LIMIT ?",
            (guild_id, limit),
        )
        return [_announcement(row) for row in rows]

    async def update_draft(
        self,
        announcement_id: int,
        *,
        title: str,
        content: str,
        post_at: datetime | None,
    ) -> bool:
        """Change an announcement's title, body and time; return ``False`` if it is unknown."""
        result = await self._db.execute(
            "UPDATE announcements SET title = ?, content = ?, post_at = ?, updated_at = ?"
            " WHERE id = ?",
            (title, content, to_db_time_or_none(post_at), self._now(), announcement_id),
        )
        return result.rowcount == 1

    async def mark_scheduled(
        self, announcement_id: int, post_at: datetime, outbox_key: str
    ) -> bool:
        """Turn a ``draft`` into a ``scheduled`` announcement; ``False`` if it is no draft."""
        result = await self._db.execute(
            "UPDATE announcements SET status = 'scheduled', post_at = ?, outbox_key = ?,"
            " updated_at = ? WHERE id = ? AND status = 'draft'",
            (to_db_time_or_none(post_at), outbox_key, self._now(), announcement_id),
        )
        return result.rowcount == 1

    async def cancel(self, announcement_id: int) -> bool:
        """Cancel a ``draft`` or ``scheduled`` announcement; ``False`` if it is neither.

        Cancel its outbox row too (``db.outbox.cancel(ann.outbox_key)``).
        """
        result = await self._db.execute(
            "UPDATE announcements SET status = 'cancelled', updated_at = ?"
            " WHERE id = ? AND status IN ('draft', 'scheduled')",
            (self._now(), announcement_id),
        )
        return result.rowcount == 1

    async def mark_status(self, announcement_id: int, status: AnnouncementStatus) -> bool:
        """Set the announcement's status; return ``False`` if it does not exist.

        :raises ValueError: ``status`` is not an announcement status.
        """
        if status not in _STATUSES:
            raise ValueError(f"status must be one of {_STATUSES}, got {status!r}")
        result = await self._db.execute(
            "UPDATE announcements SET status = ?, updated_at = ? WHERE id = ?",
            (status, self._now(), announcement_id),
        )
        return result.rowcount == 1
