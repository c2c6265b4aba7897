"""DM channels: each opened once, paced apart from sends (Discord's 40003), and stored.

A feature opens one when someone subscribes (:meth:`DirectMessages.open_dm_channel`), so
the fan-out later spends one request per DM; a row to someone without a stored channel
opens it on its way (:meth:`DirectMessages.open`).
"""

from __future__ import annotations

import asyncio
import logging

from bot.delivery.contracts import Sender
from bot.delivery.pacing import BudgetClosed
from bot.delivery.policy import DeliveryError
from bot.delivery.state import EngineState
from bot.storage.database import Database

log = logging.getLogger(__name__)


class DirectMessages:
    """Open and store DM channels for the engine, paced at ``dm_opens_per_minute``."""

    def __init__(self, database: Database, state: EngineState) -> None:
        self._database = database
        self._state = state
        self.background: set[asyncio.Task[int | None]] = set()  # opens under way

    async def open(self, sender: Sender, user_id: int) -> int:
        """Open the DM channel with ``user_id`` (paced apart), store it; return its id.

        :raises BudgetClosed: the engine is stopping.
        :raises DeliveryError: Discord refused.
        """
        await self._state.dm_open_budget.acquire()
        async with self._state.request():
            channel_id = await sender.open_dm(user_id)
        await self._database.recipients.set_dm_channel(user_id, channel_id)
        return channel_id

    async def open_dm_channel(self, user_id: int) -> int | None:
        """Open and store the DM channel with ``user_id`` now, paced; return its id.

        Returns the stored one if known, ``None`` when the engine is not running or
        Discord refused (the fan-out then opens it itself).
        """
        sender = self._state.sender
        known = await self._database.recipients.get(user_id)
        if known is not None and known.dm_channel_id is not None:
            return known.dm_channel_id
        if sender is None or self._state.stopping:
            return None
        try:
            return await self.open(sender, user_id)
        except (BudgetClosed, DeliveryError) as error:
            log.info("could not open the DM channel with %d ahead: %s", user_id, error)
            return None

    def open_dm_channel_soon(self, user_id: int) -> None:
        """Open the DM channel with ``user_id`` in the background (the engine's stop cancels it)."""
        if self._state.stopping or self._state.sender is None:
            return  # stopped: the fan-out opens it itself, later
        task = asyncio.create_task(self.open_dm_channel(user_id))
        self.background.add(task)
        task.add_done_callback(self.background.discard)
