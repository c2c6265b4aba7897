"""Fixtures for the sandbox's rules: a bare sandbox for raw HTTP and the probe bot."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from confbot_dev.sandbox import Limits, Sandbox, point_discord_py_at
from tests.support.clocks import HandClock
from tests.support.rules_bot import MANAGE_GUILD, RulesBot, RulesWorld, Stall


@pytest.fixture
async def rules() -> AsyncIterator[RulesWorld]:
    """Start a sandbox on a hand clock with the probe bot; alice is a moderator, bob is not."""
    clock = HandClock()
    sandbox = Sandbox(limits=Limits(clock=clock, wait_timeout=5.0))
    await sandbox.start()
    guild = sandbox.add_guild("ConfCon")
    general = sandbox.add_channel(guild, "general")
    moderator = sandbox.add_role(guild, "Moderator", permissions=MANAGE_GUILD)
    alice = sandbox.add_member(guild, "alice", roles=[moderator])
    bob = sandbox.add_member(guild, "bob")
    stall = Stall()
    bot = RulesBot(stall)
    with point_discord_py_at(sandbox):
        task = asyncio.create_task(bot.start(sandbox.bot_token))
        try:
            await sandbox.wait_until_ready()
            await asyncio.wait_for(bot.wait_until_ready(), 5)
            await sandbox.commands_registered()
            yield RulesWorld(sandbox, bot, clock, stall, guild, general, moderator, alice, bob)
        finally:
            await bot.close()
            await asyncio.wait_for(task, 5)
            await sandbox.stop()
    assert sandbox.rejections == [], "undeclared rejections"


@pytest.fixture
async def bare_rules() -> AsyncIterator[tuple[Sandbox, HandClock]]:
    """Start a sandbox with no bot, for raw HTTP; the hand clock is the bot's clock.

    Rate-limit buckets stay on real time, as in the harness.
    """
    clock = HandClock()
    sandbox = Sandbox(limits=Limits(clock=clock, global_per_second=10_000))
    await sandbox.start()
    try:
        yield sandbox, clock
    finally:
        await sandbox.stop()
