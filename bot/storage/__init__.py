"""Persistence: the only package that contains SQL. See ``README.md`` here."""

from bot.storage.database import Database, open_database
from bot.storage.migrate import Migration, migrate

__all__ = ["Database", "Migration", "migrate", "open_database"]
