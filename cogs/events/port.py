"""The Discord side of the events feature: one request per method, errors classified.

Implements :class:`bot.events.port.EventsPort` with discord.py's public scheduled-event
API. An event the gateway announced is in discord.py's cache (the GUILD_SCHEDULED_EVENTS
intent is a default one); one that is not is fetched first.
"""

from __future__ import annotations

import discord

from bot.delivery.policy import DeliveryError
from bot.delivery.sender import translated_errors
from bot.events.plan import EventSpec
from bot.events.port import EventStatus, SeenEvent

_STATUS: dict[discord.EventStatus, EventStatus] = {
    discord.EventStatus.scheduled: "scheduled",
    discord.EventStatus.active: "active",
    discord.EventStatus.completed: "completed",
    discord.EventStatus.cancelled: "canceled",
}


def seen_event(event: discord.ScheduledEvent) -> SeenEvent:
    """Return the feature's view of a discord.py scheduled event."""
    return SeenEvent(
        id=event.id,
        creator_id=event.creator_id,
        name=event.name,
        description=event.description or "",
        status=_STATUS.get(event.status, "scheduled"),
        start=event.start_time,
        end=event.end_time,
        location=event.location,
        channel_id=event.channel_id,
    )


class DiscordEvents:
    """Make the events feature's requests through the bot's Discord connection."""

    def __init__(self, client: discord.Client) -> None:
        self._client = client

    @property
    def bot_user_id(self) -> int | None:
        """Return the bot's user id once connected."""
        return self._client.user.id if self._client.user is not None else None

    def guild_id(self) -> int | None:
        """Return the conference server (the first the bot is in)."""
        return self._client.guilds[0].id if self._client.guilds else None

    def _guild(self, guild_id: int) -> discord.Guild:
        guild = self._client.get_guild(guild_id)
        if guild is None:
            raise DeliveryError(f"not in server {guild_id}", permanent=True)
        return guild

    def missing_permission(self, guild_id: int) -> str | None:
        """Return "Create Events" if the bot may neither create nor manage events."""
        guild = self._client.get_guild(guild_id)
        if guild is None:
            return "View Server"
        permissions = guild.me.guild_permissions
        if not (permissions.create_events or permissions.manage_events):
            return "Create Events"
        return None

    async def _event(self, guild_id: int, event_id: int) -> discord.ScheduledEvent:
        guild = self._guild(guild_id)
        event = guild.get_scheduled_event(event_id)
        if event is None:
            async with translated_errors():
                event = await guild.fetch_scheduled_event(event_id)
        return event

    async def create(self, guild_id: int, spec: EventSpec) -> SeenEvent:
        """Create ``spec``'s event (POST /guilds/{id}/scheduled-events)."""
        guild = self._guild(guild_id)
        async with translated_errors():
            if spec.entity_type == "external":
                event = await guild.create_scheduled_event(
                    name=spec.name,
                    description=spec.description,
                    start_time=spec.start,
                    end_time=spec.end,
                    entity_type=discord.EntityType.external,
                    location=spec.location or "Online",
                    privacy_level=discord.PrivacyLevel.guild_only,
                )
            else:
                channel = guild.get_channel(spec.channel_id or 0)
                if not isinstance(channel, discord.VoiceChannel | discord.StageChannel):
                    raise DeliveryError(f"no voice channel {spec.channel_id}", permanent=True)
                event = await guild.create_scheduled_event(
                    name=spec.name,
                    description=spec.description,
                    start_time=spec.start,
                    end_time=spec.end,
                    channel=channel,
                    privacy_level=discord.PrivacyLevel.guild_only,
                )
        return seen_event(event)

    async def edit(self, guild_id: int, event_id: int, spec: EventSpec) -> SeenEvent:
        """Write ``spec``'s fields to the event (PATCH)."""
        event = await self._event(guild_id, event_id)
        async with translated_errors():
            if spec.entity_type == "external":
                edited = await event.edit(
                    name=spec.name,
                    description=spec.description,
                    start_time=spec.start,
                    end_time=spec.end,
                    location=spec.location or "Online",
                )
            else:
                edited = await event.edit(
                    name=spec.name,
                    description=spec.description,
                    start_time=spec.start,
                    end_time=spec.end,
                )
        return seen_event(edited or event)

    async def set_status(self, guild_id: int, event_id: int, status: EventStatus) -> None:
        """Start, end or cancel the event (PATCH status).

        Through ``edit(status=…)``: ``start()``/``end()``/``cancel()`` refuse by the cached
        status, which a retried request or a missed update makes stale; Discord judges.
        """
        event = await self._event(guild_id, event_id)
        wanted = {value: key for key, value in _STATUS.items()}[status]
        async with translated_errors():
            await event.edit(status=wanted)

    async def delete(self, guild_id: int, event_id: int) -> None:
        """Delete the event (DELETE)."""
        event = await self._event(guild_id, event_id)
        async with translated_errors():
            await event.delete()

    async def events(self, guild_id: int) -> list[SeenEvent]:
        """Return the server's events (GET /guilds/{id}/scheduled-events)."""
        guild = self._guild(guild_id)
        async with translated_errors():
            found = await guild.fetch_scheduled_events(with_counts=False)
        return [seen_event(event) for event in found]

    async def interested(self, guild_id: int, event_id: int, after: int) -> list[int]:
        """Return one page (≤ 100) of the event's Interested users above ``after``."""
        event = await self._event(guild_id, event_id)
        async with translated_errors():
            return [
                user.id async for user in event.users(limit=100, after=discord.Object(after or 0))
            ]
