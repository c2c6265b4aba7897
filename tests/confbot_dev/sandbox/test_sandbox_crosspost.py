"""Announcement channels and the crosspost route, as resources/message describes them."""

from __future__ import annotations

from typing import Any

import aiohttp

from confbot_dev.sandbox import Channel, Limits, RouteLimit, Sandbox
from confbot_dev.sandbox.permissions import MANAGE_MESSAGES, SEND_MESSAGES
from confbot_dev.sandbox.spec import response_errors
from confbot_dev.sandbox.state import CROSSPOSTED, GUILD_ANNOUNCEMENT
from tests.support.clocks import HandClock
from tests.support.rules_bot import auth

CROSSPOST = "/channels/{channel_id}/messages/{message_id}/crosspost"


async def _bot_post(sandbox: Sandbox, channel: Channel) -> int:
    """Post a message as the bot; return its id."""
    url = f"{sandbox.api_base}/channels/{channel.id}/messages"
    async with (
        aiohttp.ClientSession(headers=auth(sandbox)) as http,
        http.post(url, json={"content": "Keynote in 10 minutes"}) as response,
    ):
        assert response.status == 200
        return int((await response.json())["id"])


async def _crosspost(sandbox: Sandbox, channel: Channel, message_id: int) -> tuple[int, Any]:
    """Crosspost as the bot; return the status and the JSON body."""
    url = f"{sandbox.api_base}/channels/{channel.id}/messages/{message_id}/crosspost"
    async with (
        aiohttp.ClientSession(headers=auth(sandbox)) as http,
        http.post(url) as response,
    ):
        return response.status, await response.json()


async def test_an_announcement_channel_is_type_5(bare_rules: tuple[Sandbox, HandClock]) -> None:
    """add_channel(announcement=True) is a GUILD_ANNOUNCEMENT channel in its payload."""
    sandbox, _clock = bare_rules
    guild = sandbox.add_guild("G")
    news = sandbox.add_channel(guild, "news", announcement=True)
    assert news.payload()["type"] == GUILD_ANNOUNCEMENT
    assert sandbox.add_channel(guild, "chat").payload()["type"] == 0


async def test_crossposting_the_bots_message_flags_it_and_answers_a_message(
    bare_rules: tuple[Sandbox, HandClock],
) -> None:
    """The answer is the message with CROSSPOSTED set, in the spec's MessageResponse shape."""
    sandbox, _clock = bare_rules
    news = sandbox.add_channel(sandbox.add_guild("G"), "news", announcement=True)
    message_id = await _bot_post(sandbox, news)
    status, body = await _crosspost(sandbox, news, message_id)
    assert status == 200
    assert int(body["flags"]) & CROSSPOSTED
    assert response_errors("POST", CROSSPOST, status, body) == []
    assert int(sandbox.world.messages[message_id]["flags"]) & CROSSPOSTED


async def test_a_second_crosspost_is_40033(bare_rules: tuple[Sandbox, HandClock]) -> None:
    """Crossposting a message twice is refused: 400 40033 already crossposted."""
    sandbox, _clock = bare_rules
    sandbox.allow_rejection(code=40033)
    news = sandbox.add_channel(sandbox.add_guild("G"), "news", announcement=True)
    message_id = await _bot_post(sandbox, news)
    assert (await _crosspost(sandbox, news, message_id))[0] == 200
    status, body = await _crosspost(sandbox, news, message_id)
    assert (status, body["code"]) == (400, 40033)


async def test_a_text_channel_cannot_crosspost(bare_rules: tuple[Sandbox, HandClock]) -> None:
    """Only announcement channels crosspost: a text channel's message is 400 50024."""
    sandbox, _clock = bare_rules
    sandbox.allow_rejection(code=50024)
    chat = sandbox.add_channel(sandbox.add_guild("G"), "chat")
    message_id = await _bot_post(sandbox, chat)
    status, body = await _crosspost(sandbox, chat, message_id)
    assert (status, body["code"]) == (400, 50024)


async def test_crossposting_needs_send_messages(bare_rules: tuple[Sandbox, HandClock]) -> None:
    """Without SEND_MESSAGES in the channel the bot's crosspost is 403 50013."""
    sandbox, _clock = bare_rules
    sandbox.allow_rejection(code=50013)
    guild = sandbox.add_guild("G")
    news = sandbox.add_channel(guild, "news", announcement=True)
    message_id = await _bot_post(sandbox, news)
    sandbox.add_overwrite(news, sandbox.everyone_role(guild), deny=SEND_MESSAGES)
    status, body = await _crosspost(sandbox, news, message_id)
    assert (status, body["code"]) == (403, 50013)
    assert not int(sandbox.world.messages[message_id]["flags"]) & CROSSPOSTED


async def test_another_authors_message_needs_manage_messages(
    bare_rules: tuple[Sandbox, HandClock],
) -> None:
    """A member's message in an announcement channel needs MANAGE_MESSAGES too: 403 50013."""
    sandbox, _clock = bare_rules
    sandbox.allow_rejection(code=50013)
    guild = sandbox.add_guild("G")
    news = sandbox.add_channel(guild, "news", announcement=True)
    alice = sandbox.add_member(guild, "alice")
    sandbox.add_overwrite(news, sandbox.world.bot_user, deny=MANAGE_MESSAGES)
    own = await _bot_post(sandbox, news)
    assert (await _crosspost(sandbox, news, own))[0] == 200  # its own needs no more
    await sandbox.say(alice, news, "hello")
    said = sandbox.world.channel_messages(news.id)[-1]
    status, body = await _crosspost(sandbox, news, int(said["id"]))
    assert (status, body["code"]) == (403, 50013)


async def test_crossposts_have_a_rate_limit_bucket_per_channel() -> None:
    """Past the route's limit a crosspost is a 429 with its headers; another channel is not."""
    sandbox = Sandbox(limits=Limits(routes={"POST " + CROSSPOST: RouteLimit(limit=1, per=60.0)}))
    await sandbox.start()
    try:
        guild = sandbox.add_guild("G")
        first = sandbox.add_channel(guild, "news", announcement=True)
        second = sandbox.add_channel(guild, "press", announcement=True)
        assert (await _crosspost(sandbox, first, await _bot_post(sandbox, first)))[0] == 200
        url = f"{sandbox.api_base}/channels/{first.id}/messages/{await _bot_post(sandbox, first)}"
        async with (
            aiohttp.ClientSession(headers=auth(sandbox)) as http,
            http.post(url + "/crosspost") as response,
        ):
            assert response.status == 429
            assert response.headers["X-RateLimit-Remaining"] == "0"
            assert float((await response.json())["retry_after"]) > 0
        assert (await _crosspost(sandbox, second, await _bot_post(sandbox, second)))[0] == 200
    finally:
        await sandbox.stop()
