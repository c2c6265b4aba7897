"""Per-guild settings: zone override and the channels/role the bot uses."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import TypedDict, Unpack

from bot.storage._codec import from_db_time_or_none
from bot.storage.repositories._base import Repository


@dataclass(frozen=True, slots=True)
class GuildSettings:
    """A guild's settings; ``None`` means "not configured" (``updated_at``: never saved)."""

    guild_id: int
    zone: str | None = None
    announcements_channel_id: int | None = None
    schedule_updates_channel_id: int | None = None
    moderation_log_channel_id: int | None = None
    moderator_role_id: int | None = None
    updated_at: datetime | None = None


class GuildSettingsUpdate(TypedDict, total=False):
    """The fields :meth:`GuildSettingsRepository.update` accepts; ``None`` clears one."""

    zone: str | None
    announcements_channel_id: int | None
    schedule_updates_channel_id: int | None
    moderation_log_channel_id: int | None
    moderator_role_id: int | None


_FIELDS = frozenset(GuildSettingsUpdate.__annotations__)


class GuildSettingsRepository(Repository):
    """The ``guild_settings`` table."""

    async def get(self, guild_id: int) -> GuildSettings:
        """Return the guild's settings; an unconfigured guild gets all-``None`` defaults."""
        row = await self._db.fetchone(
            "SELECT guild_id, zone, announcements_channel_id, schedule_updates_channel_id,"
            " moderation_log_channel_id, moderator_role_id, updated_at"
            " FROM guild_settings WHERE guild_id = ?",
            (guild_id,),
        )
        if row is None:
            return GuildSettings(guild_id=guild_id)
        return GuildSettings(
            guild_id=row["guild_id"],
            zone=row["zone"],
            announcements_channel_id=row["announcements_channel_id"],
            schedule_updates_channel_id=row["schedule_updates_channel_id"],
            moderation_log_channel_id=row["moderation_log_channel_id"],
            moderator_role_id=row["moderator_role_id"],
            updated_at=from_db_time_or_none(row["updated_at"]),
        )

    async def update(self, guild_id: int, **fields: Unpack[GuildSettingsUpdate]) -> GuildSettings:
        """Change the named fields (others keep their value) and return the new settings.

        ``update(g, zone=None)`` clears the zone override.

        :raises ValueError: a field name is not a guild setting.
        """
        unknown = set(fields) - _FIELDS
        if unknown:
            raise ValueError(f"unknown guild setting(s): {', '.join(sorted(unknown))}")
        async with self._db.transaction():
            current = await self.get(guild_id)
            merged = dataclasses.replace(current, **fields)
            await self._db.execute(
                "INSERT INTO guild_settings (guild_id, zone, announcements_channel_id,"
                " schedule_updates_channel_id, moderation_log_channel_id, moderator_role_id,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (guild_id) DO UPDATE SET zone = excluded.zone,"
                " announcements_channel_id = excluded.announcements_channel_id,"
                " schedule_updates_channel_id = excluded.schedule_updates_channel_id,"
                " moderation_log_channel_id = excluded.moderation_log_channel_id,"
                " moderator_role_id = excluded.moderator_role_id,"
                " updated_at = excluded.updated_at",
                (
                    guild_id,
                    merged.zone,
                    merged.announcements_channel_id,
                    merged.schedule_updates_channel_id,
                    merged.moderation_log_channel_id,
                    merged.moderator_role_id,
                    self._now(),
                ),
            )
            return await self.get(guild_id)
