"""The programme's mirror in Discord's scheduled events, and who pressed Interested."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, cast

from bot.storage._codec import from_json, to_json
from bot.storage._executor import Row
from bot.storage.repositories._base import Repository

MirrorState = Literal["mirrored", "cancelled", "dropped"]


@dataclass(frozen=True, slots=True)
class MirroredEvent:
    """One session's event in one guild (see migration 0008 for the columns)."""

    session_id: str
    guild_id: int
    event_id: int | None
    generation: int
    creating: bool
    state: MirrorState
    written: dict[str, Any] | None
    wanted: str | None = None
    revision: int = 0


@dataclass(frozen=True, slots=True)
class Interest:
    """``user_id`` pressed Interested on ``event_id``; ``subscribed``: it made the subscription."""

    event_id: int
    user_id: int
    session_id: str
    subscribed: bool


_COLUMNS = "session_id, guild_id, event_id, generation, creating, state, written, wanted, revision"


def _mirrored(row: Row) -> MirroredEvent:
    written = row["written"]
    return MirroredEvent(
        session_id=row["session_id"],
        guild_id=row["guild_id"],
        event_id=row["event_id"],
        generation=row["generation"],
        creating=bool(row["creating"]),
        state=cast(MirrorState, row["state"]),
        written=from_json(written) if written else None,
        wanted=row["wanted"],
        revision=row["revision"],
    )


class ScheduledEventRepository(Repository):
    """The ``event_mirror`` and ``event_interest`` tables."""

    async def all(self, guild_id: int) -> dict[str, MirroredEvent]:
        """Return the guild's mirror rows by session id."""
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM event_mirror WHERE guild_id = ?",  # noqa: S608
            (guild_id,),
        )
        return {row["session_id"]: _mirrored(row) for row in rows}

    async def get(self, guild_id: int, session_id: str) -> MirroredEvent | None:
        """Return the session's mirror row, or ``None``."""
        row = await self._db.fetchone(
            f"SELECT {_COLUMNS} FROM event_mirror"  # noqa: S608
            " WHERE guild_id = ? AND session_id = ?",
            (guild_id, session_id),
        )
        return None if row is None else _mirrored(row)

    async def by_event(self, event_id: int) -> MirroredEvent | None:
        """Return the mirror row of Discord event ``event_id`` (``None``: not the bot's)."""
        row = await self._db.fetchone(
            f"SELECT {_COLUMNS} FROM event_mirror WHERE event_id = ?",  # noqa: S608
            (event_id,),
        )
        return None if row is None else _mirrored(row)

    async def want(
        self, guild_id: int, session_id: str, state: MirrorState, wanted: str
    ) -> tuple[MirroredEvent, bool]:
        """Record what the session's event should be (``wanted``: its digest).

        Returns the row and whether it changed (then one more row is to be queued: the
        revision moved on). A session wanted again after its event was cancelled or deleted
        gets a new generation (a new event); one whose removal was not carried out yet keeps
        its event.
        """
        found = await self.get(guild_id, session_id)
        now = self._now()
        if found is None:
            await self._db.execute(
                "INSERT INTO event_mirror (session_id, guild_id, state, wanted, revision,"
                " updated_at) VALUES (?, ?, ?, ?, 1, ?)",
                (session_id, guild_id, state, wanted, now),
            )
        elif found.state == state and found.wanted == wanted:
            return found, False
        else:
            fresh = state == "mirrored" and found.state != "mirrored" and found.event_id is None
            await self._db.execute(
                "UPDATE event_mirror SET state = ?, wanted = ?, revision = revision + 1,"
                " generation = generation + ?,"
                " written = CASE WHEN ? = 1 THEN NULL ELSE written END,"
                " creating = CASE WHEN ? = 1 THEN 0 ELSE creating END, updated_at = ?"
                " WHERE guild_id = ? AND session_id = ?",
                (state, wanted, int(fresh), int(fresh), int(fresh), now, guild_id, session_id),
            )
        changed = await self.get(guild_id, session_id)
        if changed is None:  # written just above, in this transaction
            raise LookupError(f"event_mirror row for {session_id} vanished")
        return changed, True

    async def bump_revision(self, guild_id: int, session_id: str) -> MirroredEvent | None:
        """Count one more row queued for the session (a revert); return the row."""
        await self._db.execute(
            "UPDATE event_mirror SET revision = revision + 1, updated_at = ?"
            " WHERE guild_id = ? AND session_id = ?",
            (self._now(), guild_id, session_id),
        )
        return await self.get(guild_id, session_id)

    async def lost(self, guild_id: int, session_id: str) -> None:
        """Forget the event (someone deleted or cancelled it); the next plan remakes it."""
        await self._db.execute(
            "UPDATE event_mirror SET state = 'dropped', event_id = NULL, written = NULL,"
            " wanted = NULL, creating = 0, updated_at = ? WHERE guild_id = ? AND session_id = ?",
            (self._now(), guild_id, session_id),
        )

    async def set_creating(self, guild_id: int, session_id: str) -> None:
        """Note that a create request is about to be made (looked for after a crash)."""
        await self._db.execute(
            "UPDATE event_mirror SET creating = 1, updated_at = ?"
            " WHERE guild_id = ? AND session_id = ?",
            (self._now(), guild_id, session_id),
        )

    async def set_event(
        self, guild_id: int, session_id: str, event_id: int | None, written: dict[str, Any] | None
    ) -> None:
        """Store the session's Discord event and the fields last written to it."""
        await self._db.execute(
            "UPDATE event_mirror SET event_id = ?, written = ?, creating = 0, updated_at = ?"
            " WHERE guild_id = ? AND session_id = ?",
            (
                event_id,
                None if written is None else to_json(written),
                self._now(),
                guild_id,
                session_id,
            ),
        )

    # -- Interested ----------------------------------------------------------------------

    async def add_interest(
        self, event_id: int, user_id: int, session_id: str, *, subscribed: bool
    ) -> bool:
        """Record that ``user_id`` is Interested; return ``False`` if it was already known."""
        result = await self._db.execute(
            "INSERT INTO event_interest (event_id, user_id, session_id, subscribed, created_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (event_id, user_id) DO NOTHING",
            (event_id, user_id, session_id, int(subscribed), self._now()),
        )
        return result.rowcount == 1

    async def remove_interest(self, event_id: int, user_id: int) -> Interest | None:
        """Forget that ``user_id`` is Interested; return what was known, or ``None``."""
        row = await self._db.fetchone(
            "SELECT event_id, user_id, session_id, subscribed FROM event_interest"
            " WHERE event_id = ? AND user_id = ?",
            (event_id, user_id),
        )
        if row is None:
            return None
        await self._db.execute(
            "DELETE FROM event_interest WHERE event_id = ? AND user_id = ?", (event_id, user_id)
        )
        return Interest(row["event_id"], row["user_id"], row["session_id"], bool(row["subscribed"]))

    async def claim_interest(self, user_id: int, session_id: str) -> int:
        """Note that ``user_id`` asked for the session's subscription themselves ("Remind me").

        Interested no longer owns it: taking Interested back keeps it. Returns how many
        presses gave it up.
        """
        result = await self._db.execute(
            "UPDATE event_interest SET subscribed = 0"
            " WHERE user_id = ? AND session_id = ? AND subscribed = 1",
            (user_id, session_id),
        )
        return result.rowcount

    async def interested(self, event_id: int) -> set[int]:
        """Return the users known to be Interested in ``event_id``."""
        rows = await self._db.fetchall(
            "SELECT user_id FROM event_interest WHERE event_id = ?", (event_id,)
        )
        return {row["user_id"] for row in rows}

    async def forget_user(self, user_id: int) -> int:
        """Delete what is known of ``user_id``'s Interested presses; return how many."""
        result = await self._db.execute("DELETE FROM event_interest WHERE user_id = ?", (user_id,))
        return result.rowcount
