"""Hold the fake Discord world (users, guilds, channels, messages, commands)."""

from __future__ import annotations

import copy
import hashlib
import itertools
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

# The permission bits lived here first; they are re-exported for older imports.
from confbot_dev.sandbox.permissions import (
    ADD_REACTIONS as ADD_REACTIONS,
)
from confbot_dev.sandbox.permissions import (
    ATTACH_FILES as ATTACH_FILES,
)
from confbot_dev.sandbox.permissions import (
    EMBED_LINKS as EMBED_LINKS,
)
from confbot_dev.sandbox.permissions import (
    EVERYONE_PERMISSIONS as EVERYONE_PERMISSIONS,
)
from confbot_dev.sandbox.permissions import (
    MANAGE_GUILD as MANAGE_GUILD,
)
from confbot_dev.sandbox.permissions import (
    MANAGE_MESSAGES as MANAGE_MESSAGES,
)
from confbot_dev.sandbox.permissions import (
    MENTION_EVERYONE as MENTION_EVERYONE,
)
from confbot_dev.sandbox.permissions import (
    READ_MESSAGE_HISTORY as READ_MESSAGE_HISTORY,
)
from confbot_dev.sandbox.permissions import (
    SEND_MESSAGES as SEND_MESSAGES,
)
from confbot_dev.sandbox.permissions import (
    SEND_MESSAGES_IN_THREADS as SEND_MESSAGES_IN_THREADS,
)
from confbot_dev.sandbox.permissions import (
    USE_APPLICATION_COMMANDS as USE_APPLICATION_COMMANDS,
)
from confbot_dev.sandbox.permissions import (
    USE_EXTERNAL_EMOJIS as USE_EXTERNAL_EMOJIS,
)
from confbot_dev.sandbox.permissions import (
    VIEW_CHANNEL as VIEW_CHANNEL,
)
from confbot_dev.sandbox.permissions import (
    effective_permissions,
    guild_permissions,
)

DISCORD_EPOCH_MS = 1_420_070_400_000

MENTION_RE = re.compile(r"<@!?(\d+)>")
ROLE_MENTION_RE = re.compile(r"<@&(\d+)>")


def numbered_components(components: list[Any]) -> list[Any]:
    """Return a copy of ``components`` as Discord stores them.

    Ids are numbered 1, 2, ... depth first (kept if set), and a unicode emoji loses the
    ``"id": null`` a client may send: Discord answers ``{"name": "⏰"}``.
    """
    taken = {component.get("id") for component in _walk(components)}
    counter = itertools.count(1)
    copied = copy.deepcopy(components)
    for component in _walk(copied):
        emoji = component.get("emoji")
        if isinstance(emoji, dict) and emoji.get("id") is None:
            emoji.pop("id", None)
        if component.get("id") is None:
            number = next(counter)
            while number in taken:
                number = next(counter)
            component["id"] = number
    return copied


def _walk(components: list[Any]) -> Iterator[dict[str, Any]]:
    for component in components:
        if isinstance(component, dict):
            yield component
            nested = [component.get("accessory"), component.get("component")]
            yield from _walk([*(component.get("components") or []), *nested])


def now_iso() -> str:
    """Return the current UTC time as an ISO-8601 string."""
    return datetime.now(UTC).isoformat()


class Snowflakes:
    """Generate increasing, realistic snowflake ids.

    With ``stable=True``, :meth:`named` derives the id of a named entity (a user, a guild,
    a channel, a role) from its names, so a world rebuilt by another process has the same
    ids: ``confbot demo --data-dir`` keeps its database's zones and agendas across runs.
    """

    def __init__(self, *, stable: bool = False) -> None:
        self.stable = stable
        self._counter = itertools.count(1)
        self._last = 0
        self._named: set[int] = set()

    def named(self, *names: str) -> int:
        """Return an id for the entity ``names`` identify: derived from them if stable."""
        if not self.stable:
            return self.next()
        digest = int.from_bytes(hashlib.sha256("\0".join(names).encode()).digest()[:8], "big")
        # A creation time within Discord's first weeks (2015), so every named id sorts
        # before the ids next() makes now, and 22 more bits of the digest.
        identifier = max((digest >> 34) << 22 | (digest & 0x3FFFFF), 1)
        if identifier in self._named:  # the same names twice: a fresh id for the second
            return self.next()
        self._named.add(identifier)
        return identifier

    def skip_past(self, identifier: int) -> None:
        """Make every later id larger than ``identifier`` (one kept from an earlier run)."""
        self._last = max(self._last, identifier)

    def at(self, seconds: float) -> int:
        """Return a fresh id created at Unix time ``seconds`` (an interaction's: its creation).

        Not kept in the order of :meth:`next`: an interaction's id tells when Discord created
        it (``Interaction.created_at``), on the bot's clock when the harness sets
        ``Limits.wall_clock`` to it; the whole 22 low bits count, so ids at one instant
        (a stopped clock) stay distinct.
        """
        ms = max(0, int(seconds * 1000) - DISCORD_EPOCH_MS)
        return (ms << 22) | (next(self._counter) & 0x3FFFFF)

    def next(self) -> int:
        """Return a fresh id, strictly larger than every previous one."""
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        value = (ms << 22) | (next(self._counter) & 0xFFF)
        self._last = max(value, self._last + 1)
        return self._last


@dataclass
class User:
    """A Discord user (the bot itself is one too)."""

    id: int
    username: str
    bot: bool = False
    dms_open: bool = True
    global_name: str | None = None

    @property
    def mention(self) -> str:
        """Return the ``<@id>`` mention string."""
        return f"<@{self.id}>"

    def payload(self) -> dict[str, Any]:
        """Return the Discord user object."""
        return {
            "id": str(self.id),
            "username": self.username,
            "discriminator": "0",
            "global_name": self.global_name,
            "avatar": None,
            "bot": self.bot,
            "system": False,
            "public_flags": 0,
            "flags": 0,
        }

    def private_payload(self) -> dict[str, Any]:
        """Return the user object ``GET /users/@me`` answers (the account's own fields)."""
        return {**self.payload(), "verified": True, "mfa_enabled": False, "locale": "en-US"}


@dataclass
class Role:
    """A guild role."""

    id: int
    guild_id: int
    name: str
    permissions: int = 0
    position: int = 0
    # resources/guild "Create Guild Role": mentionable defaults to false.
    mentionable: bool = False

    @property
    def mention(self) -> str:
        """Return the ``<@&id>`` mention string."""
        return f"<@&{self.id}>"

    def payload(self) -> dict[str, Any]:
        """Return the Discord role object."""
        return {
            "id": str(self.id),
            "name": self.name,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "position": self.position,
            "permissions": str(self.permissions),
            "managed": False,
            "mentionable": self.mentionable,
            "flags": 0,
        }


@dataclass
class Member:
    """A user's membership in a guild."""

    user: User
    guild_id: int
    roles: list[Role] = field(default_factory=list)
    nick: str | None = None
    joined_at: str = field(default_factory=now_iso)

    def payload(self, *, with_user: bool = True) -> dict[str, Any]:
        """Return the Discord guild member object."""
        data: dict[str, Any] = {
            "roles": [str(r.id) for r in self.roles],
            "nick": self.nick,
            "avatar": None,
            "banner": None,
            "joined_at": self.joined_at,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "pending": False,
            "flags": 0,
            "communication_disabled_until": None,
        }
        if with_user:
            data["user"] = self.user.payload()
        return data


@dataclass
class Overwrite:
    """A channel permission overwrite for a role (type 0) or a member (type 1)."""

    id: int
    type: int
    allow: int = 0
    deny: int = 0

    def payload(self) -> dict[str, Any]:
        """Return the Discord overwrite object."""
        return {
            "id": str(self.id),
            "type": self.type,
            "allow": str(self.allow),
            "deny": str(self.deny),
        }


# Channel types (resources/channel, "Channel Types").
GUILD_TEXT = 0
GUILD_ANNOUNCEMENT = 5
GUILD_VOICE = 2
GUILD_STAGE_VOICE = 13
# Message flags (resources/message, "Message Flags").
CROSSPOSTED = 1 << 0


@dataclass
class Channel:
    """A guild text channel (type 0), DM channel (type 1) or announcement channel (type 5)."""

    id: int
    name: str
    type: int = 0
    guild_id: int | None = None
    recipient: User | None = None
    position: int = 0
    overwrites: list[Overwrite] = field(default_factory=list)

    def overwrite_for(self, target_id: int) -> Overwrite | None:
        """Return the overwrite for role or member ``target_id`` if the channel has one."""
        return next((o for o in self.overwrites if o.id == target_id), None)

    @property
    def mention(self) -> str:
        """Return the ``<#id>`` mention string."""
        return f"<#{self.id}>"

    @property
    def is_dm(self) -> bool:
        """Return whether this is a DM channel."""
        return self.type == 1

    def payload(self) -> dict[str, Any]:
        """Return the Discord channel object."""
        if self.is_dm and self.recipient is not None:
            return {
                "id": str(self.id),
                "type": 1,
                "last_message_id": None,
                "recipients": [self.recipient.payload()],
                "flags": 0,
            }
        payload: dict[str, Any] = {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(self.guild_id),
            "name": self.name,
            "position": self.position,
            "permission_overwrites": [o.payload() for o in self.overwrites],
            "parent_id": None,
            "topic": None,
            "nsfw": False,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "flags": 0,
        }
        if self.type in (GUILD_VOICE, GUILD_STAGE_VOICE):
            # resources/channel, "Example Voice Channel": a voice (or stage) channel's fields.
            payload.update(bitrate=64000, user_limit=0, rtc_region=None)
        return payload


@dataclass
class Guild:
    """A guild with its channels, roles and members."""

    id: int
    name: str
    owner_id: int
    channels: list[Channel] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    members: dict[int, Member] = field(default_factory=dict)

    def role(self, role_id: int) -> Role | None:
        """Return the role with ``role_id`` if present."""
        return next((r for r in self.roles if r.id == role_id), None)

    def payload(self) -> dict[str, Any]:
        """Return the (partial) Discord guild object used by REST."""
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "owner_id": str(self.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "roles": [r.payload() for r in self.roles],
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "application_id": None,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "vanity_url_code": None,
            "description": None,
            "banner": None,
            "premium_tier": 0,
            "preferred_locale": "en-US",
            "public_updates_channel_id": None,
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
            "home_header": None,
            "region": "deprecated",
            "widget_enabled": False,
            "widget_channel_id": None,
            "max_presences": None,
            "max_members": 500_000,
            "max_stage_video_channel_users": 50,
            "max_video_channel_users": 25,
            "premium_subscription_count": 0,
            "safety_alerts_channel_id": None,
            "nsfw": False,
            "incidents_data": None,
        }

    def create_payload(self) -> dict[str, Any]:
        """Return the GUILD_CREATE payload (member_count == len(members): no chunking)."""
        data = self.payload()
        data.update(
            {
                "unavailable": False,
                "large": False,
                "joined_at": now_iso(),
                "member_count": len(self.members),
                "members": [m.payload() for m in self.members.values()],
                "channels": [c.payload() for c in self.channels],
                "threads": [],
                "presences": [],
                "voice_states": [],
                "stage_instances": [],
                "guild_scheduled_events": [],
                "soundboard_sounds": [],
            }
        )
        return data


@dataclass
class InteractionResult:
    """Collect what the bot answered to one user action.

    ``message`` is the response the user sees: the callback's message, or, after a
    "thinking…" defer, that message as the first follow-up (or an edit) filled it in; after
    a silent defer (type 6), the first follow-up. ``followups`` are the new messages sent
    with the token (the follow-up that fills in a deferred response is not one).
    """

    what: str
    type: int | None = None
    message: dict[str, Any] | None = None
    modal: dict[str, Any] | None = None
    choices: list[dict[str, Any]] | None = None
    followups: list[dict[str, Any]] = field(default_factory=list)
    error: dict[str, Any] | None = None

    @property
    def content(self) -> str:
        """Return the reply's text content ("" when none)."""
        return str((self.message or {}).get("content") or "")

    @property
    def embeds(self) -> list[dict[str, Any]]:
        """Return the reply's embeds as dicts."""
        return list((self.message or {}).get("embeds") or [])

    @property
    def components(self) -> list[dict[str, Any]]:
        """Return the reply's component rows as dicts."""
        return list((self.message or {}).get("components") or [])

    @property
    def ephemeral(self) -> bool:
        """Return whether the reply is only visible to the invoking user."""
        return bool(int((self.message or {}).get("flags") or 0) & 64)

    @property
    def files(self) -> list[str]:
        """Return the file names attached to the reply."""
        return [a["filename"] for a in (self.message or {}).get("attachments") or []]

    @property
    def allowed_mentions(self) -> dict[str, Any] | None:
        """Return the ``allowed_mentions`` the bot sent with the reply."""
        value = (self.message or {}).get("allowed_mentions")
        return value if isinstance(value, dict) else None


@dataclass
class InteractionRecord:
    """Server-side bookkeeping for one dispatched interaction."""

    id: int
    token: str
    type: int
    user: User
    channel: Channel
    created_at: float
    what: str
    source_message_id: int | None = None
    # The interaction whose modal this one submits (modal submits only).
    trigger: InteractionRecord | None = None
    acknowledged: bool = False
    callback_type: int | None = None
    original_id: int | None = None
    done: bool = False
    expired: bool = False
    result: InteractionResult = field(default_factory=lambda: InteractionResult(what=""))


class World:
    """Own all entities and message storage of the sandbox."""

    def __init__(self, ids: Snowflakes, bot_user: User, application_id: int) -> None:
        self.ids = ids
        self.bot_user = bot_user
        self.application_id = application_id
        self.users: dict[int, User] = {bot_user.id: bot_user}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.dm_channels: dict[int, Channel] = {}
        self.messages: dict[int, dict[str, Any]] = {}
        # Uploaded files by attachment id, so tests can read what a user would download.
        self.attachment_data: dict[int, bytes] = {}
        # Where the sandbox serves files members attach to commands (set when it starts).
        self.files_base = ""
        self.channel_log: dict[int, list[int]] = {}
        self.global_commands: list[dict[str, Any]] = []
        self.guild_commands: dict[int, list[dict[str, Any]]] = {}
        self.interactions: dict[int, InteractionRecord] = {}
        self.nonces: dict[tuple[int, str], tuple[int, float]] = {}
        # (guild id, command id) -> application command permission objects, as an admin
        # sets them in Server Settings > Integrations (bots cannot PUT them).
        self.command_permissions: dict[tuple[int, str], list[dict[str, Any]]] = {}
        # Guild scheduled events by id (``scheduled_events.ScheduledEvent``), every guild's.
        self.scheduled_events: dict[int, Any] = {}

    # -- entities -----------------------------------------------------------------

    def add_user(self, name: str, *, dms_open: bool = True, bot: bool = False) -> User:
        """Create a user."""
        user = User(id=self.ids.named("user", name), username=name, dms_open=dms_open, bot=bot)
        self.users[user.id] = user
        return user

    def interaction_by_token(self, token: str) -> InteractionRecord | None:
        """Return the interaction whose token is ``token``."""
        return next((r for r in self.interactions.values() if r.token == token), None)

    def member(self, guild_id: int | None, user_id: int) -> Member | None:
        """Return the member record if ``user_id`` is in guild ``guild_id``."""
        guild = self.guilds.get(guild_id) if guild_id is not None else None
        return guild.members.get(user_id) if guild else None

    def dm_channel(self, user: User) -> Channel:
        """Return (creating if needed) the DM channel between the bot and ``user``."""
        chan = self.dm_channels.get(user.id)
        if chan is None:
            chan = Channel(id=self.ids.named("dm", str(user.id)), name="", type=1, recipient=user)
            self.dm_channels[user.id] = chan
            self.channels[chan.id] = chan
        return chan

    def member_permissions(self, guild: Guild, member: Member) -> int:
        """Return the guild-level permission integer of ``member``."""
        return guild_permissions(guild, member)

    def bot_permissions(self, channel: Channel) -> int:
        """Return the bot's effective permissions in guild ``channel`` (0 outside guilds)."""
        guild = self.guilds.get(channel.guild_id) if channel.guild_id is not None else None
        member = guild.members.get(self.bot_user.id) if guild is not None else None
        if guild is None or member is None:
            return 0
        return effective_permissions(guild, member, channel)

    def application_payload(self) -> dict[str, Any]:
        """Return the application object (``GET /applications/@me``)."""
        bot = self.bot_user
        return {
            "id": str(self.application_id),
            "name": bot.username,
            "icon": None,
            "description": "confbot sandbox application",
            "type": None,
            "rpc_origins": [],
            "bot_public": True,
            "bot_require_code_grant": False,
            "bot": bot.payload(),
            "owner": {**bot.payload(), "bot": False, "username": "sandbox-owner"},
            "team": None,
            "verify_key": "0" * 64,
            "flags": 0,
            "flags_new": "0",
            "summary": "",
            "tags": [],
            "interactions_endpoint_url": None,
            "role_connections_verification_url": None,
            "redirect_uris": [],
            "approximate_guild_count": len(self.guilds),
            "approximate_user_install_count": 0,
            "approximate_user_authorization_count": 0,
            "explicit_content_filter": 0,
            "eligible_oauth2_scopes": ["applications.commands", "bot"],
        }

    def interaction_metadata(self, rec: InteractionRecord) -> dict[str, Any]:
        """Return ``interaction_metadata`` for a message answering ``rec``."""
        data: dict[str, Any] = {
            "id": str(rec.id),
            "type": rec.type,
            "user": rec.user.payload(),
            "authorizing_integration_owners": {"0": str(rec.channel.guild_id or 0)},
        }
        if rec.type == 3 and rec.source_message_id is not None:
            data["interacted_message_id"] = str(rec.source_message_id)
        if rec.type == 5 and rec.trigger is not None:
            data["triggering_interaction_metadata"] = self.interaction_metadata(rec.trigger)
        if rec.original_id not in (None, rec.source_message_id):
            data["original_response_message_id"] = str(rec.original_id)
        return data

    # -- commands -----------------------------------------------------------------

    def overwrite_commands(
        self, commands: list[dict[str, Any]], guild_id: int | None
    ) -> list[dict[str, Any]]:
        """Replace the global or guild command set, keeping ids of same-named commands."""
        old = self.global_commands if guild_id is None else self.guild_commands.get(guild_id, [])
        by_key = {(c["name"], c.get("type", 1)): c for c in old}
        stored: list[dict[str, Any]] = []
        for raw in commands:
            previous = by_key.get((raw["name"], raw.get("type", 1)))
            cmd = {
                "type": 1,
                "description": "",
                "options": [],
                "dm_permission": True,
                "nsfw": False,
                **raw,
                # Discord answers with its defaults and permissions as a string.
                "integration_types": raw.get("integration_types") or [0],
                "default_member_permissions": (
                    None
                    if raw.get("default_member_permissions") is None
                    else str(raw["default_member_permissions"])
                ),
                "id": previous["id"] if previous else str(self.ids.next()),
                "application_id": str(self.application_id),
                "version": str(self.ids.next()),
            }
            if guild_id is not None:
                cmd["guild_id"] = str(guild_id)
            stored.append(cmd)
        if guild_id is None:
            self.global_commands = stored
        else:
            self.guild_commands[guild_id] = stored
        return stored

    def find_command(self, name: str, guild_id: int | None) -> dict[str, Any] | None:
        """Find a chat-input command by name, guild commands first."""
        pools: list[list[dict[str, Any]]] = []
        if guild_id is not None:
            pools.append(self.guild_commands.get(guild_id, []))
        pools.append(self.global_commands)
        for pool in pools:
            for cmd in pool:
                if cmd["name"] == name and cmd.get("type", 1) == 1:
                    return cmd
        return None

    # -- messages -----------------------------------------------------------------

    def build_message(
        self,
        channel: Channel,
        author: User,
        body: dict[str, Any],
        *,
        attachments: list[dict[str, Any]] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Build a Discord message object from a create-message body."""
        content = str(body.get("content") or "")
        # resources/message "Allowed Mentions": interaction and webhook messages parse only
        # users unless told otherwise; regular messages parse everything.
        webhook = bool(extra and extra.get("webhook_id"))
        users, roles, everyone = self.pinged(channel, author, body, webhook=webhook)
        message: dict[str, Any] = {
            "id": str(self.ids.next()),
            "channel_id": str(channel.id),
            "author": author.payload(),
            "content": content,
            "timestamp": now_iso(),
            "edited_timestamp": None,
            "tts": bool(body.get("tts", False)),
            "mention_everyone": everyone,
            "mentions": [self.users[user_id].payload() for user_id in users],
            "mention_roles": [str(role_id) for role_id in roles],
            "attachments": attachments or [],
            "embeds": list(body.get("embeds") or []),
            "components": numbered_components(body.get("components") or []),
            "reactions": [],
            "pinned": False,
            "type": 0,
            "flags": int(body.get("flags") or 0),
        }
        if body.get("allowed_mentions") is not None:
            message["allowed_mentions"] = body["allowed_mentions"]
        ref = body.get("message_reference")
        if isinstance(ref, dict) and ref.get("message_id"):
            message["type"] = 19
            message["message_reference"] = {
                "type": 0,
                "message_id": str(ref["message_id"]),
                "channel_id": str(ref.get("channel_id") or channel.id),
                **({"guild_id": str(channel.guild_id)} if channel.guild_id else {}),
            }
            referenced = self.messages.get(int(ref["message_id"]))
            if referenced is not None:
                message["referenced_message"] = referenced
        if extra:
            message.update(extra)
        return message

    def pinged(
        self, channel: Channel, author: User, body: dict[str, Any], *, webhook: bool = False
    ) -> tuple[list[int], list[int], bool]:
        """Return the users, roles and whether @everyone/@here a message body really pings.

        resources/message "Allowed Mentions Object": a mention pings only if its type is in
        ``parse`` (or its id in ``users``/``roles``; the default is every type, or only
        users for interactions and webhooks) and it appears in the content. A role pings
        only if it is ``mentionable`` or the author has MENTION_EVERYONE in the channel;
        @everyone and @here need MENTION_EVERYONE (topics/permissions).
        """
        content = str(body.get("content") or "")
        allowed = body.get("allowed_mentions")
        if isinstance(allowed, dict):
            parse = set(allowed.get("parse") or [])
            listed_users = {str(each) for each in allowed.get("users") or []}
            listed_roles = {str(each) for each in allowed.get("roles") or []}
        else:
            parse = {"users"} if webhook else {"users", "roles", "everyone"}
            listed_users = listed_roles = set()
        users = [
            int(uid)
            for uid in dict.fromkeys(MENTION_RE.findall(content))
            if int(uid) in self.users and ("users" in parse or uid in listed_users)
        ]
        guild = self.guilds.get(channel.guild_id) if channel.guild_id is not None else None
        if guild is None:
            return users, [], False
        member = guild.members.get(author.id)
        may_ping_all = member is not None and bool(
            effective_permissions(guild, member, channel) & MENTION_EVERYONE
        )
        roles = []
        for rid in dict.fromkeys(ROLE_MENTION_RE.findall(content)):
            role = guild.role(int(rid))
            if role is None or role.id == guild.id:
                continue
            if ("roles" in parse or rid in listed_roles) and (role.mentionable or may_ping_all):
                roles.append(role.id)
        everyone = (
            ("@everyone" in content or "@here" in content) and "everyone" in parse and may_ping_all
        )
        return users, roles, everyone

    def notified(self, message: dict[str, Any]) -> set[int]:
        """Return the ids of the users a stored message notified (its author never)."""
        channel = self.channels[int(message["channel_id"])]
        ids = {int(user["id"]) for user in message.get("mentions") or []}
        guild = self.guilds.get(channel.guild_id) if channel.guild_id is not None else None
        if guild is not None:
            roles = {int(rid) for rid in message.get("mention_roles") or []}
            for member in guild.members.values():
                everyone = message.get("mention_everyone") and (
                    effective_permissions(guild, member, channel) & VIEW_CHANNEL
                )
                if everyone or roles & {role.id for role in member.roles}:
                    ids.add(member.user.id)
        ids.discard(int(message["author"]["id"]))
        return ids

    def store_message(self, channel: Channel, message: dict[str, Any]) -> None:
        """Store a message; ephemeral ones are kept by id only (not in the channel log)."""
        self.messages[int(message["id"])] = message
        if not int(message.get("flags", 0)) & 64:
            self.channel_log.setdefault(channel.id, []).append(int(message["id"]))

    def delete_message(self, message_id: int) -> dict[str, Any] | None:
        """Remove a message from storage and return it."""
        message = self.messages.pop(message_id, None)
        if message is not None:
            log = self.channel_log.get(int(message["channel_id"]), [])
            if message_id in log:
                log.remove(message_id)
        return message

    def channel_messages(self, channel_id: int) -> list[dict[str, Any]]:
        """Return the visible messages of a channel, oldest first."""
        return [
            self.messages[i] for i in self.channel_log.get(channel_id, []) if i in self.messages
        ]

    def gateway_message(self, message: dict[str, Any]) -> dict[str, Any]:
        """Return ``message`` as the gateway sends it (guild_id and member added)."""
        channel = self.channels.get(int(message["channel_id"]))
        data = dict(message)
        if channel is not None and channel.guild_id is not None:
            data["guild_id"] = str(channel.guild_id)
            member = self.member(channel.guild_id, int(message["author"]["id"]))
            if member is not None:
                data["member"] = member.payload(with_user=False)
        return data
