"""Guild scheduled events: the REST routes, their rules and their gateway events.

Follows resources/guild-scheduled-event (structure, field requirements by entity type,
statuses and transitions, the 100 SCHEDULED/ACTIVE cap, the users list, "Status Update
Automation", "Permissions Requirements") and events/gateway (the GUILD_SCHEDULED_EVENTS
intent's five events). Bodies are first checked against the OpenAPI spec by the middleware
like every route; the prose rules the schema cannot say are in ``spec/rules_events.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from confbot_dev.sandbox.config import Limits
from confbot_dev.sandbox.events import EventBus
from confbot_dev.sandbox.gateway import Gateway
from confbot_dev.sandbox.permissions import (
    CONNECT,
    CREATE_EVENTS,
    MANAGE_CHANNELS,
    MANAGE_EVENTS,
    MOVE_MEMBERS,
    MUTE_MEMBERS,
    VIEW_CHANNEL,
    channel_permissions,
    guild_permissions,
)
from confbot_dev.sandbox.rest import API_PREFIX, PAYLOAD, DiscordError, json_response, no_content
from confbot_dev.sandbox.state import Channel, Guild, User, World

# resources/guild-scheduled-event: entity types, statuses, privacy level.
STAGE_INSTANCE, VOICE, EXTERNAL = 1, 2, 3
SCHEDULED, ACTIVE, COMPLETED, CANCELED = 1, 2, 3, 4
GUILD_ONLY = 2
# "A guild can have a maximum of 100 events with SCHEDULED or ACTIVE status at any time."
EVENT_CAP = 100
# "Valid Guild Scheduled Event Status Transitions"; COMPLETED and CANCELED are final.
TRANSITIONS = {(SCHEDULED, ACTIVE), (ACTIVE, COMPLETED), (SCHEDULED, CANCELED)}
USERS_PAGE_LIMIT = 100
# The docs name no code for a transition outside the table; this one is the sandbox's own.
_BAD_TRANSITION = {
    "status": {
        "_errors": [
            {
                "code": "GUILD_SCHEDULED_EVENT_INVALID_STATUS_TRANSITION",
                "message": "This status change is not allowed.",
            }
        ]
    }
}


def parse_time(value: str) -> datetime:
    """Return the aware datetime of an ISO8601 timestamp (the spec checked its format)."""
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat()


@dataclass
class ScheduledEvent:
    """One guild scheduled event and the users who pressed Interested."""

    id: int
    guild_id: int
    creator: User
    name: str
    start: datetime
    end: datetime | None
    entity_type: int
    channel_id: int | None = None
    location: str | None = None
    description: str | None = None
    status: int = SCHEDULED
    privacy_level: int = GUILD_ONLY
    image: str | None = None
    users: set[int] = field(default_factory=set)

    @property
    def open(self) -> bool:
        """Return whether the event counts toward the cap (SCHEDULED or ACTIVE)."""
        return self.status in (SCHEDULED, ACTIVE)

    def payload(self, *, with_user_count: bool = False) -> dict[str, Any]:
        """Return the guild scheduled event object."""
        data: dict[str, Any] = {
            "id": str(self.id),
            "guild_id": str(self.guild_id),
            "channel_id": None if self.channel_id is None else str(self.channel_id),
            "creator_id": str(self.creator.id),
            "creator": self.creator.payload(),
            "name": self.name,
            "description": self.description,
            "scheduled_start_time": _iso(self.start),
            "scheduled_end_time": _iso(self.end),
            "privacy_level": self.privacy_level,
            "status": self.status,
            "entity_type": self.entity_type,
            "entity_id": None,
            "entity_metadata": (
                {"location": self.location} if self.entity_type == EXTERNAL else None
            ),
            "image": self.image,
            "recurrence_rule": None,
            "guild_scheduled_event_exceptions": [],
        }
        if with_user_count:
            data["user_count"] = len(self.users)
        return data


def _flag(request: web.Request, name: str) -> bool:
    """Read a boolean query string the way the reference's "Boolean Query Strings" says."""
    return request.query.get(name, "").lower() in ("true", "1")


class ScheduledEvents:
    """Own every guild's scheduled events; serve their routes; move them on the clock."""

    def __init__(self, world: World, gateway: Gateway, limits: Limits, bus: EventBus) -> None:
        self.world = world
        self.bus = bus
        self.gateway = gateway
        self.limits = limits
        self.events: dict[int, ScheduledEvent] = world.scheduled_events

    def routes(self) -> list[web.RouteDef]:
        """Return the five scheduled-event routes."""
        base = API_PREFIX + "/guilds/{guild_id}/scheduled-events"
        one = base + "/{guild_scheduled_event_id}"
        return [
            web.get(base, self.list_events),
            web.post(base, self.create_event),
            web.get(one, self.get_event),
            web.patch(one, self.modify_event),
            web.delete(one, self.delete_event),
            web.get(one + "/users", self.list_users),
        ]

    # -- the clock -------------------------------------------------------------------

    def now(self) -> datetime:
        """Return the bot's clock (``Limits.clock``) as an aware datetime."""
        return datetime.fromtimestamp(self.limits.clock(), UTC)

    async def follow_clock(self) -> None:
        """Start and end EXTERNAL events whose times have come, as Discord does itself.

        "Status Update Automation": an EXTERNAL event becomes ACTIVE at its start and
        COMPLETED at its end. Run before every scheduled-event request and by the driver,
        so the sandbox's state is what Discord's would be at the bot's clock.
        """
        now = self.now()
        for event in sorted(self.events.values(), key=lambda e: e.id):
            if event.entity_type != EXTERNAL or not event.open:
                continue
            changed = False
            if event.status == SCHEDULED and event.start <= now:
                event.status, changed = ACTIVE, True
            if event.status == ACTIVE and event.end is not None and event.end <= now:
                event.status, changed = COMPLETED, True
            if changed:
                await self._dispatch("GUILD_SCHEDULED_EVENT_UPDATE", event.payload())

    async def _dispatch(self, name: str, data: dict[str, Any]) -> None:
        await self.gateway.dispatch(name, data)

    # -- lookups and permissions -------------------------------------------------------

    def _guild(self, request: web.Request) -> Guild:
        try:
            guild = self.world.guilds.get(int(request.match_info["guild_id"]))
        except ValueError:
            guild = None
        if guild is None:
            raise DiscordError(404, 10004, "Unknown Guild")
        return guild

    def _event(self, request: web.Request, guild: Guild) -> ScheduledEvent:
        try:
            event = self.events.get(int(request.match_info["guild_scheduled_event_id"]))
        except ValueError:
            event = None
        if event is None or event.guild_id != guild.id:
            raise DiscordError(404, 10070, "Unknown Guild Scheduled Event")
        return event

    def _channel(self, guild: Guild, channel_id: Any) -> Channel:
        channel = self.world.channels.get(int(channel_id)) if channel_id is not None else None
        if channel is None or channel.guild_id != guild.id:
            raise DiscordError(404, 10003, "Unknown Channel")
        return channel

    def _bot_permissions(self, guild: Guild, channel: Channel | None) -> int:
        bot = guild.members[self.world.bot_user.id]
        if channel is None:
            return guild_permissions(guild, bot)
        return channel_permissions(guild, bot, channel)

    def _require(
        self, guild: Guild, entity_type: int, channel: Channel | None, event_power: int
    ) -> None:
        """Refuse (403 50013) unless the bot holds what "Permissions Requirements" lists.

        ``event_power`` is the event permission needed: CREATE_EVENTS to create,
        CREATE_EVENTS or MANAGE_EVENTS for the bot's own event, MANAGE_EVENTS for another's.
        """
        granted = self._bot_permissions(guild, channel if entity_type != EXTERNAL else None)
        if entity_type == VOICE:
            needed = VIEW_CHANNEL | CONNECT
        elif entity_type == STAGE_INSTANCE:
            needed = MANAGE_CHANNELS | MUTE_MEMBERS | MOVE_MEMBERS
        else:
            needed = 0
        if not granted & event_power or granted & needed != needed:
            raise DiscordError(403, 50013, "Missing Permissions")

    def _power_over(self, event: ScheduledEvent) -> int:
        if event.creator.id == self.world.bot_user.id:
            return CREATE_EVENTS | MANAGE_EVENTS
        return MANAGE_EVENTS

    def visible(self, guild: Guild, event: ScheduledEvent) -> bool:
        """Return whether the bot may see ``event`` (VIEW_CHANNEL in a voice/stage channel)."""
        if event.channel_id is None:
            return True
        channel = self.world.channels.get(event.channel_id)
        return channel is not None and bool(self._bot_permissions(guild, channel) & VIEW_CHANNEL)

    # -- routes ----------------------------------------------------------------------

    async def list_events(self, request: web.Request) -> web.Response:
        """``GET /guilds/{id}/scheduled-events`` (``with_user_count``)."""
        guild = self._guild(request)
        await self.follow_clock()
        counted = _flag(request, "with_user_count")
        return json_response(
            [
                event.payload(with_user_count=counted)
                for event in sorted(self.events.values(), key=lambda e: e.id)
                if event.guild_id == guild.id and self.visible(guild, event)
            ]
        )

    async def get_event(self, request: web.Request) -> web.Response:
        """``GET /guilds/{id}/scheduled-events/{event}`` (``with_user_count``)."""
        guild = self._guild(request)
        await self.follow_clock()
        event = self._event(request, guild)
        if not self.visible(guild, event):
            raise DiscordError(403, 50001, "Missing Access")
        return json_response(event.payload(with_user_count=_flag(request, "with_user_count")))

    async def create_event(self, request: web.Request) -> web.Response:
        """``POST /guilds/{id}/scheduled-events``: permissions, then the cap, then create."""
        guild = self._guild(request)
        await self.follow_clock()
        body: dict[str, Any] = request[PAYLOAD] or {}
        entity_type = int(body["entity_type"])
        channel = None if entity_type == EXTERNAL else self._channel(guild, body.get("channel_id"))
        self._require(guild, entity_type, channel, CREATE_EVENTS)
        if sum(1 for e in self.events.values() if e.guild_id == guild.id and e.open) >= EVENT_CAP:
            raise DiscordError(
                400, 30038, "Maximum number of uncompleted guild scheduled events reached (100)"
            )
        end = body.get("scheduled_end_time")
        event = ScheduledEvent(
            id=self.world.ids.next(),
            guild_id=guild.id,
            creator=self.world.bot_user,
            name=body["name"],
            start=parse_time(body["scheduled_start_time"]),
            end=parse_time(end) if end else None,
            entity_type=entity_type,
            channel_id=None if channel is None else channel.id,
            location=(body.get("entity_metadata") or {}).get("location")
            if entity_type == EXTERNAL
            else None,
            description=body.get("description"),
            privacy_level=int(body.get("privacy_level", GUILD_ONLY)),
        )
        self.events[event.id] = event
        self.bus.emit("scheduled_event_create", event)
        await self._dispatch("GUILD_SCHEDULED_EVENT_CREATE", event.payload())
        return json_response(event.payload())

    async def modify_event(self, request: web.Request) -> web.Response:
        """``PATCH``: permissions, the status transition, then the fields given."""
        guild = self._guild(request)
        await self.follow_clock()
        event = self._event(request, guild)
        body: dict[str, Any] = request[PAYLOAD] or {}
        entity_type = int(body.get("entity_type") or event.entity_type)
        if "channel_id" in body and body["channel_id"] is not None:
            channel: Channel | None = self._channel(guild, body["channel_id"])
        elif entity_type == EXTERNAL:
            channel = None
        else:
            channel = self._channel(guild, event.channel_id)
        power = self._power_over(event)
        self._require(guild, event.entity_type, self._current_channel(event), power)
        self._require(guild, entity_type, channel, power)
        if not event.open:
            # "Once status is set to COMPLETED or CANCELED, the status can no longer be updated"
            raise DiscordError(400, 180000, "Cannot update a finished event")
        status = body.get("status")
        if status is not None and int(status) != event.status:
            if (event.status, int(status)) not in TRANSITIONS:
                raise DiscordError(400, 50035, "Invalid Form Body", _BAD_TRANSITION)
            event.status = int(status)
        self._apply(event, body, entity_type, channel)
        await self._dispatch("GUILD_SCHEDULED_EVENT_UPDATE", event.payload())
        return json_response(event.payload())

    def _current_channel(self, event: ScheduledEvent) -> Channel | None:
        return None if event.channel_id is None else self.world.channels.get(event.channel_id)

    def _apply(
        self, event: ScheduledEvent, body: dict[str, Any], entity_type: int, channel: Channel | None
    ) -> None:
        if "name" in body:
            event.name = body["name"]
        if "description" in body:
            event.description = body["description"]
        if "scheduled_start_time" in body:
            event.start = parse_time(body["scheduled_start_time"])
        if "scheduled_end_time" in body:
            end = body["scheduled_end_time"]
            event.end = parse_time(end) if end else None
        if "privacy_level" in body:
            event.privacy_level = int(body["privacy_level"])
        event.entity_type = entity_type
        event.channel_id = None if channel is None else channel.id
        # "This endpoint silently discards entity_metadata for non-EXTERNAL events."
        if entity_type == EXTERNAL:
            if body.get("entity_metadata"):
                event.location = body["entity_metadata"].get("location")
        else:
            event.location = None

    async def delete_event(self, request: web.Request) -> web.Response:
        """``DELETE``: the same permissions as a modify; 204 and GUILD_SCHEDULED_EVENT_DELETE."""
        guild = self._guild(request)
        event = self._event(request, guild)
        power = self._power_over(event)
        self._require(guild, event.entity_type, self._current_channel(event), power)
        del self.events[event.id]
        await self._dispatch("GUILD_SCHEDULED_EVENT_DELETE", event.payload())
        return no_content()

    async def list_users(self, request: web.Request) -> web.Response:
        """``GET .../users``: ascending by user id, ``before`` wins over ``after``, ≤ 100."""
        guild = self._guild(request)
        event = self._event(request, guild)
        limit = int(request.query.get("limit", str(USERS_PAGE_LIMIT)))
        if not 1 <= limit <= USERS_PAGE_LIMIT:
            raise DiscordError(
                400,
                50035,
                "Invalid Form Body",
                {
                    "limit": {
                        "_errors": [
                            {
                                "code": "NUMBER_TYPE_MAX",
                                "message": "Must be less than or equal to 100.",
                            }
                        ]
                    }
                },
            )
        ids = sorted(event.users)
        if "before" in request.query:
            before = int(request.query["before"])
            page = [i for i in ids if i < before][-limit:]
        else:
            after = int(request.query.get("after", "0"))
            page = [i for i in ids if i > after][:limit]
        with_member = _flag(request, "with_member")
        out = []
        for user_id in page:
            entry: dict[str, Any] = {
                "guild_scheduled_event_id": str(event.id),
                "user": self.world.users[user_id].payload(),
            }
            member = guild.members.get(user_id)
            if with_member and member is not None:
                entry["member"] = member.payload(with_user=False)
            out.append(entry)
        return json_response(out)

    # -- what people do in their client ---------------------------------------------

    async def press_interested(self, event: ScheduledEvent, user: User) -> None:
        """Mark ``user`` Interested (GUILD_SCHEDULED_EVENT_USER_ADD); bots cannot do this."""
        await self.follow_clock()
        if user.id in event.users:
            return
        event.users.add(user.id)
        await self._dispatch("GUILD_SCHEDULED_EVENT_USER_ADD", self._user_event(event, user))

    async def unpress_interested(self, event: ScheduledEvent, user: User) -> None:
        """Take back ``user``'s Interested (GUILD_SCHEDULED_EVENT_USER_REMOVE)."""
        if user.id not in event.users:
            return
        event.users.discard(user.id)
        await self._dispatch("GUILD_SCHEDULED_EVENT_USER_REMOVE", self._user_event(event, user))

    async def edit_as(self, event: ScheduledEvent, **fields: Any) -> None:
        """Change ``event`` as a person with Manage Events would in the client."""
        for key, value in fields.items():
            setattr(event, key, value)
        await self._dispatch("GUILD_SCHEDULED_EVENT_UPDATE", event.payload())

    @staticmethod
    def _user_event(event: ScheduledEvent, user: User) -> dict[str, Any]:
        return {
            "guild_scheduled_event_id": str(event.id),
            "user_id": str(user.id),
            "guild_id": str(event.guild_id),
        }

    def in_guild(self, guild: Guild) -> list[ScheduledEvent]:
        """Return ``guild``'s events, oldest first."""
        return sorted(
            (e for e in self.events.values() if e.guild_id == guild.id), key=lambda e: e.id
        )
