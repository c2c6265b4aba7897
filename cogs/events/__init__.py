"""The events feature's cog: connects the mirror to Discord and hears the event gateway events.

- ``port.py`` — :class:`DiscordEvents`, the feature's Discord port (create, edit, cancel,
  delete, list, page Interested users).

discord.py drops GUILD_SCHEDULED_EVENT_USER_ADD/REMOVE when the event or the user is not in
its cache (``ConnectionState.parse_guild_scheduled_event_user_add`` looks both up; without
the members intent the user usually is not there), and has no raw variant of them. Its one
public way to see a gateway payload as sent is ``on_socket_raw_receive`` with
``enable_debug_events=True`` (set by ``create_bot`` when ``[events]`` is on): each frame is
checked for the event names by a substring test before anything is parsed, so the cost for
every other frame is one ``in``.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import discord
from discord.ext import commands

from bot.app import Confbot
from bot.errors import error_code
from bot.rendering.cards import Reply
from cogs.events.port import DiscordEvents

log = logging.getLogger(__name__)

_PREFIX = "GUILD_SCHEDULED_EVENT_"
_WATCHED = {
    "GUILD_SCHEDULED_EVENT_USER_ADD",
    "GUILD_SCHEDULED_EVENT_USER_REMOVE",
    "GUILD_SCHEDULED_EVENT_UPDATE",
    "GUILD_SCHEDULED_EVENT_DELETE",
}


class EventsCog(commands.Cog):
    """Give the event mirror its Discord port and the gateway's scheduled-event events."""

    def __init__(self, bot: Confbot) -> None:
        self.bot = bot
        self.events = bot.services.events

    async def cog_load(self) -> None:
        """Connect the mirror to Discord (it starts once the gateway is ready)."""
        self.events.connect(DiscordEvents(self.bot))
        self.bot.answer_hooks.add_extras(self.event_button)

    async def cog_unload(self) -> None:
        """Stop rolling the window."""
        self.events.stop()
        self.bot.answer_hooks.remove_extras(self.event_button)

    def event_button(self, reply: Reply, invoker_id: int) -> list[discord.ui.Item[Any]]:
        """Add a link to the session's Discord event to a card about one mirrored session."""
        link = self.events.link_now(reply.session_id) if reply.session_id else None
        if link is None:
            return []
        return [discord.ui.Button(style=discord.ButtonStyle.link, label="Discord event", url=link)]

    @commands.Cog.listener()
    async def on_socket_raw_receive(self, frame: str | bytes) -> None:
        """Route the scheduled-event dispatches discord.py may drop to the mirror."""
        text = frame if isinstance(frame, str) else frame.decode("utf-8", "replace")
        if _PREFIX not in text:
            return
        try:
            message: dict[str, Any] = json.loads(text)
        except ValueError:
            return
        name, data = message.get("t"), message.get("d")
        try:
            if name in _WATCHED and isinstance(data, dict):
                await self.events.on_gateway(str(name), data)
        except Exception:
            log.exception("handling %s failed (code %s)", name, error_code())
        finally:
            await self.events.mark_handled(int(message.get("s") or 0))


async def setup(bot: Confbot) -> None:
    """Load the events cog."""
    await bot.add_cog(EventsCog(bot))
