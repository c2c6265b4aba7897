"""Commands a Discord client would not show cannot be invoked through the driver."""

from __future__ import annotations

import aiohttp
import pytest

from confbot_dev.sandbox import CommandNotShown
from confbot_dev.sandbox.permissions import ADMINISTRATOR, COMMAND_CHANNEL
from tests.support.rules_bot import RulesWorld, auth


async def test_member_with_the_default_permissions_can_invoke(rules: RulesWorld) -> None:
    """alice's Moderator role has MANAGE_GUILD, so /manage is shown and answers."""
    reply = await rules.sandbox.invoke(rules.alice, "manage", channel=rules.general)
    assert reply.content == "managed"


async def test_member_without_the_default_permissions_is_not_shown_it(rules: RulesWorld) -> None:
    """bob lacks MANAGE_GUILD: the driver refuses like a client that hides the command."""
    with pytest.raises(CommandNotShown, match="/manage to bob"):
        await rules.sandbox.invoke(rules.bob, "manage", channel=rules.general)
    assert "/manage" not in [record.what for record in rules.sandbox.world.interactions.values()]


async def test_user_override_lets_a_member_invoke(rules: RulesWorld) -> None:
    """An admin's command permission override for bob shows him /manage."""
    rules.sandbox.set_command_permissions(rules.guild, "manage", allow=[rules.bob])
    reply = await rules.sandbox.invoke(rules.bob, "manage", channel=rules.general)
    assert reply.content == "managed"


async def test_role_override_can_hide_a_command_from_its_holders(rules: RulesWorld) -> None:
    """Denying the Moderator role hides /manage from alice despite her MANAGE_GUILD."""
    rules.sandbox.set_command_permissions(rules.guild, "manage", deny=[rules.moderator])
    with pytest.raises(CommandNotShown, match="override denies"):
        await rules.sandbox.invoke(rules.alice, "manage", channel=rules.general)


async def test_user_override_beats_a_role_override(rules: RulesWorld) -> None:
    """A member's own override decides before their roles' overrides."""
    rules.sandbox.set_command_permissions(
        rules.guild, "manage", allow=[rules.alice], deny=[rules.moderator]
    )
    reply = await rules.sandbox.invoke(rules.alice, "manage", channel=rules.general)
    assert reply.content == "managed"


async def test_channel_override_disables_a_command_there(rules: RulesWorld) -> None:
    """A channel override switches /perms off in #general for everyone (admins aside)."""
    rules.sandbox.set_command_permissions(rules.guild, "perms", deny=[rules.general])
    with pytest.raises(CommandNotShown, match="disabled in this channel"):
        await rules.sandbox.invoke(rules.bob, "perms", channel=rules.general)


async def test_administrators_see_every_command(rules: RulesWorld) -> None:
    """ADMINISTRATOR shows a command whatever the overrides say."""
    rules.moderator.permissions |= ADMINISTRATOR
    rules.sandbox.set_command_permissions(rules.guild, "manage", deny=[rules.moderator])
    reply = await rules.sandbox.invoke(rules.alice, "manage", channel=rules.general)
    assert reply.content == "managed"


async def test_guild_only_command_is_not_shown_in_dms(rules: RulesWorld) -> None:
    """A guild_only command is absent from the DM with the bot."""
    with pytest.raises(CommandNotShown, match="not available in DMs"):
        await rules.sandbox.invoke(rules.bob, "serveronly")
    reply = await rules.sandbox.invoke(rules.bob, "serveronly", channel=rules.general)
    assert reply.content == "in a server"


async def test_bot_can_read_the_overrides(rules: RulesWorld) -> None:
    """GET .../commands/{id}/permissions returns what the admin set."""
    sandbox = rules.sandbox
    sandbox.set_command_permissions(rules.guild, "manage", allow=[rules.bob])
    command = sandbox.world.find_command("manage", rules.guild.id)
    assert command is not None
    url = (
        f"{sandbox.api_base}/applications/{sandbox.application_id}/guilds/{rules.guild.id}"
        f"/commands/{command['id']}/permissions"
    )
    async with aiohttp.ClientSession(headers=auth(sandbox)) as http, http.get(url) as response:
        body = await response.json()
    assert body["permissions"] == [{"id": str(rules.bob.id), "type": 2, "permission": True}]


async def test_an_allowing_role_beats_a_denying_role(rules: RulesWorld) -> None:
    """interactions/application-commands, "Permissions": a member whose roles disagree may use it.

    bob holds Speakers (allowed /manage) and Visitors (denied): the allowing role wins,
    and a user override still decides over both.
    """
    sandbox = rules.sandbox
    speakers = sandbox.add_role(rules.guild, "Speakers")
    visitors = sandbox.add_role(rules.guild, "Visitors")
    rules.guild.members[rules.bob.id].roles.extend([speakers, visitors])
    sandbox.set_command_permissions(rules.guild, "manage", allow=[speakers], deny=[visitors])
    reply = await sandbox.invoke(rules.bob, "manage", channel=rules.general)
    assert reply.content == "managed"
    sandbox.set_command_permissions(
        rules.guild, "manage", allow=[speakers], deny=[visitors, rules.bob]
    )
    with pytest.raises(CommandNotShown, match="override denies"):
        await sandbox.invoke(rules.bob, "manage", channel=rules.general)


async def test_a_role_override_beats_the_everyone_override(rules: RulesWorld) -> None:
    """interactions/application-commands, "Permissions": roles decide before @everyone."""
    sandbox = rules.sandbox
    everyone = sandbox.everyone_role(rules.guild)
    sandbox.set_command_permissions(rules.guild, "perms", deny=[everyone, rules.moderator])
    with pytest.raises(CommandNotShown, match="override denies"):
        await sandbox.invoke(rules.bob, "perms", channel=rules.general)
    sandbox.set_command_permissions(rules.guild, "perms", allow=[rules.moderator], deny=[everyone])
    reply = await sandbox.invoke(rules.alice, "perms", channel=rules.general)
    assert reply.content
    with pytest.raises(CommandNotShown, match="override denies"):
        await sandbox.invoke(rules.bob, "perms", channel=rules.general)


async def test_a_channel_override_beats_all_channels(rules: RulesWorld) -> None:
    """interactions/application-commands, "Application Command Permissions Constants".

    "All Channels" (guild id - 1) switches /perms off everywhere; #general's own override
    switches it back on there, and only there.
    """
    sandbox = rules.sandbox
    other = sandbox.add_channel(rules.guild, "other")
    command = sandbox.world.find_command("perms", rules.guild.id)
    assert command is not None
    sandbox.world.command_permissions[(rules.guild.id, str(command["id"]))] = [
        {"id": str(rules.guild.id - 1), "type": COMMAND_CHANNEL, "permission": False},
        {"id": str(rules.general.id), "type": COMMAND_CHANNEL, "permission": True},
    ]
    reply = await sandbox.invoke(rules.bob, "perms", channel=rules.general)
    assert reply.content
    with pytest.raises(CommandNotShown, match="disabled in this channel"):
        await sandbox.invoke(rules.bob, "perms", channel=other)
