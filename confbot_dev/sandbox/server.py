"""Assemble the sandbox: aiohttp app, middleware (auth, faults, rate limits, transcript)."""

from __future__ import annotations

import asyncio
import json
import random
import secrets
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, NoReturn

from aiohttp import web, web_middlewares

from confbot_dev.sandbox.config import Faults, Limits
from confbot_dev.sandbox.driver import Driver, Message
from confbot_dev.sandbox.events import EventBus
from confbot_dev.sandbox.gateway import Gateway
from confbot_dev.sandbox.permissions import (
    COMMAND_CHANNEL,
    COMMAND_ROLE,
    COMMAND_USER,
    EVERYONE_PERMISSIONS,
    MANAGE_MESSAGES,
    MEMBER_OVERWRITE,
    ROLE_OVERWRITE,
    SEND_MESSAGES,
)
from confbot_dev.sandbox.ratelimit import InvalidRequests, RateLimiter
from confbot_dev.sandbox.rest import (
    API_PREFIX,
    FILES,
    PAYLOAD,
    DiscordError,
    Rest,
    Upload,
    invalid_form,
    json_response,
)
from confbot_dev.sandbox.scheduled_events import ScheduledEvents
from confbot_dev.sandbox.spec import RequestValidator
from confbot_dev.sandbox.spec.rules import file_too_large
from confbot_dev.sandbox.state import (
    GUILD_ANNOUNCEMENT,
    Channel,
    Guild,
    InteractionResult,
    Member,
    Overwrite,
    Role,
    Snowflakes,
    User,
    World,
)
from confbot_dev.sandbox.transcript import RequestRecord, Transcript

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Middleware = web_middlewares.Middleware
RejectionHook = Callable[[RequestRecord], None]
BotMessageListener = Callable[[Message, bool], None]
# Connections waiting to be accepted. aiohttp's default (128) drops the SYNs of a burst's
# new connections beyond it, and the client retries each a second later; Discord's edge
# accepts them. The kernel caps it at net.core.somaxconn.
SOCKET_BACKLOG = 4096


async def _parse_body(request: web.Request) -> None:
    request[PAYLOAD] = None
    request[FILES] = []
    if not request.body_exists:
        return
    ctype = request.content_type
    if ctype == "multipart/form-data":
        files: list[Upload] = []
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                raw = value.file.read()
                if key == "payload_json":
                    request[PAYLOAD] = json.loads(raw)
                else:
                    files.append(Upload(key, value.filename, raw, value.content_type))
            elif key == "payload_json":
                request[PAYLOAD] = json.loads(value)
        request[FILES] = files
        return
    text = await request.text()
    if text:
        try:
            request[PAYLOAD] = json.loads(text)
        except ValueError:
            raise DiscordError(400, 50109, "The request body contains invalid JSON.") from None


class Sandbox:
    """Run a loopback Discord stand-in (REST + gateway) on 127.0.0.1."""

    def __init__(
        self,
        limits: Limits | None = None,
        faults: Faults | None = None,
        *,
        bot_name: str = "confbot",
        host: str = "127.0.0.1",
        port: int = 0,
        validate_requests: bool = True,
        stable_ids: bool = False,
        observers: Sequence[Middleware] = (),
    ) -> None:
        """Prepare (not start) the sandbox.

        ``observers`` are aiohttp middlewares run around everything else (benchmarks use
        one to see which connection sent each request, and how long gateway sockets stay).

        ``stable_ids`` derives users', guilds', channels' and roles' ids from their names,
        so a sandbox rebuilt with the same names has the same ids (see ``Snowflakes``).
        """
        self.limits = limits or Limits()
        self.faults = faults or Faults()
        self.host = host
        self.port = port
        self.transcript = Transcript()
        self.bus = EventBus()
        self.ids = Snowflakes(stable=stable_ids)
        self.bot_user = User(id=self.ids.named("user", bot_name), username=bot_name, bot=True)
        self.application_id = self.bot_user.id
        self.bot_token = f"sandbox.{secrets.token_urlsafe(24)}"
        self.world = World(self.ids, self.bot_user, self.application_id)
        self.gateway = Gateway(self.world, self.transcript, self.limits, self.bus, self.bot_token)
        self.rest = Rest(self.world, self.gateway, self.bus, self.limits)
        self.scheduled_events = ScheduledEvents(self.world, self.gateway, self.limits, self.bus)
        self.driver = Driver(
            self.world, self.gateway, self.rest, self.bus, self.limits, self.scheduled_events
        )
        self.ratelimiter = RateLimiter(self.limits)
        # Every request body against Discord's OpenAPI schema and prose rules (spec/).
        self.request_validator = RequestValidator(
            message_exists=lambda message_id: message_id in self.world.messages,
            enabled=validate_requests,
        )
        self.invalid = InvalidRequests(self.limits)
        self.bans = 0
        self.rejections: list[RequestRecord] = []
        self.allowed_rejections: list[RequestRecord] = []
        self._allowed: list[tuple[int | None, int | None]] = []
        self.injected_faults = 0
        self.injected_disconnects = 0
        self.injected_stored_errors = 0
        self._hooks: list[RejectionHook] = []
        self._random = random.Random(self.faults.seed)
        self._observers = list(observers)
        self._runner: web.AppRunner | None = None
        self._outbox: asyncio.Queue[tuple[str, dict[str, Any]]] | None = None
        self._pump: asyncio.Task[None] | None = None

    # -- lifecycle -------------------------------------------------------------------

    async def start(self) -> None:
        """Bind the server on a free port (or ``port``) and start serving."""
        app = web.Application(
            middlewares=[*self._observers, self._middleware], client_max_size=64 * 1024 * 1024
        )
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_get("/gateway/", self.gateway.handle)
        app.router.add_routes(self.scheduled_events.routes())
        app.router.add_routes(self.rest.routes())
        app.router.add_get("/files/{attachment_id}/{filename}", self._serve_file)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port, backlog=SOCKET_BACKLOG)
        await site.start()
        server = site._server
        sockets = getattr(server, "sockets", None) or []
        self.port = int(sockets[0].getsockname()[1])
        self.gateway.resume_url = self.gateway_url
        self.world.files_base = f"http://{self.host}:{self.port}/files"
        self._outbox = asyncio.Queue()
        self._pump = asyncio.create_task(self._pump_events(self._outbox))

    async def _serve_file(self, request: web.Request) -> web.Response:
        """Serve a file a member attached to a command, as Discord's CDN would."""
        data = self.world.attachment_data.get(int(request.match_info["attachment_id"]))
        if data is None:
            return web.Response(status=404)
        return web.Response(body=data)

    async def stop(self) -> None:
        """Close gateway sockets and the HTTP server."""
        if self._pump is not None:
            self._pump.cancel()
            await asyncio.gather(self._pump, return_exceptions=True)
            self._pump = None
        await self.gateway.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Sandbox:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def api_base(self) -> str:
        """Return the REST base URL (value for ``discord.http.Route.BASE``)."""
        return f"http://{self.host}:{self.port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        """Return the websocket URL (value for ``DiscordWebSocket.DEFAULT_GATEWAY``)."""
        return f"ws://{self.host}:{self.port}/gateway"

    @property
    def mention_bot(self) -> str:
        """Return the ``<@id>`` mention of the bot."""
        return self.bot_user.mention

    def env(self) -> dict[str, str]:
        """Return connection details for a bot running in another process."""
        return {
            "DISCORD_TOKEN": self.bot_token,
            "CONFBOT_API_BASE": self.api_base,
            "CONFBOT_GATEWAY_URL": self.gateway_url,
        }

    # -- middleware ------------------------------------------------------------------

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith(API_PREFIX + "/"):
            return await handler(request)
        resource = request.match_info.route.resource
        template = resource.canonical if resource is not None else request.path
        template = template.removeprefix(API_PREFIX)
        route_key = f"{request.method} {template}"
        headers: dict[str, str] = {}
        fault = False
        response: web.StreamResponse
        if self.invalid.banned():
            response = self._ban_response()
            self._record(request, template, response, fault, banned=True)
            return response
        try:
            await _parse_body(request)
            if self.faults.latency > 0:
                await asyncio.sleep(self.faults.latency)
            exempt = template.startswith(("/interactions/", "/webhooks/"))
            if not exempt and request.headers.get("Authorization") != f"Bot {self.bot_token}":
                raise DiscordError(401, 0, "401: Unauthorized")
            if template != "/{tail}":
                major = ":".join(
                    request.match_info[k]
                    for k in (
                        "channel_id",
                        "guild_id",
                        "webhook_id",
                        "interaction_id",
                        "webhook_token",
                    )
                    if k in request.match_info
                )
                verdict = self.ratelimiter.check_long_retry_after(
                    route_key, self.faults, exempt=exempt
                )
                if verdict.allowed:
                    verdict = self.ratelimiter.check(route_key, major, global_exempt=exempt)
                headers = verdict.headers
                if verdict.allowed:
                    verdict = self.ratelimiter.check_shared(route_key, major)
                if not verdict.allowed:
                    raise _RateLimited(verdict.body or {}, verdict.headers)
            uploads = [(upload.field, len(upload.data)) for upload in request[FILES]]
            if self.request_validator.enabled and file_too_large(uploads):
                raise DiscordError(413, 40005, "Request entity too large")
            errors = self.request_validator.check(
                request.method,
                template,
                request.get(PAYLOAD),
                files=uploads,
                interaction_type=self._interaction_type(request),
            )
            if errors:
                self._refuse_body(request, invalid_form(errors))
            if self.faults.error_rate > 0 and self._random.random() < self.faults.error_rate:
                fault = True
                self.injected_faults += 1
                status = self._random.choice(self.faults.error_statuses)
                response = json_response({"code": 0, "message": f"{status}: Server Error"}, status)
            else:
                response = await handler(request)
                stored = route_key in self.faults.stored_routes and response.status == 200
                if (
                    stored
                    and self.faults.disconnect_rate > 0
                    and self._random.random() < self.faults.disconnect_rate
                    and request.transport is not None
                ):
                    self.injected_disconnects += 1
                    request.transport.close()
                elif (
                    stored
                    and self.faults.stored_error_rate > 0
                    and (
                        self.faults.stored_error_limit is None
                        or self.injected_stored_errors < self.faults.stored_error_limit
                    )
                    and self._random.random() < self.faults.stored_error_rate
                ):
                    fault = True
                    self.injected_faults += 1
                    self.injected_stored_errors += 1
                    status = self._random.choice(self.faults.error_statuses)
                    response = json_response(
                        {"code": 0, "message": f"{status}: Server Error"}, status
                    )
        except DiscordError as exc:
            response = json_response(exc.body(), exc.status, exc.headers)
        except _RateLimited as exc:
            response = json_response(exc.body, 429, {**exc.headers, "Via": "1.1 google"})
        for key, value in headers.items():
            response.headers.setdefault(key, value)
        self.invalid.record(response.status, response.headers.get("X-RateLimit-Scope"))
        self._record(request, template, response, fault)
        return response

    def _interaction_type(self, request: web.Request) -> int | None:
        """Return the type of the interaction a callback request answers (None: not one)."""
        raw = request.match_info.get("interaction_id", "")
        record = self.world.interactions.get(int(raw)) if raw.isdigit() else None
        return record.type if record is not None else None

    def _refuse_body(self, request: web.Request, error: DiscordError) -> NoReturn:
        """Raise the 50035 ``error``; for a first interaction callback, also make it the result.

        The driver awaits an interaction's result; the handler that records it never runs.
        """
        raw = request.match_info.get("interaction_id", "")
        record = self.world.interactions.get(int(raw)) if raw.isdigit() else None
        if (
            record is not None
            and record.token == request.match_info.get("webhook_token")
            and record.callback_type is None
        ):
            record.result.error = {"status": error.status, **error.body()}
            record.done = True
            self.bus.emit("interaction_done", record)
        raise error

    def _ban_response(self) -> web.Response:
        """Answer as the edge does while the invalid-request limit is exceeded.

        The rate-limits page ("Invalid Request Limit aka Cloudflare bans"): IPs that make
        too many invalid requests are "temporarily restricted from accessing the Discord
        API" by Cloudflare. The restriction is Cloudflare's 429 page, not an API answer: no
        JSON body, no ``Via`` header and no rate-limit headers, which is exactly how
        discord.py recognises it ("Banned by Cloudflare more than likely") and raises
        instead of retrying. The ban lasts until the window frees; banned requests are not
        counted again (they never reach the API).
        """
        self.bans += 1
        retry = self.invalid.ban_lifts_in()
        return web.Response(
            status=429,
            text="error code: 1015",
            content_type="text/plain",
            headers={"Retry-After": str(max(1, round(retry)))},
        )

    def _record(
        self,
        request: web.Request,
        template: str,
        response: web.StreamResponse,
        fault: bool,
        *,
        banned: bool = False,
    ) -> None:
        reply: Any = None
        if isinstance(response, web.Response) and response.body is not None:
            raw = response.body
            if isinstance(raw, bytes) and response.content_type == "application/json":
                reply = json.loads(raw)
        record = RequestRecord(
            method=request.method,
            path=request.path.removeprefix(API_PREFIX),
            route=template,
            status=response.status,
            body=request.get(PAYLOAD),
            response=reply,
            query=dict(request.query),
        )
        self.transcript.record_request(record)
        # 429s from rate limits are Discord telling the client to wait (discord.py does),
        # not a refusal; a Cloudflare ban is a refusal (the bot made too many bad requests).
        rejected = 400 <= response.status < 500 and (response.status != 429 or banned)
        if not rejected or fault:
            return
        if self._is_allowed(record):
            self.allowed_rejections.append(record)
            return
        self.rejections.append(record)
        for hook in list(self._hooks):
            hook(record)

    def _is_allowed(self, record: RequestRecord) -> bool:
        code = record.response.get("code") if isinstance(record.response, dict) else None
        return any(
            (status is None or status == record.status) and (wanted is None or wanted == code)
            for status, wanted in self._allowed
        )

    def allow_rejection(self, *, status: int | None = None, code: int | None = None) -> None:
        """Expect refusals with ``status`` and/or JSON ``code`` (a test that provokes them).

        Matching refusals go to :attr:`allowed_rejections` instead of :attr:`rejections`,
        so the "no rejections" rule keeps catching every refusal nobody declared. They
        still count as invalid requests (Discord counts them too).
        """
        if status is None and code is None:
            raise ValueError("allow_rejection needs a status or a code")
        self._allowed.append((status, code))

    def add_rejection_hook(self, hook: RejectionHook) -> None:
        """Call ``hook`` with every undeclared rejection (4xx except rate-limit 429s)."""
        self._hooks.append(hook)

    @property
    def ratelimit_hits(self) -> dict[str, int]:
        """Return how many 429s were sent, by scope (user/global/shared)."""
        return {"user": 0, "global": 0, "shared": 0, **self.ratelimiter.hits}

    @property
    def invalid_requests(self) -> dict[str, Any]:
        """Return the invalid-request counters: ``total``/``in_window`` by status, ``bans``.

        ``bans`` counts the requests answered with the Cloudflare ban; ``banned`` says
        whether the ban is on now.
        """
        in_window = self.invalid.in_window()
        return {
            "total": sum(self.invalid.total.values()),
            "in_window": sum(in_window.values()),
            "total_by_status": dict(self.invalid.total),
            "in_window_by_status": dict(in_window),
            "limit": self.limits.invalid_request_limit,
            "banned": self.invalid.banned(),
            "bans": self.bans,
        }

    # -- live world changes ----------------------------------------------------------

    def _announce(self, event: str, data: dict[str, Any]) -> None:
        if self._outbox is not None and self.gateway.session is not None:
            self._outbox.put_nowait((event, data))

    async def _pump_events(self, outbox: asyncio.Queue[tuple[str, dict[str, Any]]]) -> None:
        while True:
            event, data = await outbox.get()
            await self.gateway.dispatch(event, data)

    def add_user(self, name: str, *, dms_open: bool = True) -> User:
        """Create a user who shares no guild with the bot."""
        return self.world.add_user(name, dms_open=dms_open)

    def add_guild(self, name: str) -> Guild:
        """Create a guild (with @everyone, a bot role, an owner and the bot as member)."""
        guild_id = self.ids.named("guild", name)
        owner = self.world.add_user(f"{name.lower()}-owner")
        guild = Guild(id=guild_id, name=name, owner_id=owner.id)
        guild.roles.append(Role(guild_id, guild_id, "@everyone", EVERYONE_PERMISSIONS, 0))
        bot_role = Role(
            self.ids.named("role", str(guild_id), self.bot_user.username),
            guild_id,
            self.bot_user.username,
            MANAGE_MESSAGES,
            1,
        )
        guild.roles.append(bot_role)
        guild.members[owner.id] = Member(owner, guild_id)
        guild.members[self.bot_user.id] = Member(self.bot_user, guild_id, roles=[bot_role])
        self.world.guilds[guild_id] = guild
        self._announce("GUILD_CREATE", guild.create_payload())
        return guild

    def add_channel(
        self,
        guild: Guild,
        name: str,
        *,
        bot_can_post: bool = True,
        announcement: bool = False,
        kind: int | None = None,
    ) -> Channel:
        """Create a text channel; ``bot_can_post=False`` denies the bot SEND_MESSAGES.

        ``announcement=True`` makes it an announcement channel (type 5, GUILD_ANNOUNCEMENT),
        whose messages can be crossposted to following servers; ``kind`` another channel
        type (``GUILD_VOICE`` 2, ``GUILD_STAGE_VOICE`` 13).
        """
        channel = Channel(
            id=self.ids.named("channel", str(guild.id), name),
            name=name,
            type=kind if kind is not None else GUILD_ANNOUNCEMENT if announcement else 0,
            guild_id=guild.id,
            position=len(guild.channels),
        )
        if not bot_can_post:
            channel.overwrites.append(
                Overwrite(self.bot_user.id, MEMBER_OVERWRITE, 0, SEND_MESSAGES)
            )
        guild.channels.append(channel)
        self.world.channels[channel.id] = channel
        self._announce("CHANNEL_CREATE", channel.payload())
        return channel

    def add_overwrite(
        self, channel: Channel, target: Role | User, *, allow: int = 0, deny: int = 0
    ) -> Overwrite:
        """Set ``channel``'s overwrite for a role (@everyone: the guild's id role) or a member.

        Replaces an existing overwrite for the same target; dispatches CHANNEL_UPDATE so
        discord.py's cached permissions follow.
        """
        if channel.guild_id is None:
            raise ValueError("DM channels have no permission overwrites")
        kind = ROLE_OVERWRITE if isinstance(target, Role) else MEMBER_OVERWRITE
        overwrite = Overwrite(target.id, kind, allow, deny)
        channel.overwrites = [o for o in channel.overwrites if o.id != target.id]
        channel.overwrites.append(overwrite)
        self._announce("CHANNEL_UPDATE", channel.payload())
        return overwrite

    def everyone_role(self, guild: Guild) -> Role:
        """Return the guild's @everyone role (its id is the guild's id)."""
        role = guild.role(guild.id)
        if role is None:
            raise KeyError(f"{guild.name} has no @everyone role")
        return role

    def set_command_permissions(
        self,
        guild: Guild,
        command: str,
        *,
        allow: Sequence[Role | User | Channel] = (),
        deny: Sequence[Role | User | Channel] = (),
    ) -> None:
        """Override who may use ``command`` in ``guild``, as an admin does in Integrations.

        ``allow``/``deny`` list roles (@everyone too), members or channels; this replaces
        the command's earlier overrides. ``command`` is the registered name, or ``"*"`` for
        the application-wide overrides. (Bots cannot PUT command permissions: the
        application-commands page requires a user's Bearer token.)
        """
        if command == "*":
            key = str(self.application_id)
        else:
            found = self.world.find_command(command, guild.id)
            if found is None:
                raise KeyError(f"command /{command} is not registered")
            key = str(found["id"])
        entries: list[dict[str, Any]] = []
        choices = [(target, True) for target in allow] + [(target, False) for target in deny]
        for target, allowed in choices:
            kind = (
                COMMAND_ROLE
                if isinstance(target, Role)
                else COMMAND_CHANNEL
                if isinstance(target, Channel)
                else COMMAND_USER
            )
            entries.append({"id": str(target.id), "type": kind, "permission": allowed})
        self.world.command_permissions[(guild.id, key)] = entries

    def add_role(
        self, guild: Guild, name: str, *, permissions: int = 0, mentionable: bool = False
    ) -> Role:
        """Create a role with the given permission bits (not mentionable unless asked)."""
        role = Role(
            self.ids.named("role", str(guild.id), name),
            guild.id,
            name,
            permissions,
            len(guild.roles),
            mentionable,
        )
        guild.roles.append(role)
        self._announce("GUILD_ROLE_CREATE", {"guild_id": str(guild.id), "role": role.payload()})
        return role

    def add_member(
        self,
        guild: Guild,
        user: str | User,
        *,
        roles: list[Role] | None = None,
        dms_open: bool = True,
        nick: str | None = None,
    ) -> User:
        """Add a user (created from a name, or an existing one) to ``guild``."""
        if isinstance(user, str):
            user = self.world.add_user(user, dms_open=dms_open)
        if any(role.id == guild.id for role in roles or []):
            raise ValueError("@everyone is every member's already; it cannot be given")
        member = Member(user, guild.id, roles=list(roles or []), nick=nick)
        guild.members[user.id] = member
        self._announce("GUILD_MEMBER_ADD", {**member.payload(), "guild_id": str(guild.id)})
        return user

    # -- waiting ---------------------------------------------------------------------

    async def wait_until_ready(self, timeout: float | None = None) -> None:
        """Wait until the bot IDENTIFYed and received READY and GUILD_CREATEs."""
        try:
            await asyncio.wait_for(self.gateway.ready.wait(), timeout or self.limits.wait_timeout)
        except TimeoutError:
            raise TimeoutError("sandbox: timed out waiting for the bot to IDENTIFY") from None

    async def commands_registered(self, timeout: float | None = None) -> list[dict[str, Any]]:
        """Wait until the bot has registered application commands, then return them."""
        if not self.commands:
            future = self.bus.expect("commands", lambda _v: True)
            await self.bus.wait(future, timeout or self.limits.wait_timeout, "command registration")
        return self.commands

    async def wait_for_bot_message(
        self,
        channel: Channel | None = None,
        *,
        user: User | None = None,
        timeout: float | None = None,
    ) -> Message:
        """Wait for the next message the bot posts (in ``channel`` or the DM with ``user``)."""
        target = self.world.dm_channel(user) if user is not None else channel
        bot_id = str(self.bot_user.id)
        future = self.bus.expect(
            "message_create",
            lambda m: (
                m["author"]["id"] == bot_id
                and (target is None or m["channel_id"] == str(target.id))
            ),
        )
        where = "anywhere" if target is None else (target.name or "a DM")
        message: Message = await self.bus.wait(
            future, timeout or self.limits.wait_timeout, f"a bot message in {where}"
        )
        return message

    def on_bot_message(self, listener: BotMessageListener) -> Callable[[], None]:
        """Call ``listener(message, edited)`` whenever the bot posts or edits a message.

        Ephemeral interaction replies are included. Return a function that unsubscribes.
        """
        bot_id = str(self.bot_user.id)

        def forward(edited: bool) -> Callable[[Message], None]:
            def call(message: Message) -> None:
                if message["author"]["id"] == bot_id:
                    listener(message, edited)

            return call

        stops = [
            self.bus.subscribe("message_create", forward(False)),
            self.bus.subscribe("message_update", forward(True)),
        ]

        def unsubscribe() -> None:
            for stop in stops:
                stop()

        return unsubscribe

    # -- queries ---------------------------------------------------------------------

    @property
    def commands(self) -> list[dict[str, Any]]:
        """Return every registered command definition (global, then per guild)."""
        out = list(self.world.global_commands)
        for cmds in self.world.guild_commands.values():
            out.extend(cmds)
        return out

    def messages(self, channel: Channel) -> list[Message]:
        """Return the visible messages in ``channel`` (oldest first)."""
        return self.world.channel_messages(channel.id)

    def dm_messages(self, user: User) -> list[Message]:
        """Return the messages of the DM channel between the bot and ``user``."""
        return self.world.channel_messages(self.world.dm_channel(user).id)

    def attachment_bytes(self, attachment: Message) -> bytes:
        """Return the file behind an attachment of a bot message, as a user downloads it."""
        return self.world.attachment_data[int(attachment["id"])]

    def dm_channel(self, user: User) -> Channel:
        """Return the DM channel between the bot and ``user``."""
        return self.world.dm_channel(user)

    # -- gateway control -------------------------------------------------------------

    async def drop_gateway(self, code: int = 4000) -> None:
        """Close the bot's websocket abruptly; discord.py must RESUME."""
        await self.gateway.drop(code)

    async def send_reconnect(self) -> None:
        """Ask the bot to reconnect (op 7)."""
        await self.gateway.send_reconnect()

    async def send_invalid_session(self, resumable: bool = False) -> None:
        """Invalidate the bot's session (op 9)."""
        await self.gateway.send_invalid_session(resumable)

    async def wait_for_resume(self, timeout: float | None = None) -> None:
        """Wait until the bot's next successful RESUME."""
        future = self.bus.expect("resumed", lambda _v: True)
        await self.bus.wait(future, timeout or self.limits.wait_timeout, "the bot to RESUME")

    # -- user actions ----------------------------------------------------------------

    async def invoke(
        self,
        user: User,
        command: str,
        options: Mapping[str, Any] | None = None,
        *,
        channel: Channel | None = None,
        timeout: float | None = None,
        waited: float = 0.0,
    ) -> InteractionResult:
        """Run a slash command as ``user`` (``channel=None``: in the DM with the bot).

        ``waited`` > 0 delivers it that many seconds (of ``Limits.clock``) after Discord
        created it, as a slow gateway would: its id and its deadline count from creation.
        """
        return await self.driver.invoke(
            user, command, options, channel=channel, timeout=timeout, waited=waited
        )

    async def autocomplete(
        self,
        user: User,
        command: str,
        options: Mapping[str, Any] | None = None,
        *,
        focused: str,
        channel: Channel | None = None,
        timeout: float | None = None,
        waited: float = 0.0,
    ) -> list[dict[str, Any]]:
        """Return the autocomplete choices the bot offers for option ``focused``."""
        return await self.driver.autocomplete(
            user,
            command,
            options,
            focused=focused,
            channel=channel,
            timeout=timeout,
            waited=waited,
        )

    async def click(
        self,
        user: User,
        message: Message | InteractionResult,
        label: str,
        *,
        timeout: float | None = None,
    ) -> InteractionResult:
        """Press the button labelled ``label`` on a bot message."""
        return await self.driver.click(user, message, label, timeout=timeout)

    async def select(
        self,
        user: User,
        message: Message | InteractionResult,
        custom_id: str,
        values: list[str],
        *,
        timeout: float | None = None,
    ) -> InteractionResult:
        """Pick ``values`` in a select menu on a bot message."""
        return await self.driver.select(user, message, custom_id, values, timeout=timeout)

    async def submit_modal(
        self,
        user: User,
        modal: dict[str, Any] | None,
        values: Mapping[str, str],
        *,
        channel: Channel | None = None,
        timeout: float | None = None,
    ) -> InteractionResult:
        """Submit a modal the bot opened, with text field values keyed by label."""
        return await self.driver.submit_modal(user, modal, values, channel=channel, timeout=timeout)

    async def say(
        self,
        user: User,
        channel: Channel | None,
        content: str,
        *,
        expect_reply: bool = False,
        timeout: float | None = None,
    ) -> list[Message]:
        """Post a chat message as ``user``; optionally await and return the bot's reply."""
        return await self.driver.say(
            user, channel, content, expect_reply=expect_reply, timeout=timeout
        )


class _RateLimited(Exception):
    def __init__(self, body: dict[str, Any], headers: dict[str, str]) -> None:
        super().__init__("rate limited")
        self.body = body
        self.headers = headers
