"""``/tracks follow`` and ``/tracks unfollow``: a track's role, which its room posts ping.

Which role follows a track, whether one may be created and every sentence come from the
reminders service; handing the role out (or creating it) is Discord's part, here.
:class:`GuildRoles` finds roles in the bot's servers for the service's room posts.
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import Confbot
from bot.errors import UserError
from bot.interaction_errors import defer_ephemeral
from bot.reminders.service import ReminderService
from bot.reminders.texts import (
    CANNOT_CREATE_ROLES,
    NO_TRACK_ROLE,
    TRACKS_IN_SERVER_ONLY,
    cannot_hand_out_text,
    followed_text,
    not_following_text,
    track_roles_kept_text,
    track_roles_taken_text,
    unfollowed_text,
)
from bot.schedule.model import Track

__all__ = ["GuildRoles", "TrackCommands"]
from cogs.transformers import TrackOption


class GuildRoles:
    """The roles of the servers the bot is in, by id or by name (a ``RoleDirectory``)."""

    def __init__(self, bot: Confbot) -> None:
        self._bot = bot

    def find(self, configured: int | str) -> discord.Role | None:
        """Return the first role ``configured`` names in the bot's servers."""
        for guild in self._bot.guilds:
            if isinstance(configured, int):
                role = guild.get_role(configured)
            else:
                role = discord.utils.get(guild.roles, name=configured)
            if role is not None:
                return role
        return None

    def role_id(self, configured: int | str) -> int | None:
        """Return the id of the role ``configured`` names, or ``None`` if none is visible."""
        role = self.find(configured)
        return role.id if role is not None else None


async def _member(guild: discord.Guild, user_id: int) -> discord.Member | None:
    """Return ``user_id`` in ``guild`` (asked for when not cached), or ``None``."""
    member = guild.get_member(user_id)
    if member is not None:
        return member
    try:
        return await guild.fetch_member(user_id)
    except discord.NotFound:  # not in this server (resources/guild "Get Guild Member")
        return None


class TrackCommands(commands.Cog):
    """The ``/tracks`` group, a base of the reminders cog (never loaded by itself)."""

    bot: Confbot
    service: ReminderService
    roles: GuildRoles

    tracks = app_commands.Group(
        name="tracks",
        description="Follow a track: get pinged when its sessions start",
        guild_only=True,
    )

    @tracks.command(name="follow", description="Get pinged when this track's sessions start")
    @app_commands.describe(track="The track to follow")
    async def tracks_follow(self, interaction: discord.Interaction, track: TrackOption) -> None:
        """Give the member the track's role, which its "starting soon" posts ping."""
        await defer_ephemeral(interaction)
        found = self.service.find_track(track)
        role = await self._role_to_hand_out(interaction, found)
        await self._change_roles(interaction, role, add=True)
        await interaction.followup.send(followed_text(found, role.mention), ephemeral=True)

    @tracks.command(name="unfollow", description="Stop the pings for this track")
    @app_commands.describe(track="The track to stop following")
    async def tracks_unfollow(self, interaction: discord.Interaction, track: TrackOption) -> None:
        """Take the track's role away."""
        await defer_ephemeral(interaction)
        found = self.service.find_track(track)
        role = self.track_role(found.id)
        member = interaction.user
        if role is None or not isinstance(member, discord.Member) or role not in member.roles:
            raise UserError(not_following_text(found))
        await self._change_roles(interaction, role, add=False)
        await interaction.followup.send(unfollowed_text(found), ephemeral=True)

    async def forget_track_roles(self, user_id: int) -> tuple[list[str], list[str]]:
        """Take every track role away from ``user_id`` (``/forget-me``'s forget step).

        The bot gave them (``/tracks follow``), so it takes them back in each of its
        servers; else room posts would still ping a person who asked to be forgotten.
        """
        refs = self.service.track_role_refs()
        taken: list[str] = []
        kept: list[str] = []
        for guild in self.bot.guilds:
            member = await _member(guild, user_id)
            if member is None:
                continue
            roles = [role for role in member.roles if role.id in refs or role.name in refs]
            if not roles:
                continue
            try:
                await member.remove_roles(*roles, reason="the member asked to be forgotten")
            except discord.Forbidden:
                kept.append(track_roles_kept_text([role.name for role in roles]))
            else:
                taken.append(track_roles_taken_text([role.name for role in roles]))
        return taken, kept

    def track_role(self, track_id: str) -> discord.Role | None:
        """Return the role that follows ``track_id`` (configured, or "Track: <name>")."""
        configured = self.service.track_role_ref(track_id)
        return self.roles.find(configured) if configured is not None else None

    async def _role_to_hand_out(
        self, interaction: discord.Interaction, track: Track
    ) -> discord.Role:
        role = self.track_role(track.id)
        if role is not None:
            return role
        guild = interaction.guild
        if guild is None:
            raise UserError(NO_TRACK_ROLE)
        name = self.service.role_to_create(track)
        try:
            return await guild.create_role(
                name=name, mentionable=True, reason="an attendee followed the track"
            )
        except discord.Forbidden:
            raise UserError(CANNOT_CREATE_ROLES) from None

    async def _change_roles(
        self, interaction: discord.Interaction, role: discord.Role, *, add: bool
    ) -> None:
        member = interaction.user
        if not isinstance(member, discord.Member):
            raise UserError(TRACKS_IN_SERVER_ONLY)
        try:
            if add:
                await member.add_roles(role, reason="followed a track")
            else:
                await member.remove_roles(role, reason="unfollowed a track")
        except discord.Forbidden:
            raise UserError(cannot_hand_out_text(role.mention)) from None
