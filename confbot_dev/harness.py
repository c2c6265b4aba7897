"""The whole bot against the sandbox, in one event loop: for tests and ``confbot demo``.

:class:`ConferenceHarness` starts a loopback Discord with a conference server
(channels, a moderator role, a moderator and attendees), points discord.py at it
through its public endpoint attributes, and starts the real bot built by
:func:`bot.app.create_bot`, on a :class:`~bot.clock.SimulatedClock`.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from types import TracebackType

from bot.app import ALL_EXTENSIONS, Confbot, create_bot
from bot.clock import SimulatedClock
from bot.config import Config
from bot.schedule.files import load_schedule
from confbot_dev.sandbox import (
    Channel,
    Faults,
    Guild,
    Limits,
    Role,
    Sandbox,
    User,
    point_discord_py_at,
)
from confbot_dev.sandbox.permissions import CREATE_EVENTS, MANAGE_ROLES
from confbot_dev.sandbox.server import Middleware

# discord.py waits this long for GUILD_CREATEs before on_ready; the sandbox sends them at once.
GUILD_READY_TIMEOUT = 0.1
# Permission bits a conference moderator role has (MANAGE_MESSAGES | MANAGE_GUILD).
MODERATOR_PERMISSIONS = (1 << 13) | (1 << 5)
CHANNELS = ("general", "announcements", "schedule-updates", "mod-log", "main-stage")
# Announcement (news) channels among them, as conference servers usually have: followers'
# servers get what the bot publishes there.
ANNOUNCEMENT_CHANNELS = ("announcements",)
ATTENDEES = ("alice", "bob")
MODERATOR = "moderator"


@dataclass
class ConferenceServer:
    """The sandbox guild with its channels, roles and people."""

    guild: Guild
    channels: dict[str, Channel]
    moderator_role: Role
    members: dict[str, User] = field(default_factory=dict)


def build_conference_server(sandbox: Sandbox, config: Config) -> ConferenceServer:
    """Add the conference guild (channels, moderator role, moderator, attendees) to ``sandbox``."""
    guild = sandbox.add_guild("Conference")
    channels = {
        name: sandbox.add_channel(guild, name, announcement=name in ANNOUNCEMENT_CHANNELS)
        for name in CHANNELS
    }
    role_name = config.guild.moderator_role
    moderator_role = sandbox.add_role(
        guild,
        role_name if isinstance(role_name, str) else "Moderator",
        permissions=MODERATOR_PERMISSIONS,
    )
    server = ConferenceServer(guild, channels, moderator_role)
    for name in ATTENDEES:
        server.members[name] = sandbox.add_member(guild, name)
    server.members[MODERATOR] = sandbox.add_member(guild, MODERATOR, roles=[moderator_role])
    # As organisers invite it: the bot's role on top, allowed to hand out track roles.
    (bot_role,) = guild.members[sandbox.bot_user.id].roles
    bot_role.permissions |= MANAGE_ROLES | CREATE_EVENTS
    bot_role.position = max(role.position for role in guild.roles) + 1
    return server


def default_start(config: Config) -> datetime:
    """Return 15 minutes before the first session of the configured schedule."""
    schedule = load_schedule(config.schedule.source)
    if not schedule.sessions:
        raise ValueError("the schedule has no sessions to start the clock before")
    return min(session.start for session in schedule.sessions) - timedelta(minutes=15)


class ConferenceHarness:
    """Sandbox + conference server + the real bot, started and stopped together."""

    def __init__(
        self,
        config: Config,
        *,
        start: datetime | None = None,
        speed: float = 0.0,
        limits: Limits | None = None,
        faults: Faults | None = None,
        extensions: tuple[str, ...] = ALL_EXTENSIONS,
        force_sync: bool = True,
        stable_ids: bool = False,
        observers: Sequence[Middleware] = (),
    ) -> None:
        """Prepare (not start) the sandbox and the bot.

        Every harness starts a new sandbox, which knows no commands, while a kept
        database may say they were synced already: hence ``force_sync``. Tests of
        sync-on-change pass ``False`` and count the sandbox's command requests.
        ``stable_ids`` gives the server, its channels, roles and people the same ids in
        every harness, so a kept database still knows them (``confbot demo --data-dir``).
        ``observers`` go to the sandbox (middlewares around every request).
        """
        self.config = config
        self._force_sync = force_sync
        self.clock = SimulatedClock(start or default_start(config), speed=speed)
        # The sandbox's deadlines, token lifetime, nonce and invalid-request windows run on
        # the bot's clock: advancing it by 16 minutes ages an interaction token.
        limits = dataclasses.replace(
            limits or Limits(), clock=self.simulated_seconds, wall_clock=self.simulated_seconds
        )
        # Discord's 3 s to answer is about the bot's real processing time: on a clock
        # running N times faster it is 3N simulated seconds (a stopped clock never reaches it).
        limits.interaction_deadline *= max(speed, 1.0)
        self.sandbox = Sandbox(
            limits=limits,
            faults=faults,
            bot_name="confbot",
            stable_ids=stable_ids,
            observers=observers,
        )
        self._extensions = extensions
        self._endpoints: contextlib.ExitStack | None = None
        self._task: asyncio.Task[None] | None = None
        self.bot: Confbot | None = None
        self.server: ConferenceServer | None = None

    async def __aenter__(self) -> ConferenceHarness:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    async def start(self) -> None:
        """Start the sandbox, build the server, start the bot and wait until it is ready."""
        await self.sandbox.start()
        self.server = self._build_server()
        self._endpoints = contextlib.ExitStack()
        self._endpoints.enter_context(point_discord_py_at(self.sandbox))
        await self._start_bot()

    async def restart_bot(self) -> Confbot:
        """Close the bot and start a fresh one from the same config and database.

        The sandbox keeps running with its messages, as Discord would across a
        restart; nothing of the old bot's memory (views, caches) survives.
        """
        await self._stop_bot()
        await self._start_bot()
        if self.bot is None:
            raise RuntimeError("the bot did not start again")
        return self.bot

    async def stop_bot(self) -> None:
        """Close the bot and leave it down (the sandbox runs on: what people do, it misses)."""
        await self._stop_bot()
        self.bot = None

    async def start_bot(self) -> Confbot:
        """Start a fresh bot after :meth:`stop_bot`, on the same config and database."""
        await self._start_bot()
        if self.bot is None:
            raise RuntimeError("the bot did not start again")
        return self.bot

    async def _start_bot(self) -> None:
        self.bot = create_bot(
            self.config,
            clock=self.clock,
            extensions=self._extensions,
            force_sync=self._force_sync,
            guild_ready_timeout=GUILD_READY_TIMEOUT,
        )
        self._task = asyncio.create_task(self.bot.start(self.sandbox.bot_token))
        # Ready means the gateway is up and the bot's start-up work (planning) is done.
        ready = asyncio.create_task(self.bot.started.wait())
        done, _ = await asyncio.wait(
            {self._task, ready},
            timeout=self.sandbox.limits.wait_timeout,
            return_when=asyncio.FIRST_COMPLETED,
        )
        if self._task in done:
            ready.cancel()
            stopped, self._task = self._task, None
            stopped.result()  # raises what stopped the bot
            raise RuntimeError("the bot stopped before it was ready")
        if ready not in done:
            ready.cancel()
            raise TimeoutError("the bot did not become ready against the sandbox")

    async def stop(self) -> None:
        """Close the bot, stop the sandbox and restore discord.py's endpoints."""
        await self._stop_bot()
        await self.sandbox.stop()
        if self._endpoints is not None:
            self._endpoints.close()

    async def _stop_bot(self) -> None:
        if self.bot is not None:
            await self.bot.close()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def simulated_seconds(self) -> float:
        """Return the simulated clock's instant as seconds since the epoch."""
        return self.clock.now().timestamp()

    def _build_server(self) -> ConferenceServer:
        return build_conference_server(self.sandbox, self.config)

    @property
    def sandbox_guild(self) -> Guild:
        """Return the conference server (the harness must be started)."""
        return self._started_server().guild

    def member(self, name: str) -> User:
        """Return the member called ``name``, adding a new attendee if there is none."""
        server = self._started_server()
        if name not in server.members:
            server.members[name] = self.sandbox.add_member(server.guild, name)
        return server.members[name]

    def channel(self, name: str) -> Channel:
        """Return the server's channel called ``name``.

        :raises KeyError: there is no such channel.
        """
        return self._started_server().channels[name]

    def _started_server(self) -> ConferenceServer:
        if self.server is None:
            raise RuntimeError("the harness is not started")
        return self.server


def harness_config(
    data_dir: Path, *, schedule: Path | None = None, base: Config | None = None
) -> Config:
    """Return ``base`` (or the defaults) with its database in ``data_dir`` and ``schedule``."""
    base = base or Config()
    updates: dict[str, object] = {
        "storage": base.storage.model_copy(update={"database": data_dir / "confbot.db"})
    }
    if schedule is not None:
        updates["schedule"] = base.schedule.model_copy(update={"source": schedule})
    return base.model_copy(update=updates)
