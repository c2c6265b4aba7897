"""Per-user preferences, and the "forget me" data-deletion hook."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, cast, get_args

from bot.storage._executor import Row
from bot.storage.repositories._base import Repository
from bot.timezones import ClockStyle

Delivery = Literal["dm", "channel"]

_CLOCKS: tuple[str, ...] = get_args(ClockStyle)
_HH_MM = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
_DELIVERIES: tuple[str, ...] = get_args(Delivery)


@dataclass(frozen=True, slots=True)
class UserProfile:
    """A user's stored preferences; ``None`` fields mean "not set, use the default"."""

    user_id: int
    zone: str | None = None
    clock: ClockStyle = "24h"
    reminder_lead_minutes: int | None = None
    delivery: Delivery | None = None
    reminder_leads: tuple[int, ...] | None = None
    digest_time: str | None = None


_PROFILE_COLUMNS = (
    "user_id, zone, clock, reminder_lead_minutes, delivery, reminder_leads, digest_time"
)


def _profile(row: Row) -> UserProfile:
    return UserProfile(
        user_id=row["user_id"],
        zone=row["zone"],
        clock=cast(ClockStyle, row["clock"]),
        reminder_lead_minutes=row["reminder_lead_minutes"],
        delivery=cast(Delivery | None, row["delivery"]),
        reminder_leads=_leads(row["reminder_leads"]),
        digest_time=row["digest_time"],
    )


def _leads(text: str | None) -> tuple[int, ...] | None:
    if not text:
        return None
    return tuple(int(part) for part in text.split(","))


class UserRepository(Repository):
    """The ``users`` table (and, for :meth:`forget`, every table that names a user)."""

    async def get(self, user_id: int) -> UserProfile | None:
        """Return the user's profile, or ``None`` if they never set anything."""
        row = await self._db.fetchone(
            f"SELECT {_PROFILE_COLUMNS} FROM users WHERE user_id = ?",  # noqa: S608
            (user_id,),
        )
        return None if row is None else _profile(row)

    async def _upsert(self, user_id: int, column: str, value: object) -> None:
        # ``column`` is always one of the literal names passed by this class.
        now = self._now()
        await self._db.execute(
            f"INSERT INTO users (user_id, {column}, created_at, updated_at)"  # noqa: S608
            f" VALUES (?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE"
            f" SET {column} = excluded.{column}, updated_at = excluded.updated_at",
            (user_id, value, now, now),
        )

    async def set_zone(self, user_id: int, zone: str) -> None:
        """Store the user's IANA zone name (the caller validates it first)."""
        await self._upsert(user_id, "zone", zone)

    async def clear_zone(self, user_id: int) -> None:
        """Forget the user's zone; a user with no row stays without one."""
        await self._db.execute(
            "UPDATE users SET zone = NULL, updated_at = ? WHERE user_id = ?",
            (self._now(), user_id),
        )

    async def set_clock(self, user_id: int, clock: ClockStyle) -> None:
        """Store whether the user reads times as ``"24h"`` or ``"12h"``.

        :raises ValueError: ``clock`` is neither.
        """
        if clock not in _CLOCKS:
            raise ValueError(f"clock must be one of {_CLOCKS}, got {clock!r}")
        await self._upsert(user_id, "clock", clock)

    async def set_reminder_lead(self, user_id: int, minutes: int | None) -> None:
        """Store the user's default reminder lead in minutes (``None``: bot default).

        :raises ValueError: ``minutes`` is negative.
        """
        if minutes is not None and minutes < 0:
            raise ValueError(f"reminder lead must be >= 0 minutes, got {minutes}")
        await self._upsert(user_id, "reminder_lead_minutes", minutes)

    async def set_delivery(self, user_id: int, delivery: Delivery | None) -> None:
        """Store where reminders go: ``"dm"``, ``"channel"``, or ``None`` (bot default).

        :raises ValueError: ``delivery`` is not one of those.
        """
        if delivery is not None and delivery not in _DELIVERIES:
            raise ValueError(f"delivery must be one of {_DELIVERIES} or None, got {delivery!r}")
        await self._upsert(user_id, "delivery", delivery)

    async def set_reminder_leads(self, user_id: int, leads: tuple[int, ...] | None) -> None:
        """Store the user's reminder leads in minutes (``None``: the bot default).

        :raises ValueError: a lead is negative.
        """
        if leads is not None and any(lead < 0 for lead in leads):
            raise ValueError(f"reminder leads must be >= 0 minutes, got {leads}")
        text = None if leads is None else ",".join(str(lead) for lead in leads)
        await self._upsert(user_id, "reminder_leads", text)

    async def set_digest_time(self, user_id: int, local_time: str | None) -> None:
        """Store the local "HH:MM" of the user's morning digest (``None``: no digest).

        :raises ValueError: ``local_time`` is not "HH:MM".
        """
        if local_time is not None and _HH_MM.fullmatch(local_time) is None:
            raise ValueError(f"digest time must be HH:MM, got {local_time!r}")
        await self._upsert(user_id, "digest_time", local_time)

    async def with_digest(self) -> list[UserProfile]:
        """Return the profiles of everyone who asked for a morning digest."""
        rows = await self._db.fetchall(
            f"SELECT {_PROFILE_COLUMNS} FROM users"  # noqa: S608
            " WHERE digest_time IS NOT NULL ORDER BY user_id"
        )
        return [_profile(row) for row in rows]

    async def profiles(self, user_ids: Iterable[int]) -> dict[int, UserProfile]:
        """Return ``{user_id: profile}`` for those of ``user_ids`` that have one."""
        ids = sorted(set(user_ids))
        if not ids:
            return {}
        rows = await self._db.fetchall(
            f"SELECT {_PROFILE_COLUMNS} FROM users"  # noqa: S608 - constant column list
            " WHERE user_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?))",
            (json.dumps(ids),),
        )
        return {row["user_id"]: _profile(row) for row in rows}

    async def zones_for(self, user_ids: Iterable[int]) -> dict[int, str]:
        """Return ``{user_id: zone}`` for those of ``user_ids`` that have a zone set."""
        ids = sorted(set(user_ids))
        if not ids:
            return {}
        rows = await self._db.fetchall(
            "SELECT user_id, zone FROM users WHERE zone IS NOT NULL"
            " AND user_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?))",
            (json.dumps(ids),),
        )
        return {row["user_id"]: row["zone"] for row in rows}

    async def forget(self, user_id: int) -> dict[str, int]:
        """Delete everything stored about a user, atomically; return rows deleted per table.

        Removes their ``users`` row, their ``subscriptions``, ``speaker_links`` that
        point at their account, their calendar feed's token, and every ``outbox`` row
        addressed to them (whatever its status: pending reminders are never sent, sent
        ones leave no trace).
        Guild-owned records are kept: announcements they authored as a moderator,
        and ``linked_by`` on links they made for other people.
        The keys are always ``users``, ``subscriptions``, ``speaker_links``, ``outbox``.
        """
        db = self._db
        async with db.transaction():
            users = await db.execute("DELETE FROM users WHERE user_id = ?", (user_id,))
            subs = await db.execute("DELETE FROM subscriptions WHERE user_id = ?", (user_id,))
            links = await db.execute(
                "DELETE FROM speaker_links WHERE discord_user_id = ?", (user_id,)
            )
            outbox = await db.execute("DELETE FROM outbox WHERE target_user_id = ?", (user_id,))
            # How to reach them (DM channel, closed DMs) is about them too.
            await db.execute("DELETE FROM recipients WHERE user_id = ?", (user_id,))
            # Their calendar feed's link stops working (it answers 404 from now on).
            await db.execute("DELETE FROM feed_tokens WHERE user_id = ?", (user_id,))
            # Which scheduled events they pressed Interested on.
            await db.execute("DELETE FROM event_interest WHERE user_id = ?", (user_id,))
        return {
            "users": users.rowcount,
            "subscriptions": subs.rowcount,
            "speaker_links": links.rowcount,
            "outbox": outbox.rowcount,
        }
