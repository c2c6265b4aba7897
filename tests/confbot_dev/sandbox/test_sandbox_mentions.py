"""Who a message notifies: allowed mentions, mentionable roles and MENTION_EVERYONE."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from confbot_dev.sandbox import Channel, Guild, Role, Sandbox
from confbot_dev.sandbox.permissions import MANAGE_ROLES, MENTION_EVERYONE
from tests.support.clocks import HandClock
from tests.support.rules_bot import auth


async def _request(
    sandbox: Sandbox, method: str, path: str, body: dict[str, Any] | None = None
) -> tuple[int, Any]:
    """Make one REST request as the bot; return the status and the decoded JSON (or None)."""
    async with (
        aiohttp.ClientSession(headers=auth(sandbox)) as http,
        http.request(method, f"{sandbox.api_base}{path}", json=body) as response,
    ):
        return response.status, (await response.json() if response.status != 204 else None)


def _world(sandbox: Sandbox, *, mentionable: bool) -> tuple[Guild, Channel, Role]:
    """Return a guild with #general and a "Speakers" role that carol and dave hold."""
    guild = sandbox.add_guild("G")
    general = sandbox.add_channel(guild, "general")
    speakers = sandbox.add_role(guild, "Speakers", mentionable=mentionable)
    sandbox.add_member(guild, "carol", roles=[speakers])
    sandbox.add_member(guild, "dave", roles=[speakers])
    sandbox.add_member(guild, "erin")
    return guild, general, speakers


def _names(sandbox: Sandbox, ids: set[int]) -> set[str]:
    return {sandbox.world.users[each].username for each in ids}


@pytest.mark.parametrize(
    ("mentionable", "bot_may_ping_all", "notified"),
    [
        (False, False, set()),
        (True, False, {"carol", "dave"}),
        (False, True, {"carol", "dave"}),
    ],
    ids=["not-mentionable", "mentionable", "mention-everyone-permission"],
)
async def test_a_role_ping_notifies_only_a_mentionable_role_or_with_mention_everyone(
    bare_rules: tuple[Sandbox, HandClock],
    mentionable: bool,
    bot_may_ping_all: bool,
    notified: set[str],
) -> None:
    """resources/message "Allowed Mentions Object": a role pings its members only if it is
    mentionable or the sender has MENTION_EVERYONE."""
    sandbox, _clock = bare_rules
    guild, general, speakers = _world(sandbox, mentionable=mentionable)
    if bot_may_ping_all:
        guild.members[sandbox.bot_user.id].roles[0].permissions |= MENTION_EVERYONE
    body = {
        "content": f"{speakers.mention} starts now",
        "allowed_mentions": {"roles": [str(speakers.id)]},
    }
    status, message = await _request(sandbox, "POST", f"/channels/{general.id}/messages", body)
    assert status == 200
    assert message["mention_roles"] == ([str(speakers.id)] if notified else [])
    assert _names(sandbox, sandbox.world.notified(message)) == notified


async def test_allowed_mentions_none_notifies_nobody(bare_rules: tuple[Sandbox, HandClock]) -> None:
    """resources/message "Allowed Mentions Object": ``parse: []`` suppresses every mention."""
    sandbox, _clock = bare_rules
    guild, general, speakers = _world(sandbox, mentionable=True)
    carol = next(m.user for m in guild.members.values() if m.user.username == "carol")
    body = {
        "content": f"{speakers.mention} {carol.mention} @everyone",
        "allowed_mentions": {"parse": []},
    }
    _status, message = await _request(sandbox, "POST", f"/channels/{general.id}/messages", body)
    assert (message["mentions"], message["mention_roles"], message["mention_everyone"]) == (
        [],
        [],
        False,
    )
    assert sandbox.world.notified(message) == set()


async def test_everyone_needs_mention_everyone(bare_rules: tuple[Sandbox, HandClock]) -> None:
    """topics/permissions MENTION_EVERYONE: without it @everyone notifies nobody; with it, all."""
    sandbox, _clock = bare_rules
    guild, general, _speakers = _world(sandbox, mentionable=False)
    path = f"/channels/{general.id}/messages"
    _status, message = await _request(sandbox, "POST", path, {"content": "@everyone hello"})
    assert sandbox.world.notified(message) == set()
    guild.members[sandbox.bot_user.id].roles[0].permissions |= MENTION_EVERYONE
    _status, message = await _request(sandbox, "POST", path, {"content": "@everyone hello"})
    assert _names(sandbox, sandbox.world.notified(message)) == {"g-owner", "carol", "dave", "erin"}


async def test_new_roles_are_not_mentionable_unless_asked(
    bare_rules: tuple[Sandbox, HandClock],
) -> None:
    """resources/guild "Create Guild Role": ``mentionable`` defaults to false."""
    sandbox, _clock = bare_rules
    guild = sandbox.add_guild("G")
    guild.members[sandbox.bot_user.id].roles[0].permissions |= MANAGE_ROLES
    path = f"/guilds/{guild.id}/roles"
    _status, plain = await _request(sandbox, "POST", path, {"name": "Plain"})
    _status, loud = await _request(sandbox, "POST", path, {"name": "Loud", "mentionable": True})
    assert (plain["mentionable"], loud["mentionable"]) == (False, True)


async def test_everyone_cannot_be_given_to_a_member(bare_rules: tuple[Sandbox, HandClock]) -> None:
    """resources/guild "Add Guild Member Role": @everyone is no role to add (404 10011)."""
    sandbox, _clock = bare_rules
    sandbox.allow_rejection(status=404, code=10011)
    guild = sandbox.add_guild("G")
    guild.members[sandbox.bot_user.id].roles[0].permissions |= MANAGE_ROLES
    everyone = sandbox.everyone_role(guild)
    carol = sandbox.add_member(guild, "carol")
    status, body = await _request(
        sandbox, "PUT", f"/guilds/{guild.id}/members/{carol.id}/roles/{everyone.id}"
    )
    assert (status, body["code"]) == (404, 10011)
    assert guild.members[carol.id].roles == []
    with pytest.raises(ValueError, match="@everyone"):
        sandbox.add_member(guild, "dave", roles=[everyone])
