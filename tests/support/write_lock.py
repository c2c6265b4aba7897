"""Another process's write lock on a database file, held while a test drives the bot."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def write_lock_held(path: Path) -> Iterator[None]:
    """Hold ``path``'s write lock (``BEGIN IMMEDIATE`` and an uncommitted write) in the block.

    A separate sqlite3 connection takes the same file locks another process would.
    Its own busy timeout is 0, so taking the lock never blocks the event loop: if
    the bot is writing at that instant, this fails at once instead.
    """
    holder = sqlite3.connect(path, isolation_level=None, timeout=0)
    try:
        holder.execute("BEGIN IMMEDIATE")
        holder.execute("INSERT INTO meta (key, value) VALUES ('held by', 'another process')")
        yield
        holder.execute("ROLLBACK")
    finally:
        holder.close()
