"""Where things are posted: the configured channels, resolved to ids by the Discord layer.

Features ask a :class:`ChannelDirectory` (the bot implements it once the gateway is
ready) instead of looking channels up themselves, so they stay free of Discord.
"""

from __future__ import annotations

from typing import Protocol

from bot.config import ChannelRef

__all__ = ["ChannelDirectory", "NoChannels"]


class ChannelDirectory(Protocol):
    """Channel ids for what the config names by id or by name."""

    def channel_id(self, configured: ChannelRef | None) -> int | None:
        """Return the id of a configured channel, or ``None`` if none is set or visible."""
        ...

    def room_channel_ids(self) -> dict[str, int]:
        """Return room id -> channel id for the configured room channels that are visible."""
        ...

    def channel_url(self, channel_id: int) -> str | None:
        """Return the channel's link (``https://discord.com/channels/<guild>/<channel>``)."""
        ...


class NoChannels:
    """A directory that knows no channel (a bot that is not connected, a benchmark)."""

    def channel_id(self, configured: ChannelRef | None) -> int | None:
        """Return a configured id as is; a name cannot be resolved without Discord."""
        return configured if isinstance(configured, int) else None

    def room_channel_ids(self) -> dict[str, int]:
        """Return the rooms configured by id."""
        return {}

    def channel_url(self, channel_id: int) -> str | None:
        """Return ``None``: the server a channel is in is unknown without Discord."""
        return None
