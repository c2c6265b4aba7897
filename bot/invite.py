"""``confbot invite``: the OAuth2 address that adds the bot with the permissions its features need.

The permissions are a table read top-down: each row names a feature, says when the
config enables it, which permissions it needs and why. A new feature that needs a
permission is a new row. The bits are Discord's (docs: Topics > Permissions, "Bitwise
Permission Flags"); the address is the bot authorization flow (docs: Topics > OAuth2,
"Bot Authorization Flow"). DMs need no permission, and the bot's answers to commands
go through the interaction, so they need none either: only what it posts by itself.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from urllib.parse import quote, urlencode

from bot.config import Config

__all__ = ["FEATURES", "PERMISSIONS", "Feature", "Invite", "add_invite_command", "invite_for"]

AUTHORIZE_URL = "https://discord.com/oauth2/authorize"
SCOPES = ("bot", "applications.commands")

# Discord's permission bits (docs: Topics > Permissions, Bitwise Permission Flags).
PERMISSIONS: dict[str, int] = {
    "View Channel": 1 << 10,
    "Send Messages": 1 << 11,
    "Embed Links": 1 << 14,
    "Read Message History": 1 << 16,
    "Mention @everyone, @here and All Roles": 1 << 17,
    "Manage Roles": 1 << 28,
}


def _posts_in_channels(config: Config) -> bool:
    guild = config.guild
    return bool(
        guild.room_channels
        or guild.announcements_channel is not None
        or guild.schedule_updates_channel is not None
        or guild.moderation_log_channel is not None
        or config.delivery.fallback_channel is not None
        or config.reminders.delivery == "channel"
    )


@dataclass(frozen=True, slots=True)
class Feature:
    """A row of the table: a feature, when it is on, what it needs, and why."""

    name: str
    enabled: Callable[[Config], bool]
    permissions: tuple[str, ...]
    why: str


FEATURES: tuple[Feature, ...] = (
    Feature(
        "posts in channels",
        _posts_in_channels,
        ("View Channel", "Send Messages", "Embed Links"),
        "room posts, schedule updates, announcements, the moderation log and channel "
        "reminders, with session cards as embeds",
    ),
    Feature(
        "resending safely after an outage",
        _posts_in_channels,
        ("Read Message History",),
        "before resending a post that may have landed, the bot reads the channel's latest messages",
    ),
    Feature(
        "announcements that ping",
        lambda config: (
            config.announcements.allow_everyone
            or bool(config.announcements.pingable_roles)
            or bool(config.tracks.roles)
        ),
        ("Mention @everyone, @here and All Roles",),
        "@everyone and @here if announcements.allow_everyone, and roles that are not "
        "mentionable in announcements.pingable_roles or tracks.roles",
    ),
    Feature(
        "track roles",
        lambda config: config.tracks.create_roles or bool(config.tracks.roles),
        ("Manage Roles",),
        "/tracks follow gives the member the track's role; tracks.create_roles creates it",
    ),
)


@dataclass(frozen=True, slots=True)
class Invite:
    """The address, its permissions integer, and the enabled features behind it."""

    url: str
    permissions: int
    features: tuple[Feature, ...]


def invite_for(config: Config, client_id: int) -> Invite:
    """Return the invite for ``client_id`` with exactly what ``config``'s features need."""
    features = tuple(feature for feature in FEATURES if feature.enabled(config))
    permissions = 0
    for feature in features:
        for name in feature.permissions:
            permissions |= PERMISSIONS[name]
    query = urlencode(
        {"client_id": client_id, "scope": " ".join(SCOPES), "permissions": permissions},
        quote_via=quote,
    )
    return Invite(f"{AUTHORIZE_URL}?{query}", permissions, features)


def client_id_from_token(token: str) -> int | None:
    """Return the bot's id encoded in its token's first part, or ``None`` if it has none."""
    head = token.split(".", 1)[0]
    try:
        text = base64.b64decode(head + "=" * (-len(head) % 4), validate=True).decode("ascii")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return int(text) if text.isdigit() else None


ConfigLoader = Callable[[argparse.Namespace], Config | None]


def add_invite_command(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    with_config: Callable[[argparse.ArgumentParser], argparse.ArgumentParser],
    load_config: ConfigLoader,
) -> None:
    """Add ``invite`` to the ``confbot`` command line (``load_config`` reports its problems)."""
    command = with_config(
        sub.add_parser(
            "invite",
            help="print the address that adds the bot to a server",
            description="Print the OAuth2 address that adds the bot with exactly the "
            "permissions its enabled features need, and which feature needs which.",
        )
    )
    command.add_argument(
        "--client-id", type=int, help="the application's id (default: read from the token)"
    )
    command.set_defaults(handler=partial(command_invite, load_config=load_config))


def command_invite(args: argparse.Namespace, *, load_config: ConfigLoader) -> int:
    """Print the invite address and, per feature, the permissions it adds."""
    config = load_config(args)
    if config is None:
        return 1
    client_id = args.client_id
    token = config.token()
    if client_id is None and token:
        client_id = client_id_from_token(token)
    if client_id is None:
        print(
            "confbot: give --client-id (the application id from Discord's developer portal)"
            " or set DISCORD_TOKEN",
            file=sys.stderr,
        )
        return 2
    invite = invite_for(config, client_id)
    print(invite.url)
    print(f"Scopes: {', '.join(SCOPES)} (slash commands). Permissions: {invite.permissions}")
    for feature in invite.features:
        print(f"- {', '.join(feature.permissions)} - {feature.name}: {feature.why}")
    if not invite.features:
        print("- none: nothing is posted in channels (reminders go by DM)")
    if config.bot.intents.message_content:
        print(
            "Also turn on the Message Content intent in the developer portal "
            "(bot.intents.message_content)."
        )
    return 0
