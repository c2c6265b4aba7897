"""Channel permission overwrites: REST refusals, interaction payloads and discord.py's view."""

from __future__ import annotations

import aiohttp
import discord
import pytest

from confbot_dev.sandbox import Channel, Sandbox
from confbot_dev.sandbox.permissions import (
    ADMINISTRATOR,
    ALL_PERMISSIONS,
    DM_APP_PERMISSIONS,
    EVERYONE_PERMISSIONS,
    MANAGE_MESSAGES,
    SEND_MESSAGES,
    VIEW_CHANNEL,
)
from tests.support.clocks import HandClock
from tests.support.rules_bot import RulesWorld, auth


async def _post(sandbox: Sandbox, channel: Channel) -> tuple[int, int | None]:
    """Post a message as the bot in ``channel``; return the status and the error code."""
    url = f"{sandbox.api_base}/channels/{channel.id}/messages"
    async with (
        aiohttp.ClientSession(headers=auth(sandbox)) as http,
        http.post(url, json={"content": "hello"}) as response,
    ):
        body = await response.json()
        return response.status, body.get("code") if response.status != 200 else None


async def test_everyone_denied_send_messages_refuses_the_bot_with_50013(
    bare_rules: tuple[Sandbox, HandClock],
) -> None:
    """An @everyone overwrite denying SEND_MESSAGES stops the bot: 403 50013."""
    sandbox, _clock = bare_rules
    sandbox.allow_rejection(code=50013)
    guild = sandbox.add_guild("G")
    channel = sandbox.add_channel(guild, "read-only")
    sandbox.add_overwrite(channel, sandbox.everyone_role(guild), deny=SEND_MESSAGES)
    assert await _post(sandbox, channel) == (403, 50013)


async def test_channel_the_bot_cannot_see_is_missing_access_50001(
    bare_rules: tuple[Sandbox, HandClock],
) -> None:
    """Without VIEW_CHANNEL the bot gets 403 50001 Missing Access, not 50013."""
    sandbox, _clock = bare_rules
    sandbox.allow_rejection(code=50001)
    guild = sandbox.add_guild("G")
    channel = sandbox.add_channel(guild, "staff")
    sandbox.add_overwrite(channel, sandbox.everyone_role(guild), deny=VIEW_CHANNEL)
    assert await _post(sandbox, channel) == (403, 50001)


@pytest.mark.parametrize(
    ("everyone_deny", "role_allow", "member_deny", "allowed"),
    [
        (SEND_MESSAGES, 0, 0, False),
        (SEND_MESSAGES, SEND_MESSAGES, 0, True),
        (0, SEND_MESSAGES, SEND_MESSAGES, False),
        (SEND_MESSAGES, SEND_MESSAGES, SEND_MESSAGES, False),
    ],
    ids=["everyone-deny", "role-allow-beats-everyone", "member-deny-beats-role", "member-last"],
)
async def test_overwrites_apply_in_the_documented_order(
    bare_rules: tuple[Sandbox, HandClock],
    everyone_deny: int,
    role_allow: int,
    member_deny: int,
    allowed: bool,
) -> None:
    """@everyone, then roles, then the member's own overwrite decide, in that order."""
    sandbox, _clock = bare_rules
    sandbox.allow_rejection(code=50013)
    guild = sandbox.add_guild("G")
    channel = sandbox.add_channel(guild, "ordered")
    sandbox.add_overwrite(channel, sandbox.everyone_role(guild), deny=everyone_deny)
    bot_member = guild.members[sandbox.bot_user.id]
    sandbox.add_overwrite(channel, bot_member.roles[0], allow=role_allow)
    sandbox.add_overwrite(channel, sandbox.bot_user, deny=member_deny)
    status, _code = await _post(sandbox, channel)
    assert (status == 200) is allowed


async def test_administrator_ignores_overwrites(bare_rules: tuple[Sandbox, HandClock]) -> None:
    """A bot role with ADMINISTRATOR posts even where every overwrite denies it."""
    sandbox, _clock = bare_rules
    guild = sandbox.add_guild("G")
    channel = sandbox.add_channel(guild, "locked", bot_can_post=False)
    sandbox.add_overwrite(channel, sandbox.everyone_role(guild), deny=VIEW_CHANNEL)
    guild.members[sandbox.bot_user.id].roles[0].permissions |= ADMINISTRATOR
    assert await _post(sandbox, channel) == (200, None)
    assert sandbox.world.bot_permissions(channel) == ALL_PERMISSIONS


async def test_app_permissions_reflect_a_channel_overwrite(rules: RulesWorld) -> None:
    """Where the bot is denied SEND_MESSAGES, app_permissions lacks it; the member keeps it."""
    sandbox = rules.sandbox
    sandbox.add_overwrite(rules.general, sandbox.bot_user, deny=SEND_MESSAGES)
    reply = await sandbox.invoke(rules.bob, "perms", channel=rules.general)
    app_permissions, member_permissions = (int(part) for part in reply.content.split())
    assert not app_permissions & SEND_MESSAGES
    assert app_permissions & MANAGE_MESSAGES
    assert member_permissions == EVERYONE_PERMISSIONS


async def test_member_permissions_include_their_overwrite(rules: RulesWorld) -> None:
    """member.permissions in the payload is computed in the channel, overwrites included."""
    sandbox = rules.sandbox
    sandbox.add_overwrite(rules.general, rules.bob, deny=SEND_MESSAGES)
    reply = await sandbox.invoke(rules.bob, "perms", channel=rules.general)
    _app, member_permissions = (int(part) for part in reply.content.split())
    assert member_permissions == EVERYONE_PERMISSIONS & ~SEND_MESSAGES


async def test_dm_app_permissions_are_the_documented_set(rules: RulesWorld) -> None:
    """In the DM with the bot, app_permissions is the set the interactions page documents."""
    reply = await rules.sandbox.invoke(rules.bob, "perms")
    app_permissions, _member = reply.content.split()
    assert int(app_permissions) == DM_APP_PERMISSIONS == 442368


async def test_discord_py_sees_overwrites_added_later(rules: RulesWorld) -> None:
    """add_overwrite dispatches CHANNEL_UPDATE: discord.py's permissions_for follows it."""
    updated = rules.bot.wait_for("guild_channel_update", timeout=5)
    rules.sandbox.add_overwrite(rules.general, rules.sandbox.bot_user, deny=SEND_MESSAGES)
    _before, after = await updated
    assert isinstance(after, discord.TextChannel)
    assert not after.permissions_for(after.guild.me).send_messages
    assert after.permissions_for(after.guild.me).read_messages


@pytest.mark.parametrize(
    ("everyone_deny", "first_role", "second_role", "member_allow", "allowed"),
    [
        (SEND_MESSAGES, (SEND_MESSAGES, 0), (0, SEND_MESSAGES), 0, True),
        (0, (0, 0), (0, SEND_MESSAGES), 0, False),
        (0, (SEND_MESSAGES, 0), (0, SEND_MESSAGES), 0, True),
        (0, (0, SEND_MESSAGES), (0, SEND_MESSAGES), SEND_MESSAGES, True),
    ],
    ids=["one-role-allows", "one-role-denies", "allow-beats-deny", "member-beats-roles"],
)
async def test_two_roles_with_conflicting_overwrites(
    bare_rules: tuple[Sandbox, HandClock],
    everyone_deny: int,
    first_role: tuple[int, int],
    second_role: tuple[int, int],
    member_allow: int,
    allowed: bool,
) -> None:
    """topics/permissions, "Permission Overwrites": all role overwrites combine, deny then allow.

    The bot holds two roles whose overwrites disagree: every role's denies apply first,
    then every role's allows, so one role allowing beats another denying; the member's
    own overwrite comes last.
    """
    sandbox, _clock = bare_rules
    sandbox.allow_rejection(code=50013)
    guild = sandbox.add_guild("G")
    channel = sandbox.add_channel(guild, "two-roles")
    bot_member = guild.members[sandbox.bot_user.id]
    second = sandbox.add_role(guild, "Second")
    bot_member.roles.append(second)
    sandbox.add_overwrite(channel, sandbox.everyone_role(guild), deny=everyone_deny)
    sandbox.add_overwrite(channel, bot_member.roles[0], allow=first_role[0], deny=first_role[1])
    sandbox.add_overwrite(channel, second, allow=second_role[0], deny=second_role[1])
    sandbox.add_overwrite(channel, sandbox.bot_user, allow=member_allow)
    status, _code = await _post(sandbox, channel)
    assert (status == 200) is allowed


async def test_a_role_with_administrator_among_others_ignores_overwrites(
    bare_rules: tuple[Sandbox, HandClock],
) -> None:
    """topics/permissions: ADMINISTRATOR on any one role skips every overwrite."""
    sandbox, _clock = bare_rules
    guild = sandbox.add_guild("G")
    channel = sandbox.add_channel(guild, "locked")
    bot_member = guild.members[sandbox.bot_user.id]
    bot_member.roles.append(sandbox.add_role(guild, "Admins", permissions=ADMINISTRATOR))
    sandbox.add_overwrite(channel, bot_member.roles[0], deny=SEND_MESSAGES | VIEW_CHANNEL)
    sandbox.add_overwrite(channel, sandbox.bot_user, deny=SEND_MESSAGES)
    assert await _post(sandbox, channel) == (200, None)
