"""Exercise the sandbox with the real, unmodified discord.py client."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.conftest import ErrorCollector

import asyncio
import selectors
import socket
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import aiohttp
import discord
import pytest
from discord import app_commands
from discord.ext import commands

from confbot_dev.sandbox import (
    Channel,
    Faults,
    Guild,
    Limits,
    RouteLimit,
    Sandbox,
    User,
    point_discord_py_at,
)
from confbot_dev.sandbox.config import MESSAGE_CREATE_ROUTE
from tests.support.clocks import HandClock


@dataclass
class Probe:
    """Let the test observe what happens inside the bot."""

    messages: asyncio.Queue[discord.Message] = field(default_factory=asyncio.Queue)
    late_entered: asyncio.Event = field(default_factory=asyncio.Event)
    late_release: asyncio.Event = field(default_factory=asyncio.Event)
    late_error: asyncio.Future[BaseException] | None = None


class Form(discord.ui.Modal, title="Register"):
    name: discord.ui.TextInput[Form] = discord.ui.TextInput(label="Name")

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"hello {self.name.value}")


class Pager(discord.ui.View):
    @discord.ui.button(label="Next")
    async def next_page(
        self, interaction: discord.Interaction, button: discord.ui.Button[Pager]
    ) -> None:
        await interaction.response.edit_message(content="page 2")


class ProbeBot(commands.Bot):
    def __init__(self, probe: Probe) -> None:
        intents = discord.Intents.default()
        intents.message_content = True
        intents.members = True
        super().__init__(command_prefix="!", intents=intents, guild_ready_timeout=0.1)
        self.probe = probe

    async def setup_hook(self) -> None:
        probe = self.probe
        tree = self.tree

        @tree.command(description="Answer pong")
        async def ping(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("pong")

        tz = app_commands.Group(name="tz", description="Time zones")

        @tz.command(name="set", description="Set your zone")
        async def tz_set(interaction: discord.Interaction, zone: str) -> None:
            await interaction.response.send_message(f"zone={zone}", ephemeral=True)

        @tz_set.autocomplete("zone")
        async def zone_complete(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            if current == "many":
                return [app_commands.Choice(name=f"z{i}", value=f"z{i}") for i in range(30)]
            zones = ["sydney", "sylhet", "oslo"]
            return [app_commands.Choice(name=z, value=z) for z in zones if z.startswith(current)]

        tree.add_command(tz)

        @tree.command(description="Defer then edit")
        async def slow(interaction: discord.Interaction) -> None:
            await interaction.response.defer(thinking=True)
            await interaction.edit_original_response(content="done")

        @tree.command(description="Answer too late")
        async def late(interaction: discord.Interaction) -> None:
            probe.late_entered.set()
            await probe.late_release.wait()
            assert probe.late_error is not None
            try:
                await interaction.response.send_message("too late")
            except discord.HTTPException as exc:
                probe.late_error.set_result(exc)

        @tree.command(description="DM a user")
        async def dm(interaction: discord.Interaction, user: discord.User) -> None:
            try:
                await user.send("hi")
            except discord.Forbidden as exc:
                await interaction.response.send_message(f"forbidden {exc.code}")
            else:
                await interaction.response.send_message("sent")

        @tree.command(description="Show a pager")
        async def menu(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("page 1", view=Pager())

        @tree.command(description="Open a form")
        async def form(interaction: discord.Interaction) -> None:
            await interaction.response.send_modal(Form())

        await tree.sync()

    async def on_message(self, message: discord.Message) -> None:
        if message.author == self.user:
            return
        await self.probe.messages.put(message)
        if self.user is not None and self.user.mentioned_in(message):
            await message.reply(f"pong: {message.content}")


@dataclass
class World:
    sb: Sandbox
    bot: ProbeBot
    probe: Probe
    clock: HandClock
    chan: Channel
    guild: Guild
    alice: User
    bob: User
    locked: Channel


@pytest.fixture
async def world() -> AsyncIterator[World]:
    clock = HandClock()
    sb = Sandbox(limits=Limits(heartbeat_interval_ms=50, clock=clock, wait_timeout=5.0))
    await sb.start()
    guild = sb.add_guild("ConfCon")
    chan = sb.add_channel(guild, "general")
    locked = sb.add_channel(guild, "announcements", bot_can_post=False)
    mod = sb.add_role(guild, "Moderator", permissions=1 << 5)
    alice = sb.add_member(guild, "alice", roles=[mod])
    bob = sb.add_member(guild, "bob", dms_open=False)
    probe = Probe()
    bot = ProbeBot(probe)
    with point_discord_py_at(sb):
        task = asyncio.create_task(bot.start(sb.bot_token))
        try:
            await sb.wait_until_ready()
            await asyncio.wait_for(bot.wait_until_ready(), 5)
            await sb.commands_registered()
            yield World(sb, bot, probe, clock, chan, guild, alice, bob, locked)
        finally:
            await bot.close()
            await asyncio.wait_for(task, 5)
            await sb.stop()


async def test_handshake_ready_and_heartbeats(world: World) -> None:
    sb, bot = world.sb, world.bot
    assert bot.user is not None
    assert bot.user.id == sb.bot_user.id
    guild = bot.get_guild(world.guild.id)
    assert guild is not None
    assert guild.name == "ConfCon"
    assert guild.chunked
    assert {c.name for c in guild.text_channels} == {"general", "announcements"}
    assert [f.op for f in sb.transcript.frames(direction="in", op=2)] == [2]
    assert sb.transcript.frames(direction="out", event="READY")
    acks = sb.bus.expect("heartbeat_ack", lambda n: n >= 3)
    await sb.bus.wait(acks, 5, "three heartbeats acknowledged")
    assert len(sb.transcript.frames(direction="out", op=11)) >= 3
    names = {c["name"] for c in sb.commands}
    assert {"ping", "tz", "slow", "late", "dm", "menu", "form"} <= names
    assert sb.transcript.requests(method="PUT", path_contains="/commands")
    assert sb.rejections == []


async def test_slash_commands_autocomplete_buttons_and_modals(world: World) -> None:
    sb, alice, chan = world.sb, world.alice, world.chan
    res = await sb.invoke(alice, "ping", channel=chan)
    assert (res.type, res.content, res.ephemeral) == (4, "pong", False)
    assert sb.messages(chan)[-1]["content"] == "pong"

    res = await sb.invoke(alice, "tz set", {"zone": "sydney"}, channel=chan)
    assert (res.content, res.ephemeral) == ("zone=sydney", True)
    assert all(m["content"] != "zone=sydney" for m in sb.messages(chan))

    choices = await sb.autocomplete(alice, "tz set", {"zone": "sy"}, focused="zone", channel=chan)
    assert [c["value"] for c in choices] == ["sydney", "sylhet"]

    res = await sb.invoke(alice, "slow", channel=chan)
    assert (res.type, res.content) == (5, "done")

    res = await sb.invoke(alice, "menu", channel=chan)
    clicked = await sb.click(alice, res, "Next")
    assert (clicked.type, clicked.content) == (7, "page 2")

    res = await sb.invoke(alice, "form", channel=chan)
    assert res.type == 9
    submitted = await sb.submit_modal(alice, res.modal, {"Name": "Ada"})
    assert submitted.content == "hello Ada"

    dm_res = await sb.invoke(alice, "ping")  # channel=None: DM with the bot
    assert dm_res.content == "pong"
    assert sb.dm_messages(alice)[-1]["content"] == "pong"
    assert sb.rejections == []


async def test_chat_message_mention_reply_and_echo(world: World) -> None:
    sb, alice, chan = world.sb, world.alice, world.chan
    replies = await sb.say(alice, chan, f"{sb.mention_bot} when is the keynote?", expect_reply=True)
    assert replies[0]["content"] == f"pong: {sb.mention_bot} when is the keynote?"
    assert replies[0]["message_reference"]["channel_id"] == str(chan.id)
    echoes = sb.transcript.frames(direction="out", event="MESSAGE_CREATE")
    assert any(f.data["author"]["id"] == str(sb.bot_user.id) for f in echoes)


async def test_resume_replays_events_missed_while_dropped(world: World) -> None:
    sb, alice, chan = world.sb, world.alice, world.chan
    resumed = sb.bus.expect("resumed", lambda _n: True)
    await sb.drop_gateway()
    await sb.say(alice, chan, "sent during the outage")
    await sb.bus.wait(resumed, 5, "RESUME")
    message = await asyncio.wait_for(world.probe.messages.get(), 5)
    assert message.content == "sent during the outage"
    assert sb.gateway.identifies == 1
    assert sb.transcript.frames(direction="in", op=6)
    assert sb.transcript.frames(direction="out", event="RESUMED")


async def test_dms_closed_surface_as_forbidden_50007(world: World) -> None:
    sb = world.sb
    res = await sb.invoke(world.alice, "dm", {"user": world.bob}, channel=world.chan)
    assert res.content == "forbidden 50007"
    assert [r.response["code"] for r in sb.rejections] == [50007]


async def test_bot_without_permission_gets_50013(world: World) -> None:
    channel = world.bot.get_channel(world.locked.id)
    assert isinstance(channel, discord.TextChannel)
    with pytest.raises(discord.Forbidden) as info:
        await channel.send("hello")
    assert info.value.code == 50013


async def test_nonce_with_enforce_nonce_returns_the_first_message(world: World) -> None:
    channel = world.bot.get_channel(world.chan.id)
    assert isinstance(channel, discord.TextChannel)
    first = await channel.send("once", nonce="abc123")
    second = await channel.send("once", nonce="abc123")
    assert first.id == second.id
    assert [m["content"] for m in world.sb.messages(world.chan)].count("once") == 1


async def test_interaction_deadline_and_double_acknowledge(world: World) -> None:
    sb, probe = world.sb, world.probe
    probe.late_error = asyncio.get_running_loop().create_future()
    invoke = asyncio.create_task(sb.invoke(world.alice, "late", channel=world.chan))
    await asyncio.wait_for(probe.late_entered.wait(), 5)
    world.clock.now += sb.limits.interaction_deadline + 0.1
    probe.late_release.set()
    error = await asyncio.wait_for(probe.late_error, 5)
    assert isinstance(error, discord.NotFound)
    assert error.code == 10062
    with pytest.raises(AssertionError, match="10062"):
        await invoke

    await sb.invoke(world.alice, "ping", channel=world.chan)
    rec = list(sb.world.interactions.values())[-1]
    url = f"{sb.api_base}/interactions/{rec.id}/{rec.token}/callback"
    async with (
        aiohttp.ClientSession() as http,
        http.post(url, json={"type": 4, "data": {"content": "again"}}) as resp,
    ):
        assert resp.status == 400
        assert (await resp.json())["code"] == 40060


async def test_autocomplete_with_more_than_25_choices_is_rejected(
    world: World, bot_logs_no_errors: ErrorCollector
) -> None:
    bot_logs_no_errors.allow("Ignoring exception in autocomplete")
    sb = world.sb
    with pytest.raises(AssertionError, match="50035"):
        await sb.autocomplete(
            world.alice, "tz set", {"zone": "many"}, focused="zone", channel=world.chan
        )
    rejected = sb.rejections[-1]
    assert rejected.status == 400
    assert "choices" in rejected.response["errors"]["data"]


@pytest.fixture
async def bare() -> AsyncIterator[Sandbox]:
    limits = Limits(global_per_second=1000, routes={MESSAGE_CREATE_ROUTE: RouteLimit(2, 60.0)})
    sb = Sandbox(limits=limits)
    await sb.start()
    try:
        yield sb
    finally:
        await sb.stop()


def _auth(sb: Sandbox) -> dict[str, str]:
    return {"Authorization": f"Bot {sb.bot_token}"}


# New connections opened at once in the backlog test: more than aiohttp's default backlog.
BURST_CONNECTIONS = 300
# The bound for each handshake: under the 1 s after which a client resends a dropped SYN.
HANDSHAKE_SECONDS = 0.5


async def test_a_burst_of_new_connections_is_taken_at_once(bare: Sandbox) -> None:
    """300 connections opened together all complete (Discord's edge takes them all).

    The event loop does not run meanwhile, so the sandbox accepts none of them: each
    handshake must complete into the listening socket's backlog. A full backlog drops the
    SYN, and the client resends it only a second later (a keynote burst's tail).
    """
    sockets = [socket.socket() for _ in range(BURST_CONNECTIONS)]
    with selectors.DefaultSelector() as selector:
        try:
            for sock in sockets:
                sock.setblocking(False)
                sock.connect_ex((bare.host, bare.port))
                selector.register(sock, selectors.EVENT_WRITE)
            connected = 0
            deadline = time.monotonic() + HANDSHAKE_SECONDS
            while connected < len(sockets) and time.monotonic() < deadline:
                for key, _ in selector.select(deadline - time.monotonic()):
                    selector.unregister(key.fileobj)
                    connected += 1
            assert connected == len(sockets)
            assert {sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) for sock in sockets} == {0}
        finally:
            for sock in sockets:
                sock.close()


async def test_route_rate_limit_headers_and_429(bare: Sandbox) -> None:
    guild = bare.add_guild("G")
    chan = bare.add_channel(guild, "general")
    url = f"{bare.api_base}/channels/{chan.id}/messages"
    async with aiohttp.ClientSession(headers=_auth(bare)) as http:
        statuses = []
        for _ in range(3):
            async with http.post(url, json={"content": "hi"}) as resp:
                statuses.append(resp.status)
                last_headers, last_body = resp.headers, await resp.json()
        assert statuses == [200, 200, 429]
        assert last_headers["X-RateLimit-Limit"] == "2"
        assert last_headers["X-RateLimit-Remaining"] == "0"
        assert last_headers["X-RateLimit-Scope"] == "user"
        assert "X-RateLimit-Bucket" in last_headers
        assert float(last_headers["X-RateLimit-Reset-After"]) > 0
        assert last_body["global"] is False
        assert last_body["retry_after"] > 0
    assert bare.ratelimit_hits["user"] == 1
    assert bare.rejections == []


async def test_global_rate_limit_and_errors() -> None:
    sb = Sandbox(limits=Limits(global_per_second=2))
    await sb.start()
    try:
        async with aiohttp.ClientSession(headers=_auth(sb)) as http:
            statuses = []
            for _ in range(3):
                async with http.get(f"{sb.api_base}/users/@me") as resp:
                    statuses.append(resp.status)
                    assert resp.headers["Content-Type"] == "application/json"
                    body = await resp.json()
            assert statuses == [200, 200, 429]
            assert body["global"] is True
            assert sb.ratelimit_hits["global"] == 1
    finally:
        await sb.stop()


async def test_unknown_route_validation_and_auth(bare: Sandbox) -> None:
    guild = bare.add_guild("G")
    chan = bare.add_channel(guild, "general")
    async with aiohttp.ClientSession(headers=_auth(bare)) as http:
        async with http.get(f"{bare.api_base}/no/such/route") as resp:
            assert resp.status == 404
            assert await resp.json() == {"code": 0, "message": "404: Not Found"}
        url = f"{bare.api_base}/channels/{chan.id}/messages"
        async with http.post(url, json={"content": "x" * 2001}) as resp:
            body = await resp.json()
            assert (resp.status, body["code"]) == (400, 50035)
            assert "content" in body["errors"]
    async with aiohttp.ClientSession() as anon, anon.get(f"{bare.api_base}/users/@me") as resp:
        assert resp.status == 401
    assert [r.status for r in bare.rejections] == [404, 400, 401]
    assert "404" in bare.transcript.format()


async def test_injected_server_errors() -> None:
    sb = Sandbox(faults=Faults(error_rate=1.0, seed=1))
    await sb.start()
    try:
        async with (
            aiohttp.ClientSession(headers=_auth(sb)) as http,
            http.get(f"{sb.api_base}/users/@me") as resp,
        ):
            assert resp.status in (500, 502)
        assert sb.injected_faults == 1
        assert sb.rejections == []
    finally:
        await sb.stop()
