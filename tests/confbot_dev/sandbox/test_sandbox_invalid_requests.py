"""Invalid-request accounting, the Cloudflare-style ban and shared-scope 429s."""

from __future__ import annotations

import aiohttp
import discord
import pytest

from confbot_dev.sandbox import RouteLimit, Sandbox
from confbot_dev.sandbox.config import MESSAGE_CREATE_ROUTE
from tests.support.clocks import HandClock
from tests.support.rules_bot import RulesWorld, auth


async def _statuses(sandbox: Sandbox, requests: list[tuple[str, str, bool]]) -> list[int]:
    """Send (method, path, authorised) requests; return the statuses."""
    out = []
    async with aiohttp.ClientSession() as http:
        for method, path, authorised in requests:
            headers = auth(sandbox) if authorised else {}
            body = {"content": "hi"} if method == "POST" else None
            async with http.request(
                method, sandbox.api_base + path, json=body, headers=headers
            ) as response:
                out.append(response.status)
    return out


async def test_401_403_and_429_count_but_404_does_not(
    bare_rules: tuple[Sandbox, HandClock],
) -> None:
    """Only 401, 403 and (non-shared) 429 answers count as invalid requests."""
    sandbox, _clock = bare_rules
    sandbox.limits.routes = {MESSAGE_CREATE_ROUTE: RouteLimit(1, 60.0)}
    sandbox.allow_rejection(status=401)
    sandbox.allow_rejection(status=403)
    sandbox.allow_rejection(status=404)
    guild = sandbox.add_guild("G")
    open_channel = sandbox.add_channel(guild, "general")
    locked = sandbox.add_channel(guild, "locked", bot_can_post=False)
    statuses = await _statuses(
        sandbox,
        [
            ("GET", "/users/@me", False),
            ("POST", f"/channels/{locked.id}/messages", True),
            ("POST", f"/channels/{open_channel.id}/messages", True),
            ("POST", f"/channels/{open_channel.id}/messages", True),
            ("GET", "/no/such/route", True),
        ],
    )
    assert statuses == [401, 403, 200, 429, 404]
    counted = sandbox.invalid_requests
    assert counted["total_by_status"] == {401: 1, 403: 1, 429: 1}
    assert counted["in_window"] == 3


async def test_invalid_requests_leave_the_window_after_ten_minutes(
    bare_rules: tuple[Sandbox, HandClock],
) -> None:
    """The window slides on the clock: requests older than 10 minutes stop counting."""
    sandbox, clock = bare_rules
    sandbox.allow_rejection(status=401)
    await _statuses(sandbox, [("GET", "/users/@me", False)])
    clock.advance(300)
    await _statuses(sandbox, [("GET", "/users/@me", False)])
    clock.advance(301)
    assert sandbox.invalid_requests["in_window"] == 1
    assert sandbox.invalid_requests["total"] == 2


async def test_too_many_invalid_requests_ban_every_request_until_the_window_frees(
    bare_rules: tuple[Sandbox, HandClock],
) -> None:
    """Past the limit even a valid request gets the non-JSON 429 ban, until 10 min pass."""
    sandbox, clock = bare_rules
    sandbox.limits.invalid_request_limit = 3
    sandbox.allow_rejection(status=401)
    await _statuses(sandbox, [("GET", "/users/@me", False)] * 3)
    async with (
        aiohttp.ClientSession(headers=auth(sandbox)) as http,
        http.get(sandbox.api_base + "/users/@me") as banned,
    ):
        assert banned.status == 429
        assert banned.content_type != "application/json"
        assert "Via" not in banned.headers
        assert float(banned.headers["Retry-After"]) > 0
    assert sandbox.invalid_requests["banned"]
    assert [r.status for r in sandbox.rejections] == [429]
    clock.advance(sandbox.limits.invalid_request_window)
    assert await _statuses(sandbox, [("GET", "/users/@me", True)]) == [200]
    assert sandbox.invalid_requests["bans"] == 1
    sandbox.rejections.clear()  # the ban was the point of this test


async def test_discord_py_treats_the_ban_as_a_ban_not_a_rate_limit(rules: RulesWorld) -> None:
    """discord.py raises on the ban at once (no retry): it is not a Discord rate limit."""
    sandbox = rules.sandbox
    locked = sandbox.add_channel(rules.guild, "locked", bot_can_post=False)
    sandbox.allow_rejection(code=50013)
    sandbox.allow_rejection(status=429)
    sandbox.limits.invalid_request_limit = sandbox.invalid_requests["in_window"] + 1
    with pytest.raises(discord.Forbidden):
        await rules.bot.get_partial_messageable(locked.id).send("no")
    with pytest.raises(discord.HTTPException) as banned:
        await rules.bot.get_partial_messageable(rules.general.id).send("hello")
    assert banned.value.status == 429
    assert sandbox.messages(rules.general) == []
    assert len(sandbox.transcript.requests(status=429)) == 1


async def test_shared_scope_429_is_not_an_invalid_request(
    bare_rules: tuple[Sandbox, HandClock],
) -> None:
    """A per-resource limit answers 429 with scope shared, counted neither as invalid nor 'user'."""
    sandbox, _clock = bare_rules
    sandbox.limits.shared_routes = {MESSAGE_CREATE_ROUTE: RouteLimit(1, 60.0)}
    guild = sandbox.add_guild("G")
    busy, other = sandbox.add_channel(guild, "busy"), sandbox.add_channel(guild, "other")
    url = f"{sandbox.api_base}/channels/{busy.id}/messages"
    async with aiohttp.ClientSession(headers=auth(sandbox)) as http:
        async with http.post(url, json={"content": "first"}) as first:
            assert first.status == 200
        async with http.post(url, json={"content": "second"}) as second:
            assert second.status == 429
            assert second.headers["X-RateLimit-Scope"] == "shared"
            assert float(second.headers["Retry-After"]) > 0
            body = await second.json()
    assert body["message"] == "The resource is being rate limited."
    assert body["global"] is False
    assert "code" not in body
    assert sandbox.invalid_requests["total"] == 0
    assert sandbox.ratelimit_hits == {"user": 0, "global": 0, "shared": 1}
    assert await _statuses(sandbox, [("POST", f"/channels/{other.id}/messages", True)]) == [200]
    assert sandbox.rejections == []


async def test_allowed_rejections_are_kept_apart_from_undeclared_ones(
    bare_rules: tuple[Sandbox, HandClock],
) -> None:
    """A declared refusal goes to allowed_rejections; any other still fails the rule."""
    sandbox, _clock = bare_rules
    sandbox.allow_rejection(code=10003)
    channel_path = "/channels/1/messages"
    assert await _statuses(sandbox, [("POST", channel_path, True), ("GET", "/users/@me", False)])
    assert [r.response["code"] for r in sandbox.allowed_rejections] == [10003]
    assert [r.status for r in sandbox.rejections] == [401]
    sandbox.rejections.clear()  # the undeclared 401 was the point of this test


async def test_discord_py_waits_out_a_shared_429_and_posts(rules: RulesWorld) -> None:
    """discord.py retries after a shared-scope 429; both messages arrive, none counted invalid."""
    sandbox = rules.sandbox
    # One message a second per channel: the second send meets the shared limit.
    sandbox.limits.shared_routes = {MESSAGE_CREATE_ROUTE: RouteLimit(1, 1.0)}
    counted_before = sandbox.invalid_requests["total"]
    channel = rules.bot.get_partial_messageable(rules.general.id)
    await channel.send("first")
    await channel.send("second")
    assert [m["content"] for m in sandbox.messages(rules.general)] == ["first", "second"]
    assert sandbox.ratelimit_hits["shared"] == 1
    assert sandbox.invalid_requests["total"] == counted_before
