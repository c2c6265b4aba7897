"""The Discord application: one factory builds the bot from a config object.

Nothing happens at import time. :func:`create_bot` returns a :class:`Confbot`
whose ``setup_hook`` opens the core (database, schedule, scheduler), loads the cogs
and syncs the application commands only when their definitions changed.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import hashlib
import json
import logging

import aiohttp
import discord
from discord.ext import commands

from bot import __version__
from bot.answer_hooks import AnswerHooks
from bot.answer_pacing import AnswerPacing
from bot.answers.reader import Reader, reader_for
from bot.clock import Clock, SystemClock
from bot.config import ChannelRef, Config
from bot.delivery.policy import WAITED_OUT_BY_DISCORD_PY_SECONDS
from bot.delivery.sender import DiscordSender
from bot.interaction_errors import ConfbotCommandTree
from bot.services import Services

log = logging.getLogger(__name__)

# Every feature module, in load order. ``create_bot`` loads them all by default.
ALL_EXTENSIONS: tuple[str, ...] = (
    "cogs.meta",
    "cogs.profile",
    "cogs.schedule",
    "cogs.questions",
    "cogs.speakers",
    "cogs.reminders",
    "cogs.announcements",
    "cogs.conference",
    "cogs.events",
)
COMMANDS_HASH_KEY = "app_commands_hash"
# Connections to Discord's API kept open and reused. discord.py's own connector is
# unbounded: under a burst each concurrent answer would open (and pay for) a new one.
HTTP_CONNECTIONS = 256
HTTP_KEEPALIVE_SECONDS = 60.0
GC_YOUNG_ALLOCATIONS = 50_000


class Confbot(commands.Bot):
    """confbot: the conference's companion in its Discord server."""

    def __init__(
        self,
        config: Config,
        *,
        clock: Clock,
        extensions: tuple[str, ...] = ALL_EXTENSIONS,
        force_sync: bool = False,
        guild_ready_timeout: float = 2.0,
        tune_collector: bool = False,
    ) -> None:
        intents = discord.Intents.default()
        intents.message_content = config.bot.intents.message_content
        intents.members = config.bot.intents.members
        super().__init__(
            # confbot has no prefix commands: text commands and questions are answered by
            # the questions cog (see on_message), so the prefix never reaches discord.py.
            command_prefix=commands.when_mentioned,
            intents=intents,
            tree_cls=ConfbotCommandTree,
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
            guild_ready_timeout=guild_ready_timeout,
            # A 429 asking for more than 30 s (discord.py's smallest setting) raises
            # RateLimited instead of holding the request (and a delivery pass) in a sleep;
            # the delivery engine then reschedules the row after that Retry-After.
            max_ratelimit_timeout=WAITED_OUT_BY_DISCORD_PY_SECONDS,
            # Needs the running loop: create_bot is called from async code.
            connector=aiohttp.TCPConnector(
                limit=HTTP_CONNECTIONS, keepalive_timeout=HTTP_KEEPALIVE_SECONDS
            ),
            # The one public way to the raw scheduled-event dispatches (see cogs/events).
            enable_debug_events=config.events.enabled,
        )
        self.config = config
        self.clock = clock
        self.version = __version__
        self._extensions = extensions
        self._force_sync = force_sync
        self._tune_collector = tune_collector
        self._services: Services | None = None
        self.commands_synced = False
        self._delivery_task: asyncio.Task[None] | None = None
        # What features add to each other's answers (buttons, page sources): cogs register.
        self.answer_hooks = AnswerHooks()
        self.started = asyncio.Event()
        """Set once the gateway is ready, the cogs' ready work is done and delivery runs."""
        # When to acknowledge an interaction before answering it, and what came of it.
        self.answer_pacing = AnswerPacing()
        self._lag_task: asyncio.Task[None] | None = None

    @property
    def services(self) -> Services:
        """Return the core services (available from ``setup_hook`` on)."""
        if self._services is None:
            raise RuntimeError("confbot's services are not open yet")
        return self._services

    async def reader(self, user_id: int) -> Reader:
        """Return how a user reads times (the conference zone until they set theirs)."""
        services = self.services
        return await reader_for(services.database, user_id, services.conference_zone)

    def channel_id(self, configured: ChannelRef | None) -> int | None:
        """Return the id of a configured channel (an id, or a name looked up in the servers).

        A text channel of that name first, else any (a voice or stage room of ``[events]``).
        """
        if configured is None or isinstance(configured, int):
            return configured
        for channels in (lambda g: g.text_channels, lambda g: g.channels):
            for guild in self.guilds:
                channel = discord.utils.get(channels(guild), name=configured)
                if channel is not None:
                    return channel.id
        return None

    def room_channel_ids(self) -> dict[str, int]:
        """Return room id -> channel id for the configured room channels the bot can see.

        ``guild.room_channels`` names channels by id or by name; names are looked up in
        the servers the bot is in (so call this once the gateway is ready).
        """
        found: dict[str, int] = {}
        for room_id, configured in self.config.guild.room_channels.items():
            if isinstance(configured, int):
                found[room_id] = configured
                continue
            for guild in self.guilds:
                channel = discord.utils.get(guild.text_channels, name=configured)
                if channel is not None:
                    found[room_id] = channel.id
                    break
        return found

    def channel_url(self, channel_id: int) -> str | None:
        """Return the channel's link as Discord forms it (its ``jump_url``), if visible."""
        channel = self.get_channel(channel_id)
        if isinstance(channel, discord.abc.GuildChannel):
            return channel.jump_url
        return None

    async def on_message(self, message: discord.Message) -> None:
        """Leave messages to the cogs' listeners; there are no prefix commands to run."""

    async def setup_hook(self) -> None:
        """Open the core, start the scheduler and web server, load the cogs, sync the commands."""
        self._services = await Services.open(self.config, self.clock, channels=self)
        self._lag_task = asyncio.create_task(self.answer_pacing.run())
        self._services.scheduler.start()
        await self._services.start_web()
        for extension in self._extensions:
            await self.load_extension(extension)
        await self.sync_commands_if_changed()
        if self._tune_collector:
            tune_collector()
        self._delivery_task = asyncio.create_task(self._start_delivery())

    async def _start_delivery(self) -> None:
        """Start sending due outbox rows once the gateway is ready (channels are known)."""
        await self.wait_until_ready()
        await self.services.when_ready(self)
        try:
            await self.services.delivery.start(DiscordSender(self))
        except Exception:
            # Never die unseen: the rows stay pending for the next start.
            log.exception("the delivery engine failed to start")
        self.started.set()

    def command_definitions(self) -> list[dict[str, object]]:
        """Return the application-command payloads this bot would register."""
        return [command.to_dict(self.tree) for command in self.tree.get_commands()]

    async def sync_commands_if_changed(self) -> bool:
        """Register the commands with Discord if their definitions changed; return whether."""
        definitions = json.dumps(
            {"guilds": self.config.bot.command_guild_ids, "commands": self.command_definitions()},
            sort_keys=True,
        )
        digest = hashlib.sha256(definitions.encode()).hexdigest()
        meta = self.services.database.meta
        if not self._force_sync and await meta.get(COMMANDS_HASH_KEY) == digest:
            log.info("application commands unchanged; not syncing")
            return False
        if self.config.bot.command_guild_ids:
            for guild_id in self.config.bot.command_guild_ids:
                guild = discord.Object(guild_id)
                self.tree.copy_global_to(guild=guild)
                await self.tree.sync(guild=guild)
        else:
            await self.tree.sync()
        await meta.set(COMMANDS_HASH_KEY, digest)
        self.commands_synced = True
        log.info("synced %d application commands", len(self.tree.get_commands()))
        return True

    async def close(self) -> None:
        """Drain in-flight sends, disconnect from Discord, stop the scheduler, close the database.

        Deliveries drain first, while the HTTP session can still carry them.
        """
        if self._services is not None and not self.is_closed():
            await self._services.delivery.drain()
        await super().close()
        if self._delivery_task is not None and not self._delivery_task.done():
            self._delivery_task.cancel()
            # Let it unwind before the database closes under its query.
            with contextlib.suppress(asyncio.CancelledError):
                await self._delivery_task
        if self._lag_task is not None:
            self._lag_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._lag_task
        if self._services is not None:
            await self._services.close()
            self._services = None


def tune_collector() -> None:
    """Tune this process's cyclic garbage collector for a bot under bursts (process-wide).

    What is loaded by now (the programme and its indexes, the modules) lives as long as
    the bot: :func:`gc.freeze` keeps it out of full collections. And young objects are
    collected after :data:`GC_YOUNG_ALLOCATIONS` allocations rather than Python's 700:
    under a burst each collection walks every answer in flight, and at 700 they took ~30%
    of the CPU (``bench/burst.py``, ``bot_gc_seconds``); most garbage here is freed by
    reference counts anyway. Only the process's owner calls it (``confbot run``, the
    benchmarks), never a test process hosting many bots.
    """
    gc.freeze()
    gc.set_threshold(GC_YOUNG_ALLOCATIONS, *gc.get_threshold()[1:])


def create_bot(
    config: Config,
    *,
    clock: Clock | None = None,
    extensions: tuple[str, ...] = ALL_EXTENSIONS,
    force_sync: bool = False,
    guild_ready_timeout: float = 2.0,
    tune_collector: bool = False,
) -> Confbot:
    """Build the bot from a config object (nothing connects until it is started).

    ``tune_collector`` tunes the process's garbage collector once the bot is set up
    (:func:`tune_collector`).
    """
    return Confbot(
        config,
        clock=clock or SystemClock(),
        extensions=extensions,
        force_sync=force_sync,
        guild_ready_timeout=guild_ready_timeout,
        tune_collector=tune_collector,
    )
