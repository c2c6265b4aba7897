"""Discord's permission arithmetic: bits, channel overwrites and command visibility.

Follows the permissions page (topics/permissions) and the application-commands page
("Permissions"). Pure functions over the world's entities; nothing here talks HTTP.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from confbot_dev.sandbox.state import Channel, Guild, Member, User, World

# Permission bits used by the sandbox (the permissions page's table).
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
MENTION_EVERYONE = 1 << 17
USE_EXTERNAL_EMOJIS = 1 << 18
ADD_REACTIONS = 1 << 6
MANAGE_MESSAGES = 1 << 13
SEND_TTS_MESSAGES = 1 << 12
MANAGE_GUILD = 1 << 5
MANAGE_ROLES = 1 << 28
ADMINISTRATOR = 1 << 3
MANAGE_CHANNELS = 1 << 4
CONNECT = 1 << 20
MUTE_MEMBERS = 1 << 22
MOVE_MEMBERS = 1 << 24
MANAGE_EVENTS = 1 << 33
CREATE_EVENTS = 1 << 44
ALL_PERMISSIONS = (1 << 53) - 1
# The interactions page: DM app_permissions are ATTACH_FILES | EMBED_LINKS |
# MENTION_EVERYONE, plus USE_EXTERNAL_EMOJIS in the DM with the app's bot user.
DM_APP_PERMISSIONS = ATTACH_FILES | EMBED_LINKS | MENTION_EVERYONE | USE_EXTERNAL_EMOJIS
USE_APPLICATION_COMMANDS = 1 << 31
SEND_MESSAGES_IN_THREADS = 1 << 38

EVERYONE_PERMISSIONS = (
    VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | ADD_REACTIONS
    | USE_EXTERNAL_EMOJIS
    | USE_APPLICATION_COMMANDS
    | SEND_MESSAGES_IN_THREADS
)

ROLE_OVERWRITE, MEMBER_OVERWRITE = 0, 1


def guild_permissions(guild: Guild, member: Member) -> int:
    """Return the guild-level permission integer of ``member`` (@everyone, then roles)."""
    if guild.owner_id == member.user.id:
        return ALL_PERMISSIONS
    perms = 0
    for role in guild.roles:
        if role.id == guild.id or role in member.roles:
            perms |= role.permissions
    if perms & ADMINISTRATOR:
        return ALL_PERMISSIONS
    return perms


def channel_permissions(guild: Guild, member: Member, channel: Channel) -> int:
    """Return ``member``'s permissions in ``channel`` as the permissions page computes them.

    Base permissions (@everyone, then the member's roles; the owner and ADMINISTRATOR get
    everything and skip overwrites), then the channel's overwrites in the documented
    order: @everyone deny/allow, the member's roles' deny/allow, the member's deny/allow.
    Implicit denials (no VIEW_CHANNEL, no SEND_MESSAGES) are not applied here, as in
    ``app_permissions``; :func:`effective_permissions` applies them.
    """
    perms = guild_permissions(guild, member)
    if perms == ALL_PERMISSIONS:
        return perms
    everyone = channel.overwrite_for(guild.id)
    if everyone is not None:
        perms = (perms & ~everyone.deny) | everyone.allow
    role_ids = {role.id for role in member.roles}
    allow = deny = 0
    for overwrite in channel.overwrites:
        if overwrite.type == ROLE_OVERWRITE and overwrite.id in role_ids:
            allow |= overwrite.allow
            deny |= overwrite.deny
    perms = (perms & ~deny) | allow
    own = next(
        (o for o in channel.overwrites if o.type == MEMBER_OVERWRITE and o.id == member.user.id),
        None,
    )
    if own is not None:
        perms = (perms & ~own.deny) | own.allow
    return perms


def effective_permissions(guild: Guild, member: Member, channel: Channel) -> int:
    """Return what ``member`` can actually do in ``channel`` (implicit denials applied)."""
    perms = channel_permissions(guild, member, channel)
    if perms == ALL_PERMISSIONS:
        return perms
    if not perms & VIEW_CHANNEL:
        return 0
    if not perms & SEND_MESSAGES:
        perms &= ~(MENTION_EVERYONE | SEND_TTS_MESSAGES | ATTACH_FILES | EMBED_LINKS)
    return perms


# Application command permission types (the application-commands page).
COMMAND_ROLE, COMMAND_USER, COMMAND_CHANNEL = 1, 2, 3


def command_denial(
    world: World, command: dict[str, Any], user: User, channel: Channel
) -> str | None:
    """Return why a Discord client would not show ``command`` to ``user`` here (None: shown).

    The application-commands page: a member needs every bit of ``default_member_permissions``
    unless a command permission override decides; user overrides beat role overrides, which
    beat the @everyone override (role id = guild id), and when a member's roles disagree
    the allowing one wins; a channel override (id = channel, or guild id - 1 for "All
    Channels", the channel's own first) can disable the command there; ADMINISTRATOR sees
    all.
    Overrides set on the application id apply to commands without their own.
    """
    if channel.guild_id is None:
        contexts = command.get("contexts")
        guild_only = command.get("guild_id") is not None or (
            1 not in contexts if contexts is not None else command.get("dm_permission") is False
        )
        return "it is not available in DMs" if guild_only else None
    guild = world.guilds[channel.guild_id]
    member = guild.members.get(user.id)
    if member is None:
        return f"{user.username} is not a member of {guild.name}"
    granted = guild_permissions(guild, member)
    if granted == ALL_PERMISSIONS:
        return None
    entries = world.command_permissions.get((guild.id, str(command["id"])))
    if entries is None:
        entries = world.command_permissions.get((guild.id, str(world.application_id)), [])

    def decided(kind: int, ids: set[int]) -> list[bool]:
        return [bool(e["permission"]) for e in entries if e["type"] == kind and int(e["id"]) in ids]

    # The channel's own override decides before the "All Channels" constant, so a command
    # switched off everywhere can be switched back on in one channel (and the reverse).
    for channel_id in (channel.id, guild.id - 1):
        switched = decided(COMMAND_CHANNEL, {channel_id})
        if switched:
            if False in switched:
                return "it is disabled in this channel"
            break
    for verdict in (
        decided(COMMAND_USER, {user.id}),
        decided(COMMAND_ROLE, {role.id for role in member.roles}),
        decided(COMMAND_ROLE, {guild.id}),
    ):
        if verdict:
            # Any allowing role wins over a denying one (the most permissive applies).
            return None if True in verdict else "a command permission override denies it"
    required = command.get("default_member_permissions")
    if required is None or (granted & int(required)) == int(required):
        return None
    return f"it needs permissions {required} (default_member_permissions)"
