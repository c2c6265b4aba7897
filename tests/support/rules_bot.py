"""A small discord.py probe bot and a hand-moved clock for the sandbox rule tests."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from confbot_dev.sandbox import Channel, Guild, Role, Sandbox, User
from tests.support.clocks import HandClock

MANAGE_GUILD = 1 << 5


@dataclass
class Stall:
    """Hold a command callback until the test releases it; keep the errors it met."""

    entered: asyncio.Event = field(default_factory=asyncio.Event)
    release: asyncio.Event = field(default_factory=asyncio.Event)
    errors: dict[str, int] = field(default_factory=dict)
    # The ids discord.py returned for the follow-ups a command sent.
    sent: list[int] = field(default_factory=list)
    finished: asyncio.Event = field(default_factory=asyncio.Event)


class RulesBot(commands.Bot):
    """A discord.py bot with one command per rule the tests exercise."""

    def __init__(self, stall: Stall) -> None:
        intents = discord.Intents.default()
        intents.members = True
        super().__init__(command_prefix="!", intents=intents, guild_ready_timeout=0.1)
        self.stall = stall

    async def setup_hook(self) -> None:
        """Register the probe commands."""
        stall, tree = self.stall, self.tree

        @tree.command(description="Show the permissions the interaction carries")
        async def perms(interaction: discord.Interaction) -> None:
            await interaction.response.send_message(
                f"{interaction.app_permissions.value} {interaction.permissions.value}"
            )

        @tree.command(description="Managers only")
        @app_commands.default_permissions(manage_guild=True)
        async def manage(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("managed")

        @tree.command(description="Only in servers")
        @app_commands.guild_only()
        async def serveronly(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("in a server")

        @tree.command(description="Wait for the test, then try a follow-up and a response")
        async def stalled(interaction: discord.Interaction) -> None:
            stall.entered.set()
            await stall.release.wait()
            try:
                await interaction.followup.send("late follow-up")
            except discord.HTTPException as exc:
                stall.errors["followup"] = exc.code
            try:
                await interaction.response.send_message("late response")
            except discord.HTTPException as exc:
                stall.errors["response"] = exc.code
            stall.finished.set()

        @tree.command(description="Send a follow-up before answering at all")
        async def eager(interaction: discord.Interaction) -> None:
            try:
                await interaction.followup.send("too early")
            except discord.HTTPException as exc:
                stall.errors["followup"] = exc.code
            stall.finished.set()

        @tree.command(description="Think privately, then answer by two public follow-ups")
        async def thinking(interaction: discord.Interaction) -> None:
            await interaction.response.defer(ephemeral=True, thinking=True)
            first = await interaction.followup.send("first", ephemeral=False, wait=True)
            second = await interaction.followup.send("second", wait=True)
            stall.sent = [first.id, second.id]
            stall.finished.set()

        @tree.command(description="Echo options with bounds, as received")
        async def bounded(
            interaction: discord.Interaction,
            count: app_commands.Range[int, 1, 10] | None = None,
            ratio: app_commands.Range[float, 0.5, 2.0] | None = None,
            word: app_commands.Range[str, 2, 5] | None = None,
            size: Literal["small", "large"] | None = None,
            note: app_commands.Range[str, None, 100] | None = None,
        ) -> None:
            given = {"count": count, "ratio": ratio, "word": word, "size": size, "note": note}
            await interaction.response.send_message(
                " ".join(f"{k}={v!r}" for k, v in given.items() if v is not None)[:2000]
            )

        @bounded.autocomplete("note")
        async def note_choices(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            return [app_commands.Choice(name="typed", value=current[:100] or "empty")]

        await tree.sync()


@dataclass
class RulesWorld:
    """A started sandbox with a guild, its people and the probe bot connected."""

    sandbox: Sandbox
    bot: RulesBot
    clock: HandClock
    stall: Stall
    guild: Guild
    general: Channel
    moderator: Role
    alice: User
    bob: User


def auth(sandbox: Sandbox) -> dict[str, str]:
    """Return the bot's Authorization header."""
    return {"Authorization": f"Bot {sandbox.bot_token}"}
