"""Server-side permission checks for moderator commands.

Hiding a command (``default_permissions``) is only a hint to the Discord client; a
server admin can show it to anyone. Every moderator command therefore calls
:func:`require_moderator` itself.
"""

from __future__ import annotations

import discord

from bot.config import GuildConfig
from bot.errors import PermissionDeniedError


def is_moderator(member: discord.Member | discord.User, guild_config: GuildConfig) -> bool:
    """Return whether ``member`` holds the configured moderator role or can manage the server."""
    if not isinstance(member, discord.Member):
        return False
    if member.guild_permissions.manage_guild:
        return True
    wanted = guild_config.moderator_role
    if wanted is None:
        return False
    return any(role.id == wanted or role.name == wanted for role in member.roles)


def require_moderator(interaction: discord.Interaction, guild_config: GuildConfig) -> None:
    """Stop unless the invoker is a moderator of this server.

    :raises PermissionDeniedError: with the sentence the invoker sees.
    """
    if interaction.guild is None:
        raise PermissionDeniedError("Moderator commands only work in the conference server.")
    if not is_moderator(interaction.user, guild_config):
        raise PermissionDeniedError("Only moderators can do that.")
