"""Implement the REST endpoints the bot uses, shaped like Discord's API v10."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from confbot_dev.sandbox.config import Limits
from confbot_dev.sandbox.events import EventBus
from confbot_dev.sandbox.gateway import Gateway
from confbot_dev.sandbox.permissions import (
    ADMINISTRATOR,
    ATTACH_FILES,
    MANAGE_MESSAGES,
    MANAGE_ROLES,
    READ_MESSAGE_HISTORY,
    SEND_MESSAGES,
    VIEW_CHANNEL,
    guild_permissions,
)
from confbot_dev.sandbox.ratelimit import SlidingWindow
from confbot_dev.sandbox.state import (
    CROSSPOSTED,
    GUILD_ANNOUNCEMENT,
    Channel,
    Guild,
    InteractionRecord,
    Member,
    Role,
    User,
    World,
    now_iso,
    numbered_components,
)
from confbot_dev.sandbox.validation import ErrorTree, validate_choices, validate_message

API_PREFIX = "/api/v10"
EPHEMERAL = 64
LOADING = 128


class DiscordError(Exception):
    """Abort a request with a Discord error body."""

    def __init__(self, status: int, code: int, message: str, errors: ErrorTree | None = None):
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors
        self.headers: dict[str, str] = {}

    def body(self) -> dict[str, Any]:
        """Return the JSON error body."""
        data: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.errors:
            data["errors"] = self.errors
        return data


class CodedRateLimit(DiscordError):
    """Abort with a 429 that carries an error ``code`` (the rate-limits page: "for some limits")."""

    def __init__(self, code: int, message: str, retry_after: float) -> None:
        super().__init__(429, code, message)
        self.retry_after = retry_after
        self.headers = {
            "Retry-After": f"{retry_after:.3f}",
            "X-RateLimit-Scope": "user",
            "Via": "1.1 google",
        }

    def body(self) -> dict[str, Any]:
        """Return the rate-limit body with its code."""
        return {
            "message": self.message,
            "retry_after": round(self.retry_after, 3),
            "global": False,
            "code": self.code,
        }


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    """Return JSON with ``Content-Type: application/json`` exactly (no charset)."""
    merged = {"Content-Type": "application/json", **(headers or {})}
    return web.Response(body=json.dumps(data).encode(), status=status, headers=merged)


def no_content() -> web.Response:
    """Return an empty 204 answer."""
    return web.Response(status=204)


def invalid_form(errors: ErrorTree) -> DiscordError:
    """Return the 50035 error for ``errors``."""
    return DiscordError(400, 50035, "Invalid Form Body", errors)


@dataclass
class Upload:
    """One uploaded file from a multipart request."""

    field: str
    filename: str
    data: bytes
    content_type: str


# Typed per-request storage keys (aiohttp warns about plain string keys).
PAYLOAD: web.RequestKey[Any] = web.RequestKey("payload", object)
FILES: web.RequestKey[list[Upload]] = web.RequestKey("files", list)


def _payload(request: web.Request) -> dict[str, Any]:
    body = request.get(PAYLOAD)
    return body if isinstance(body, dict) else {}


def _uploads(request: web.Request) -> list[Upload]:
    files: list[Upload] = request.get(FILES) or []
    return files


def _int(request: web.Request, key: str) -> int:
    try:
        return int(request.match_info[key])
    except ValueError:
        raise DiscordError(404, 0, "404: Not Found") from None


class Rest:
    """Hold the route handlers; all state lives in :class:`World`."""

    def __init__(self, world: World, gateway: Gateway, bus: EventBus, limits: Limits) -> None:
        self.world = world
        self.gateway = gateway
        self.bus = bus
        self.limits = limits
        self.commands_version = 0
        # A 429 discord.py waits out with real sleeps: on the bucket clock, like the buckets.
        self.dm_opens = SlidingWindow(lambda: self.limits.bucket_clock(), 60.0)

    def routes(self) -> list[web.RouteDef]:
        """Return every route, prefixed with :data:`API_PREFIX`."""
        p = API_PREFIX
        app = "/applications/{application_id}"
        msg = "/channels/{channel_id}/messages"
        hook = "/webhooks/{webhook_id}/{webhook_token}"
        return [
            web.get(p + "/users/@me", self.get_me),
            web.get(p + "/users/{user_id}", self.get_user),
            web.post(p + "/users/@me/channels", self.create_dm),
            web.get(p + "/gateway", self.get_gateway),
            web.get(p + "/gateway/bot", self.get_gateway_bot),
            web.get(p + "/oauth2/applications/@me", self.get_application),
            web.get(p + "/applications/@me", self.get_application),
            web.get(p + app + "/commands", self.get_commands),
            web.put(p + app + "/commands", self.put_commands),
            web.post(p + app + "/commands", self.post_command),
            web.get(p + app + "/guilds/{guild_id}/commands", self.get_commands),
            web.put(p + app + "/guilds/{guild_id}/commands", self.put_commands),
            web.post(p + app + "/guilds/{guild_id}/commands", self.post_command),
            web.get(p + app + "/guilds/{guild_id}/commands/permissions", self.get_permissions),
            web.get(
                p + app + "/guilds/{guild_id}/commands/{command_id}/permissions",
                self.get_permissions,
            ),
            web.get(p + "/channels/{channel_id}", self.get_channel),
            web.post(p + "/channels/{channel_id}/typing", self.typing),
            web.get(p + msg, self.list_messages),
            web.post(p + msg, self.create_message),
            web.get(p + msg + "/{message_id}", self.get_message),
            web.patch(p + msg + "/{message_id}", self.edit_message),
            web.delete(p + msg + "/{message_id}", self.delete_message),
            web.post(p + msg + "/{message_id}/crosspost", self.crosspost_message),
            web.put(p + msg + "/{message_id}/reactions/{emoji}/@me", self.typing),
            web.delete(p + msg + "/{message_id}/reactions/{emoji}/@me", self.typing),
            web.post(p + "/interactions/{interaction_id}/{webhook_token}/callback", self.callback),
            web.post(p + hook, self.followup),
            web.get(p + hook + "/messages/{message_id}", self.get_webhook_message),
            web.patch(p + hook + "/messages/{message_id}", self.edit_webhook_message),
            web.delete(p + hook + "/messages/{message_id}", self.delete_webhook_message),
            web.get(p + "/guilds/{guild_id}", self.get_guild),
            web.get(p + "/guilds/{guild_id}/channels", self.get_guild_channels),
            web.get(p + "/guilds/{guild_id}/roles", self.get_roles),
            web.get(p + "/guilds/{guild_id}/members", self.get_members),
            web.get(p + "/guilds/{guild_id}/members/{user_id}", self.get_member),
            web.post(p + "/guilds/{guild_id}/roles", self.create_role),
            web.put(p + "/guilds/{guild_id}/members/{user_id}/roles/{role_id}", self.add_role),
            web.delete(
                p + "/guilds/{guild_id}/members/{user_id}/roles/{role_id}", self.remove_role
            ),
            web.route("*", p + "/{tail:.*}", self.not_found),
        ]

    # -- lookups ---------------------------------------------------------------------

    def _channel(self, request: web.Request) -> Channel:
        channel = self.world.channels.get(_int(request, "channel_id"))
        if channel is None:
            raise DiscordError(404, 10003, "Unknown Channel")
        return channel

    def _bot_may(self, channel: Channel, needed: int) -> None:
        """Refuse unless the bot holds ``needed`` in guild ``channel`` (overwrites applied).

        Discord answers 50001 Missing Access when the bot cannot see the channel at all,
        and 50013 Missing Permissions when it sees it but lacks the permission.
        """
        if channel.is_dm:
            return
        granted = self.world.bot_permissions(channel)
        if not granted & VIEW_CHANNEL:
            raise DiscordError(403, 50001, "Missing Access")
        if granted & needed != needed:
            raise DiscordError(403, 50013, "Missing Permissions")

    def _message(self, channel: Channel, message_id: int) -> dict[str, Any]:
        message = self.world.messages.get(message_id)
        if message is None or int(message["channel_id"]) != channel.id:
            raise DiscordError(404, 10008, "Unknown Message")
        return message

    def _check_app(self, request: web.Request) -> None:
        key = "application_id" if "application_id" in request.match_info else "webhook_id"
        if request.match_info[key] != str(self.world.application_id):
            raise DiscordError(404, 10002, "Unknown Application")

    def _guild_id(self, request: web.Request) -> int | None:
        if "guild_id" not in request.match_info:
            return None
        guild_id = _int(request, "guild_id")
        if guild_id not in self.world.guilds:
            raise DiscordError(404, 10004, "Unknown Guild")
        return guild_id

    # -- misc ------------------------------------------------------------------------

    async def not_found(self, request: web.Request) -> web.Response:
        """Answer any unknown route."""
        raise DiscordError(404, 0, "404: Not Found")

    async def get_me(self, request: web.Request) -> web.Response:
        """Return the bot user."""
        return json_response(self.world.bot_user.private_payload())

    async def get_user(self, request: web.Request) -> web.Response:
        """Return any known user."""
        user = self.world.users.get(_int(request, "user_id"))
        if user is None:
            raise DiscordError(404, 10013, "Unknown User")
        return json_response(user.payload())

    async def get_gateway(self, request: web.Request) -> web.Response:
        """Return the gateway URL."""
        return json_response({"url": self.gateway.resume_url})

    async def get_gateway_bot(self, request: web.Request) -> web.Response:
        """Return the gateway URL with shard information."""
        limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        return json_response(
            {"url": self.gateway.resume_url, "shards": 1, "session_start_limit": limit}
        )

    async def get_application(self, request: web.Request) -> web.Response:
        """Return the application info."""
        return json_response(self.world.application_payload())

    async def typing(self, request: web.Request) -> web.Response:
        """Accept typing indicators and reactions."""
        return no_content()

    # -- commands --------------------------------------------------------------------

    async def get_commands(self, request: web.Request) -> web.Response:
        """List global or guild commands."""
        self._check_app(request)
        guild_id = self._guild_id(request)
        if guild_id is None:
            return json_response(self.world.global_commands)
        return json_response(self.world.guild_commands.get(guild_id, []))

    async def put_commands(self, request: web.Request) -> web.Response:
        """Bulk-overwrite global or guild commands."""
        self._check_app(request)
        guild_id = self._guild_id(request)
        body = request.get(PAYLOAD)
        if not isinstance(body, list):
            raise invalid_form(
                {"_errors": [{"code": "LIST_TYPE_CONVERT", "message": "Expected a list."}]}
            )
        errors: ErrorTree = {}
        for index, cmd in enumerate(body):
            if not isinstance(cmd, dict) or not cmd.get("name"):
                errors[str(index)] = {
                    "name": {"_errors": [{"code": "BASE_TYPE_REQUIRED", "message": "Required."}]}
                }
        if errors:
            raise invalid_form(errors)
        stored = self.world.overwrite_commands(body, guild_id)
        self.commands_version += 1
        self.bus.emit("commands", self.commands_version)
        return json_response(stored)

    async def post_command(self, request: web.Request) -> web.Response:
        """Upsert one command."""
        self._check_app(request)
        guild_id = self._guild_id(request)
        body = _payload(request)
        existing = (
            self.world.global_commands
            if guild_id is None
            else self.world.guild_commands.get(guild_id, [])
        )
        kept = [
            c
            for c in existing
            if (c["name"], c.get("type", 1)) != (body.get("name"), body.get("type", 1))
        ]
        stored = self.world.overwrite_commands([*kept, body], guild_id)
        self.commands_version += 1
        self.bus.emit("commands", self.commands_version)
        return json_response(stored[-1], status=201)

    # -- channels & messages ---------------------------------------------------------

    async def get_channel(self, request: web.Request) -> web.Response:
        """Return a channel."""
        channel = self._channel(request)
        self._bot_may(channel, VIEW_CHANNEL)
        return json_response(channel.payload())

    async def create_dm(self, request: web.Request) -> web.Response:
        """Open (or return) the DM channel with a user; opening too many is refused (40003).

        Asking again for an already open DM returns the same channel and does not count:
        Discord returns the existing channel, nothing is opened.
        """
        raw = str(_payload(request).get("recipient_id"))
        user = self.world.users.get(int(raw)) if raw.isdigit() else None
        if user is None:
            raise DiscordError(404, 10013, "Unknown User")
        if user.id not in self.world.dm_channels:
            limit = self.limits.dm_channels_per_minute
            if len(self.dm_opens.tags()) >= limit:
                raise CodedRateLimit(
                    40003,
                    "You are opening direct messages too fast.",
                    self.dm_opens.until_below(limit),
                )
            self.dm_opens.add()
        return json_response(self.world.dm_channel(user).payload())

    async def list_messages(self, request: web.Request) -> web.Response:
        """Return channel messages, newest first, honouring limit/before/after."""
        channel = self._channel(request)
        self._bot_may(channel, VIEW_CHANNEL)
        if not channel.is_dm and not self.world.bot_permissions(channel) & READ_MESSAGE_HISTORY:
            return json_response([])  # Discord hides history rather than refusing
        messages = self.world.channel_messages(channel.id)
        before, after = request.query.get("before"), request.query.get("after")
        if before:
            messages = [m for m in messages if int(m["id"]) < int(before)]
        if after:
            messages = [m for m in messages if int(m["id"]) > int(after)]
        limit = max(1, min(int(request.query.get("limit", "50")), 100))
        newest = list(reversed(messages))
        return json_response(newest[-limit:] if after else newest[:limit])

    async def get_message(self, request: web.Request) -> web.Response:
        """Return one message."""
        channel = self._channel(request)
        self._bot_may(channel, VIEW_CHANNEL | READ_MESSAGE_HISTORY)
        return json_response(self._message(channel, _int(request, "message_id")))

    async def create_message(self, request: web.Request) -> web.Response:
        """Create a bot message (permissions, closed DMs, validation, nonce dedupe)."""
        channel = self._channel(request)
        body = _payload(request)
        if channel.is_dm and channel.recipient is not None and not channel.recipient.dms_open:
            raise DiscordError(403, 50007, "Cannot send messages to this user")
        reference = body.get("message_reference")
        # resources/message "Create Message": a reply needs READ_MESSAGE_HISTORY.
        replying = isinstance(reference, dict) and reference.get("message_id") is not None
        self._bot_may(
            channel,
            SEND_MESSAGES
            | (ATTACH_FILES if _uploads(request) else 0)
            | (READ_MESSAGE_HISTORY if replying else 0),
        )
        errors = validate_message(body)
        if not (
            body.get("content")
            or body.get("embeds")
            or _uploads(request)
            or body.get("components")
            or body.get("sticker_ids")
            or body.get("poll")
        ):
            errors.setdefault("_errors", []).append(
                {"code": "MESSAGE_EMPTY", "message": "Cannot send an empty message"}
            )
        if errors:
            raise (
                DiscordError(400, 50006, "Cannot send an empty message")
                if list(errors) == ["_errors"]
                else invalid_form(errors)
            )
        nonce = body.get("nonce")
        now = self.limits.clock()
        if nonce is not None and body.get("enforce_nonce"):
            seen = self.world.nonces.get((channel.id, str(nonce)))
            if (
                seen is not None
                and now - seen[1] <= self.limits.nonce_window
                and seen[0] in self.world.messages
            ):
                return json_response({**self.world.messages[seen[0]], "nonce": nonce})
        message = await self.publish(channel, body, _uploads(request), nonce=nonce)
        if nonce is None:
            return json_response(message)
        self.world.nonces[(channel.id, str(nonce))] = (int(message["id"]), now)
        # resources/message, "Create Message": the nonce is echoed here and in MESSAGE_CREATE
        # only; the stored message (history, GET message, edits) does not carry it.
        return json_response({**message, "nonce": nonce})

    async def edit_message(self, request: web.Request) -> web.Response:
        """Edit a bot message."""
        channel = self._channel(request)
        message = self._message(channel, _int(request, "message_id"))
        if message["author"]["id"] != str(self.world.bot_user.id):
            raise DiscordError(403, 50005, "Cannot edit a message authored by another user")
        return json_response(await self.apply_edit(message, _payload(request), _uploads(request)))

    async def delete_message(self, request: web.Request) -> web.Response:
        """Delete a message (another author's needs MANAGE_MESSAGES)."""
        channel = self._channel(request)
        message = self._message(channel, _int(request, "message_id"))
        if message["author"]["id"] != str(self.world.bot_user.id):
            self._bot_may(channel, MANAGE_MESSAGES)
        await self.remove(message)
        return no_content()

    async def crosspost_message(self, request: web.Request) -> web.Response:
        """Publish a message of an announcement channel to the servers following it.

        resources/message, "Crosspost Message": SEND_MESSAGES for the bot's own message,
        MANAGE_MESSAGES too for another author's; returns the message, fires MESSAGE_UPDATE.
        A second crosspost is ``400 40033`` and a channel of another type ``400 50024``
        (topics/opcodes-and-status-codes).
        """
        channel = self._channel(request)
        if channel.is_dm:
            raise DiscordError(400, 50003, "Cannot execute action on a DM channel")
        message = self._message(channel, _int(request, "message_id"))
        own = message["author"]["id"] == str(self.world.bot_user.id)
        self._bot_may(channel, SEND_MESSAGES | (0 if own else MANAGE_MESSAGES))
        if channel.type != GUILD_ANNOUNCEMENT:
            raise DiscordError(400, 50024, "Cannot execute action on this channel type")
        if int(message["flags"]) & CROSSPOSTED:
            raise DiscordError(400, 40033, "This message has already been crossposted")
        message["flags"] = int(message["flags"]) | CROSSPOSTED
        await self.gateway.dispatch("MESSAGE_UPDATE", self.world.gateway_message(message))
        self.bus.emit("message_update", message)
        return json_response(message)

    # -- message helpers (also used by the driver) -----------------------------------

    def _attachments(
        self, channel: Channel, uploads: list[Upload], body: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """Return the attachment objects of ``uploads``, with the alt text the body gave.

        Reference "Uploading Files": ``files[n]`` is described by the body's ``attachments``
        entry whose ``id`` is ``n``; Message resource "Attachment Object": ``description``
        (alt text, at most 1,024 characters) is returned as sent.
        """
        described = {
            str(part.get("id")): part.get("description")
            for part in (body or {}).get("attachments") or []
            if isinstance(part, dict)
        }
        out = []
        for upload in uploads:
            index = upload.field.removeprefix("files[").removesuffix("]")
            att_id = self.world.ids.next()
            self.world.attachment_data[att_id] = upload.data
            url = f"https://cdn.discordapp.com/attachments/{channel.id}/{att_id}/{upload.filename}"
            out.append(
                {
                    "id": str(att_id),
                    "filename": upload.filename,
                    "size": len(upload.data),
                    "url": url,
                    "proxy_url": url,
                    "content_type": upload.content_type,
                }
            )
            if described.get(index) is not None:
                out[-1]["description"] = described[index]
        return out

    async def publish(
        self,
        channel: Channel,
        body: dict[str, Any],
        uploads: list[Upload],
        *,
        author: User | None = None,
        extra: dict[str, Any] | None = None,
        nonce: str | int | None = None,
    ) -> dict[str, Any]:
        """Store a new message, dispatch MESSAGE_CREATE (unless ephemeral) and notify.

        ``nonce`` goes into the MESSAGE_CREATE event only, not into the stored message.
        """
        message = self.world.build_message(
            channel,
            author or self.world.bot_user,
            body,
            attachments=self._attachments(channel, uploads, body),
            extra=extra,
        )
        self.world.store_message(channel, message)
        if not int(message["flags"]) & EPHEMERAL:
            event = self.world.gateway_message(message)
            if nonce is not None:
                event["nonce"] = nonce
            await self.gateway.dispatch("MESSAGE_CREATE", event)
        self.bus.emit("message_create", message)
        return message

    async def apply_edit(
        self, message: dict[str, Any], body: dict[str, Any], uploads: list[Upload]
    ) -> dict[str, Any]:
        """Apply an edit body to ``message``; dispatch MESSAGE_UPDATE and notify."""
        errors = validate_message(body)
        if errors:
            raise invalid_form(errors)
        for key in ("content", "embeds", "components", "allowed_mentions"):
            if key in body:
                message[key] = (
                    body[key] if body[key] is not None else ([] if key != "content" else "")
                )
        message["components"] = numbered_components(message["components"])
        if "flags" in body and body["flags"] is not None:
            message["flags"] = (int(message["flags"]) & EPHEMERAL) | int(body["flags"])
        message["flags"] = int(message["flags"]) & ~LOADING
        channel = self.world.channels[int(message["channel_id"])]
        if "attachments" in body and body["attachments"] is not None:
            keep = {str(a.get("id")) for a in body["attachments"]}
            message["attachments"] = [a for a in message["attachments"] if a["id"] in keep]
        message["attachments"] = [
            *message["attachments"],
            *self._attachments(channel, uploads, body),
        ]
        message["edited_timestamp"] = now_iso()
        if not int(message["flags"]) & EPHEMERAL:
            await self.gateway.dispatch("MESSAGE_UPDATE", self.world.gateway_message(message))
        self.bus.emit("message_update", message)
        return message

    async def remove(self, message: dict[str, Any]) -> None:
        """Delete ``message`` and dispatch MESSAGE_DELETE."""
        self.world.delete_message(int(message["id"]))
        channel = self.world.channels.get(int(message["channel_id"]))
        data: dict[str, Any] = {"id": message["id"], "channel_id": message["channel_id"]}
        if channel is not None and channel.guild_id is not None:
            data["guild_id"] = str(channel.guild_id)
        await self.gateway.dispatch("MESSAGE_DELETE", data)
        self.bus.emit("message_delete", message)

    # -- interactions ----------------------------------------------------------------

    def _interaction_extra(self, rec: InteractionRecord) -> dict[str, Any]:
        app_id = str(self.world.application_id)
        return {
            "webhook_id": app_id,
            "application_id": app_id,
            "type": 20 if rec.type == 2 else 0,
            "interaction_metadata": self.world.interaction_metadata(rec),
        }

    def _complete(self, rec: InteractionRecord) -> None:
        rec.done = True
        self.bus.emit("interaction_done", rec)

    async def callback(self, request: web.Request) -> web.Response:
        """Handle an interaction callback (types 4, 5, 6, 7, 8, 9)."""
        rec = self.world.interactions.get(_int(request, "interaction_id"))
        if rec is None or rec.token != request.match_info["webhook_token"]:
            raise DiscordError(404, 10062, "Unknown interaction")
        try:
            self._check_callback(rec, request)
        except DiscordError as exc:
            if rec.callback_type is None:
                rec.result.error = {"status": exc.status, **exc.body()}
                self._complete(rec)
            raise
        body = _payload(request)
        kind = int(body.get("type") or 0)
        data: dict[str, Any] = body.get("data") or {}
        rec.acknowledged = True
        rec.callback_type = kind
        result = rec.result
        result.type = kind
        message: dict[str, Any] | None = None
        if kind in (4, 5):
            flags = int(data.get("flags") or 0) & EPHEMERAL
            if kind == 5:
                data = {"content": "", "flags": flags | LOADING}
            message = await self.publish(
                rec.channel, data, _uploads(request), extra=self._interaction_extra(rec)
            )
            rec.original_id = int(message["id"])
            result.message = message
        elif kind in (6, 7):
            rec.original_id = rec.source_message_id
            source = self.world.messages.get(rec.source_message_id or 0)
            if source is None:
                raise DiscordError(404, 10008, "Unknown Message")
            result.message = source
            if kind == 7:
                message = await self.apply_edit(source, data, _uploads(request))
        elif kind == 8:
            result.choices = list(data.get("choices") or [])
        elif kind == 9:
            result.modal = data
        if kind in (4, 7, 8, 9):
            self._complete(rec)
        else:
            self.bus.emit("interaction_ack", rec)
        if request.query.get("with_response") not in ("1", "true", "True"):
            return no_content()
        interaction: dict[str, Any] = {
            "id": str(rec.id),
            "type": rec.type,
            "response_message_loading": kind == 5,
            "response_message_ephemeral": bool(message and int(message["flags"]) & EPHEMERAL),
        }
        resource: dict[str, Any] = {"type": kind}
        if message is not None:
            interaction["response_message_id"] = message["id"]
            # The callback resource object carries the message "only if type is either
            # CHANNEL_MESSAGE_WITH_SOURCE or UPDATE_MESSAGE": not the loading one of a defer.
            if kind in (4, 7):
                resource["message"] = message
        return json_response({"interaction": interaction, "resource": resource})

    def _missed_deadline(self, rec: InteractionRecord) -> bool:
        """Return whether ``rec`` went unanswered past the 3 s deadline (its token is dead).

        The receiving-and-responding page: "you must send an initial response within 3
        seconds of receiving the event. If the 3 second deadline is exceeded, the token
        will be invalidated." Once missed, it stays missed.
        """
        if not rec.acknowledged and (
            self.limits.clock() - rec.created_at > self.limits.interaction_deadline
        ):
            rec.expired = True
        return rec.expired

    def _check_callback(self, rec: InteractionRecord, request: web.Request) -> None:
        if rec.acknowledged:
            raise DiscordError(400, 40060, "Interaction has already been acknowledged.")
        if self._missed_deadline(rec):
            raise DiscordError(404, 10062, "Unknown interaction")
        body = _payload(request)
        kind = int(body.get("type") or 0)
        data: dict[str, Any] = body.get("data") or {}
        if kind in (4, 7):
            errors = validate_message(data)
            if errors:
                raise invalid_form({"data": errors})
        elif kind == 8:
            errors = validate_choices(data.get("choices"))
            if errors:
                raise invalid_form({"data": errors})
        elif kind not in (5, 6, 9):
            raise invalid_form(
                {"type": {"_errors": [{"code": "BASE_TYPE_CHOICES", "message": "Invalid type."}]}}
            )
        if kind in (6, 7) and rec.source_message_id is None:
            raise DiscordError(400, 40004, "Interaction is not a component interaction")

    def _webhook_interaction(self, request: web.Request) -> InteractionRecord:
        """Return the interaction behind a webhook URL, refusing dead or unopened tokens.

        The token webhook exists only once the interaction is acknowledged: before that, or
        after a missed 3 s deadline, Discord answers 404 10015 Unknown Webhook. Tokens live
        15 minutes from the interaction; later they are 401 50027 Invalid Webhook Token.
        """
        self._check_app(request)
        rec = self.world.interaction_by_token(request.match_info["webhook_token"])
        if rec is None or self.limits.clock() - rec.created_at > self.limits.followup_window:
            raise DiscordError(401, 50027, "Invalid Webhook Token")
        if self._missed_deadline(rec) or not rec.acknowledged:
            error = DiscordError(404, 10015, "Unknown Webhook")
            if not rec.done:
                rec.result.error = {"status": error.status, **error.body()}
                self._complete(rec)
            raise error
        return rec

    def _webhook_message(self, request: web.Request, rec: InteractionRecord) -> dict[str, Any]:
        raw = request.match_info["message_id"]
        message_id = rec.original_id if raw == "@original" else int(raw) if raw.isdigit() else None
        message = self.world.messages.get(message_id or 0)
        if message is None:
            raise DiscordError(404, 10008, "Unknown Message")
        return message

    async def followup(self, request: web.Request) -> web.Response:
        """Send an interaction follow-up message (or, first after a defer, the response).

        interactions/receiving-and-responding, "Create Followup Message": it works as
        Execute Webhook with ``wait`` always true (the message is returned). Directly after
        a DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE it "will function as Edit Original Interaction
        Response": the loading message is edited, no new message is created, and its
        ephemeral flag stays the one the defer chose.
        """
        rec = self._webhook_interaction(request)
        body = _payload(request)
        errors = validate_message(body)
        if errors:
            raise invalid_form(errors)
        loading = self._loading_original(rec)
        if loading is not None:
            flags = int(body.get("flags") or 0) & ~EPHEMERAL
            message = await self.apply_edit(loading, {**body, "flags": flags}, _uploads(request))
        else:
            message = await self.publish(
                rec.channel, body, _uploads(request), extra=self._interaction_extra(rec)
            )
            rec.result.followups.append(message)
        if not rec.done:
            if rec.callback_type in (5, 6):
                rec.result.message = message
            self._complete(rec)
        return json_response(message)

    def _loading_original(self, rec: InteractionRecord) -> dict[str, Any] | None:
        """Return the deferred response still showing "thinking…", if there is one."""
        if rec.callback_type != 5 or rec.original_id is None:
            return None
        original = self.world.messages.get(rec.original_id)
        if original is None or not int(original["flags"]) & LOADING:
            return None
        return original

    async def get_webhook_message(self, request: web.Request) -> web.Response:
        """Return the original response or a follow-up."""
        rec = self._webhook_interaction(request)
        return json_response(self._webhook_message(request, rec))

    async def edit_webhook_message(self, request: web.Request) -> web.Response:
        """Edit the original response or a follow-up."""
        rec = self._webhook_interaction(request)
        message = self._webhook_message(request, rec)
        edited = await self.apply_edit(message, _payload(request), _uploads(request))
        if request.match_info["message_id"] == "@original" and not rec.done:
            rec.result.message = edited
            self._complete(rec)
        return json_response(edited)

    async def delete_webhook_message(self, request: web.Request) -> web.Response:
        """Delete the original response or a follow-up."""
        rec = self._webhook_interaction(request)
        await self.remove(self._webhook_message(request, rec))
        return no_content()

    async def get_permissions(self, request: web.Request) -> web.Response:
        """Return the command permission overrides admins set (all, or one command's)."""
        self._check_app(request)
        guild_id = self._guild_id(request) or 0
        app_id = str(self.world.application_id)

        def entry(command_id: str) -> dict[str, Any]:
            return {
                "id": command_id,
                "application_id": app_id,
                "guild_id": str(guild_id),
                "permissions": self.world.command_permissions.get((guild_id, command_id), []),
            }

        if "command_id" in request.match_info:
            command_id = request.match_info["command_id"]
            if (guild_id, command_id) not in self.world.command_permissions:
                raise DiscordError(404, 10066, "Unknown application command permissions")
            return json_response(entry(command_id))
        return json_response(
            [
                entry(command)
                for guild, command in self.world.command_permissions
                if guild == guild_id
            ]
        )

    # -- guilds ----------------------------------------------------------------------

    async def get_guild(self, request: web.Request) -> web.Response:
        """Return a guild."""
        guild_id = self._guild_id(request)
        guild = self.world.guilds[guild_id or 0]
        data = guild.payload()
        if request.query.get("with_counts") in ("1", "true"):
            data["approximate_member_count"] = len(guild.members)
            data["approximate_presence_count"] = 0
        return json_response(data)

    async def get_guild_channels(self, request: web.Request) -> web.Response:
        """Return a guild's channels."""
        guild = self.world.guilds[self._guild_id(request) or 0]
        return json_response([c.payload() for c in guild.channels])

    async def get_roles(self, request: web.Request) -> web.Response:
        """Return a guild's roles."""
        guild = self.world.guilds[self._guild_id(request) or 0]
        return json_response([r.payload() for r in guild.roles])

    async def get_members(self, request: web.Request) -> web.Response:
        """List guild members ordered by id (``limit``/``after``)."""
        guild = self.world.guilds[self._guild_id(request) or 0]
        after = int(request.query.get("after", "0"))
        limit = max(1, min(int(request.query.get("limit", "1")), 1000))
        members = sorted(
            (m for m in guild.members.values() if m.user.id > after), key=lambda m: m.user.id
        )
        return json_response([m.payload() for m in members[:limit]])

    def _manage_roles(self, request: web.Request) -> tuple[Guild, Member]:
        """Return the guild and the bot's member, or refuse without Manage Roles (50013)."""
        guild = self.world.guilds[self._guild_id(request) or 0]
        bot = guild.members[self.world.bot_user.id]
        if not guild_permissions(guild, bot) & (MANAGE_ROLES | ADMINISTRATOR):
            raise DiscordError(403, 50013, "Missing Permissions")
        return guild, bot

    async def create_role(self, request: web.Request) -> web.Response:
        """Create a role (``POST /guilds/{id}/roles``): needs Manage Roles."""
        guild, _ = self._manage_roles(request)
        body = _payload(request)
        # Discord puts a new role just above @everyone, below every other role.
        for other in guild.roles:
            if other.position >= 1:
                other.position += 1
        role = Role(
            self.world.ids.next(),
            guild.id,
            str(body.get("name") or "new role"),
            int(body.get("permissions") or 0),
            1,
            bool(body.get("mentionable", False)),
        )
        guild.roles.append(role)
        await self.gateway.dispatch(
            "GUILD_ROLE_CREATE", {"guild_id": str(guild.id), "role": role.payload()}
        )
        return json_response(role.payload())

    async def _change_role(self, request: web.Request, *, add: bool) -> web.Response:
        """Give or take a role: Manage Roles, and only roles below the bot's highest."""
        guild, bot = self._manage_roles(request)
        member = guild.members.get(_int(request, "user_id"))
        if member is None:
            raise DiscordError(404, 10007, "Unknown Member")
        role = guild.role(_int(request, "role_id"))
        # Every member has @everyone; it is not a role one can give or take (resources/guild
        # "Add Guild Member Role" names no code; Discord answers Unknown Role).
        if role is None or role.id == guild.id:
            raise DiscordError(404, 10011, "Unknown Role")
        if role.position >= max((r.position for r in bot.roles), default=0):
            raise DiscordError(403, 50013, "Missing Permissions")
        if add and role not in member.roles:
            member.roles.append(role)
        elif not add and role in member.roles:
            member.roles.remove(role)
        await self.gateway.dispatch(
            "GUILD_MEMBER_UPDATE", {**member.payload(), "guild_id": str(guild.id)}
        )
        return no_content()

    async def add_role(self, request: web.Request) -> web.Response:
        """Give a member a role (``PUT .../members/{user}/roles/{role}``)."""
        return await self._change_role(request, add=True)

    async def remove_role(self, request: web.Request) -> web.Response:
        """Take a role from a member (``DELETE .../members/{user}/roles/{role}``)."""
        return await self._change_role(request, add=False)

    async def get_member(self, request: web.Request) -> web.Response:
        """Return one guild member."""
        guild = self.world.guilds[self._guild_id(request) or 0]
        member = guild.members.get(_int(request, "user_id"))
        if member is None:
            raise DiscordError(404, 10007, "Unknown Member")
        return json_response(member.payload())
