"""The record after a confirmed send: written whatever the database says, never lost.

Once Discord confirmed a message, the row must end ``sent``: a database held by another
process (a backup, an admin's shell) makes the write wait and try again, however long,
instead of failing the row (a delivered message counted failed, and maybe sent again).
The engine's stop cancels the wait; the row then stays ``sending`` and the next start
finds the message (nonce, or the channel's history) instead of sending it twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from bot.errors import DatabaseBusyError

log = logging.getLogger(__name__)

T = TypeVar("T")

# Real seconds between tries (each try also waits the database's busy timeout).
FIRST_WAIT = 0.05
LONGEST_WAIT = 1.0


async def written(what: str, write: Callable[[], Awaitable[T]]) -> T:
    """Run ``write`` until the database takes it; return what it returned.

    Only a busy database is waited out; any other error is raised (the caller's).
    """
    wait = FIRST_WAIT
    tries = 0
    while True:
        try:
            return await write()
        except DatabaseBusyError:
            tries += 1
            if tries == 1:
                log.warning("the record of %s waits for the database (busy); retrying", what)
            await asyncio.sleep(wait)
            wait = min(wait * 2, LONGEST_WAIT)
