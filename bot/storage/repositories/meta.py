"""Small key/value facts about this bot instance (e.g. the synced app-command hash)."""

from __future__ import annotations

from bot.storage.repositories._base import Repository


class MetaRepository(Repository):
    """The ``meta`` table."""

    async def get(self, key: str) -> str | None:
        """Return the value stored under ``key``, or ``None``."""
        row = await self._db.fetchone("SELECT value FROM meta WHERE key = ?", (key,))
        return None if row is None else str(row["value"])

    async def set(self, key: str, value: str) -> None:
        """Store ``value`` under ``key``, replacing any previous value."""
        await self._db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    async def delete(self, key: str) -> bool:
        """Remove ``key``; return ``False`` if it was not set."""
        result = await self._db.execute("DELETE FROM meta WHERE key = ?", (key,))
        return result.rowcount == 1
