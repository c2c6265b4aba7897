"""Personal calendar feeds: each person's token (only its hash) and each session's version."""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.storage._codec import from_db_time, from_db_time_or_none, to_db_time
from bot.storage._executor import Row
from bot.storage.repositories._base import Repository


@dataclass(frozen=True, slots=True)
class FeedToken:
    """A person's feed: whose it is, since when, and the last version served."""

    user_id: int
    created_at: datetime
    etag: str | None
    modified_at: datetime | None


@dataclass(frozen=True, slots=True)
class SessionVersion:
    """A session's calendar version: bumped at each applied change that touched it.

    ``removed_at`` is set while the session is out of the schedule (removed or
    cancelled); the title, times and room are the last known ones, for its
    cancelled event.
    """

    session_id: str
    sequence: int
    changed_at: datetime
    removed_at: datetime | None
    title: str
    starts_at: datetime
    ends_at: datetime
    location: str | None


def _version(row: Row) -> SessionVersion:
    return SessionVersion(
        session_id=row["session_id"],
        sequence=row["sequence"],
        changed_at=from_db_time(row["changed_at"]),
        removed_at=from_db_time_or_none(row["removed_at"]),
        title=row["title"],
        starts_at=from_db_time(row["starts_at"]),
        ends_at=from_db_time(row["ends_at"]),
        location=row["location"],
    )


class FeedRepository(Repository):
    """The ``feed_tokens`` and ``feed_sessions`` tables."""

    async def has_token(self, user_id: int) -> bool:
        """Return whether the user has a feed token."""
        row = await self._db.fetchone("SELECT 1 FROM feed_tokens WHERE user_id = ?", (user_id,))
        return row is not None

    async def set_token(self, user_id: int, token_hash: bytes) -> None:
        """Make ``token_hash`` the user's only feed token (the old one stops working)."""
        await self._db.execute(
            "INSERT INTO feed_tokens (user_id, token_hash, created_at) VALUES (?, ?, ?)"
            " ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash,"
            " created_at = excluded.created_at, etag = NULL, modified_at = NULL",
            (user_id, token_hash, self._now()),
        )

    async def revoke(self, user_id: int) -> bool:
        """Delete the user's feed token; return whether there was one."""
        result = await self._db.execute("DELETE FROM feed_tokens WHERE user_id = ?", (user_id,))
        return result.rowcount == 1

    async def by_token_hash(self, token_hash: bytes) -> FeedToken | None:
        """Return the feed whose token hashes to ``token_hash``, or ``None``.

        The row is found by its hash (an index lookup that reveals nothing usable about
        a token), then the stored hash is compared in constant time.
        """
        row = await self._db.fetchone(
            "SELECT user_id, token_hash, created_at, etag, modified_at FROM feed_tokens"
            " WHERE token_hash = ?",
            (token_hash,),
        )
        if row is None or not hmac.compare_digest(bytes(row["token_hash"]), token_hash):
            return None
        return FeedToken(
            user_id=row["user_id"],
            created_at=from_db_time(row["created_at"]),
            etag=row["etag"],
            modified_at=from_db_time_or_none(row["modified_at"]),
        )

    async def served(self, user_id: int, etag: str, modified_at: datetime) -> None:
        """Record that the user's feed is now ``etag``, changed at ``modified_at``."""
        await self._db.execute(
            "UPDATE feed_tokens SET etag = ?, modified_at = ? WHERE user_id = ?",
            (etag, to_db_time(modified_at), user_id),
        )

    async def versions(self, session_ids: Sequence[str]) -> dict[str, SessionVersion]:
        """Return the stored version of each of ``session_ids`` that has one."""
        if not session_ids:
            return {}
        marks = ", ".join("?" for _ in session_ids)
        # ``marks`` is only question marks; the ids are bound parameters.
        query = (
            "SELECT session_id, sequence, changed_at, removed_at, title, starts_at,"  # noqa: S608
            f" ends_at, location FROM feed_sessions WHERE session_id IN ({marks})"
        )
        rows = await self._db.fetchall(query, tuple(session_ids))
        return {row["session_id"]: _version(row) for row in rows}

    async def bump(
        self,
        session_id: str,
        *,
        changed_at: datetime,
        removed: bool,
        title: str,
        starts_at: datetime,
        ends_at: datetime,
        location: str | None,
    ) -> None:
        """Record one more version of the session (removed or not), with its last details."""
        changed = to_db_time(changed_at)
        await self._db.execute(
            "INSERT INTO feed_sessions (session_id, sequence, changed_at, removed_at, title,"
            " starts_at, ends_at, location) VALUES (?, 1, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (session_id) DO UPDATE SET sequence = sequence + 1,"
            " changed_at = excluded.changed_at, removed_at = excluded.removed_at,"
            " title = excluded.title, starts_at = excluded.starts_at,"
            " ends_at = excluded.ends_at, location = excluded.location",
            (
                session_id,
                changed,
                changed if removed else None,
                title,
                to_db_time(starts_at),
                to_db_time(ends_at),
                location,
            ),
        )
