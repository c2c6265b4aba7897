"""Writing a row's outcome once the database answers again (a PostgreSQL restart).

A send's outcome must reach the outbox: a message Discord created but the outbox does not
know of would be sent again. When the database cannot answer (``DatabaseBusyError``: the
server restarting, the connection lost), the write is tried again every
:data:`RETRY_WRITE_EVERY` seconds until it lands. The row stays ``sending`` meanwhile, so
nothing else claims it; if this process stops first (it lost its lease, or was killed),
the next active one finds the row ``sending`` and checks it before a resend.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from bot.errors import DatabaseBusyError

log = logging.getLogger(__name__)

RETRY_WRITE_EVERY = 0.25
"""Seconds between two tries of an outcome's write while the database cannot answer."""

T = TypeVar("T")


async def until_written(write: Callable[[], Awaitable[T]], what: str) -> T:
    """Return ``write()``'s result, trying again while the database is busy or away."""
    waited = False
    while True:
        try:
            result = await write()
        except DatabaseBusyError:
            if not waited:
                log.warning("delivery: the database cannot record %s yet; trying again", what)
                waited = True
            await asyncio.sleep(RETRY_WRITE_EVERY)
            continue
        if waited:
            log.warning("delivery: recorded %s once the database answered again", what)
        return result
