"""Server-side permission checks for moderator commands.

Hiding a command (``default_permissions``) is only a hint to the Discord client; a
server admin can show it to anyone. Every moderator command therefore carries
:func:`moderator_only`, which both hides it (Manage Server, the moderator rule's
permission) and checks the invoker on the server side before the callback runs.
``tests/cogs/test_cogs_checks.py`` walks the whole command tree: a command that is
hidden, or described as "Moderators: …", without this check fails it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import discord
from discord import app_commands

from bot.config import GuildConfig
from bot.errors import PermissionDeniedError

#: The permission that makes a member a moderator, and hides moderator commands from others.
MODERATOR_PERMISSIONS = discord.Permissions(manage_guild=True)

T = TypeVar("T")


class NotModeratorError(PermissionDeniedError, app_commands.CheckFailure):
    """The invoker of a moderator command is not a moderator; ``str()`` is their sentence."""


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

    :raises NotModeratorError: with the sentence the invoker sees.
    """
    if interaction.guild is None:
        raise NotModeratorError("Moderator commands only work in the conference server.")
    if not is_moderator(interaction.user, guild_config):
        raise NotModeratorError("Only moderators can do that.")


async def moderator_predicate(interaction: discord.Interaction) -> bool:
    """Return ``True`` for a moderator; otherwise raise the refusal the invoker reads.

    :raises NotModeratorError: the invoker is not a moderator (or not in the server).
    """
    client: Any = interaction.client
    require_moderator(interaction, client.services.config.guild)
    return True


def moderator_only() -> Callable[[T], T]:
    """Mark a command as a moderator's: hidden from others, checked on the server side."""
    hide = app_commands.default_permissions(MODERATOR_PERMISSIONS)
    check = app_commands.check(moderator_predicate)

    def decorate(command: T) -> T:
        return hide(check(command))

    return decorate
