"""Where an announcement may go, read from the server: its channels, roles and permissions.

Only Discord knows these: the configured announcements channel as a channel of this
server, the server's roles (the allow-list itself is ``bot/announcements/pings.py``'s)
and what the bot may do in each channel, permission overwrites included.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import discord

from bot.announcements.pings import RoleName
from bot.announcements.text import Ping
from bot.config import ChannelRef
from bot.errors import UserError


def announcements_channel(
    guild: discord.Guild | None, configured: ChannelRef | None
) -> discord.TextChannel:
    """Return the configured announcements channel of ``guild``.

    :raises UserError: none is configured, or it is not a text channel here.
    """
    channel: Any = None
    if guild is not None and isinstance(configured, int):
        channel = guild.get_channel(configured)
    elif guild is not None and isinstance(configured, str):
        channel = discord.utils.get(guild.text_channels, name=configured.lstrip("#"))
    if not isinstance(channel, discord.TextChannel):
        raise UserError("There is no announcements channel configured here: choose a channel.")
    return channel


def server_roles(guild: discord.Guild | None) -> list[RoleName]:
    """Return the server's roles as ``(id, name)``, the @everyone role left out."""
    if guild is None:
        return []
    return [(role.id, role.name) for role in guild.roles if not role.is_default()]


def require_can_post(channels: Sequence[Any], ping: Ping) -> None:
    """Stop unless the bot may post (and ping as asked) in every channel, overwrites included.

    :raises UserError: naming each channel and the permissions missing there.
    """
    refusals = []
    for channel in channels:
        if not isinstance(channel, discord.TextChannel):
            raise UserError("Announcements go to a text channel of this server.")
        missing = _missing_permissions(channel, ping)
        if missing:
            refusals.append(f"in {channel.mention}: I lack {', '.join(missing)} there")
    if refusals:
        raise UserError(f"I may not post that {'; '.join(refusals)}. Nothing was queued.")


def _missing_permissions(channel: discord.TextChannel, ping: Ping) -> list[str]:
    """Return what the bot lacks to post (and ping as asked, and crosspost) in ``channel``."""
    permissions = channel.permissions_for(channel.guild.me)
    missing = []
    if not permissions.view_channel:
        missing.append("View Channel")
    # Send Messages is also all a crosspost of the bot's own message needs.
    if not permissions.send_messages:
        missing.append("Send Messages")
    role = channel.guild.get_role(ping.role_id) if ping.role_id is not None else None
    needs_everyone = ping.everyone is not None or (role is not None and not role.mentionable)
    if needs_everyone and not permissions.mention_everyone:
        missing.append("Mention @everyone, @here and All Roles")
    return missing
