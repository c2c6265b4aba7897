"""Act as Discord users: run slash commands, autocomplete, clicks, modals and chat."""

from __future__ import annotations

import math
import secrets
from collections.abc import Mapping
from typing import Any

from confbot_dev.sandbox.config import Limits
from confbot_dev.sandbox.events import EventBus
from confbot_dev.sandbox.gateway import Gateway
from confbot_dev.sandbox.permissions import DM_APP_PERMISSIONS, channel_permissions, command_denial
from confbot_dev.sandbox.rest import Rest, Upload
from confbot_dev.sandbox.scheduled_events import ScheduledEvent, ScheduledEvents
from confbot_dev.sandbox.state import (
    Channel,
    InteractionRecord,
    InteractionResult,
    Role,
    User,
    World,
)

APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 2, 3, 4, 5
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER = 3, 4, 5, 6, 7, 8, 9, 10
ATTACHMENT = 11
# The docs' ranges for every option of a type ("Application Command Option Type"): INTEGER
# between -2^53+1 and 2^53-1, NUMBER between -2^53 and 2^53. A STRING option's declared
# max_length is at most 6,000, but the docs name no limit for one that declares none, so
# the driver holds a string only to the bounds its option declares.
INTEGER_BOUND, NUMBER_BOUND = 2**53 - 1, 2**53

Message = dict[str, Any]


class CommandNotShown(AssertionError):
    """The Discord client would not offer this command to this user here."""


class OptionValueRefused(AssertionError):
    """The Discord client would not let a user send this value for this option.

    Tests that need the bot to meet such a value anyway (a modified client, a replayed
    payload) send it with ``Driver.invoke_forged``.
    """


def _walk_components(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for comp in components:
        out.append(comp)
        out.extend(_walk_components(comp.get("components") or []))
        if isinstance(comp.get("component"), dict):
            out.extend(_walk_components([comp["component"]]))
        if isinstance(comp.get("accessory"), dict):
            out.append(comp["accessory"])
    return out


class Driver:
    """Build Discord-shaped user actions, dispatch them and await the bot's answer."""

    def __init__(
        self,
        world: World,
        gateway: Gateway,
        rest: Rest,
        bus: EventBus,
        limits: Limits,
        scheduled_events: ScheduledEvents,
    ) -> None:
        self.world = world
        self.scheduled_events = scheduled_events
        self.gateway = gateway
        self.rest = rest
        self.bus = bus
        self.limits = limits

    # -- payload builders ------------------------------------------------------------

    def _channel_for(self, user: User, channel: Channel | None) -> Channel:
        return self.world.dm_channel(user) if channel is None else channel

    def _new_interaction(
        self,
        user: User,
        channel: Channel,
        itype: int,
        data: dict[str, Any],
        what: str,
        message: Message | None = None,
        waited: float = 0.0,
    ) -> tuple[InteractionRecord, dict[str, Any]]:
        # ``waited``: how long ago Discord created the interaction before the bot got it (a
        # slow gateway); its id and its 3 s deadline count from then.
        rec = InteractionRecord(
            id=self.world.ids.at(self.limits.wall_clock() - waited),
            token=f"aW50ZXJhY3Rpb24.{secrets.token_urlsafe(48)}",
            type=itype,
            user=user,
            channel=channel,
            created_at=self.limits.clock() - waited,
            what=what,
            source_message_id=int(message["id"]) if message else None,
            result=InteractionResult(what=what),
        )
        self.world.interactions[rec.id] = rec
        bot_perms = DM_APP_PERMISSIONS
        payload: dict[str, Any] = {
            "id": str(rec.id),
            "application_id": str(self.world.application_id),
            "type": itype,
            "data": data,
            "channel_id": str(channel.id),
            "token": rec.token,
            "version": 1,
            "locale": "en-US",
            "entitlements": [],
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        if message is not None:
            payload["message"] = message
        if channel.guild_id is not None:
            guild = self.world.guilds[channel.guild_id]
            member = guild.members.get(user.id)
            if member is None:
                raise AssertionError(f"sandbox: {user.username} is not a member of {guild.name}")
            # The receiving-and-responding page: member.permissions and app_permissions are
            # computed in the channel, including overwrites (implicit denials are not).
            bot_member = guild.members.get(self.world.bot_user.id)
            bot_perms = 0
            if bot_member is not None:
                bot_perms = channel_permissions(guild, bot_member, channel)
            perms = channel_permissions(guild, member, channel)
            payload.update(
                {
                    "guild_id": str(guild.id),
                    "guild": {"id": str(guild.id), "locale": "en-US", "features": []},
                    "guild_locale": "en-US",
                    "member": {**member.payload(), "permissions": str(perms)},
                    "context": 0,
                    "authorizing_integration_owners": {"0": str(guild.id)},
                    "channel": {**channel.payload(), "permissions": str(perms)},
                }
            )
        else:
            payload.update(
                {
                    "user": user.payload(),
                    "context": 1,
                    "authorizing_integration_owners": {"0": "0"},
                    "channel": channel.payload(),
                }
            )
        payload["app_permissions"] = str(bot_perms)
        return rec, payload

    async def _run(
        self, rec: InteractionRecord, payload: dict[str, Any], timeout: float | None
    ) -> InteractionResult:
        future = self.bus.expect_item("interaction_done", rec)
        await self.gateway.dispatch("INTERACTION_CREATE", payload)
        await self.bus.wait(
            future, timeout or self.limits.wait_timeout, f"the bot to answer {rec.what}"
        )
        if rec.result.error is not None:
            raise AssertionError(
                f"sandbox rejected the bot's answer to {rec.what}: {rec.result.error}"
            )
        return rec.result

    def _option_value(
        self,
        opt: Mapping[str, Any],
        value: Any,
        resolved: dict[str, Any],
        user: User,
        guild_id: int | None,
        *,
        forged: bool = False,
    ) -> Any:
        kind = int(opt["type"])
        if kind in (STRING, INTEGER, NUMBER, BOOLEAN):
            if forged:
                return value  # as a modified client would send it: unchecked, uncoerced
            typed = _typed_value(opt, value)
            refusal = client_refusal(opt, typed)
            if refusal is not None:
                raise OptionValueRefused(
                    f"sandbox: Discord's client would not send {value!r} for option "
                    f"{opt['name']!r}: {refusal} (tests can send it with invoke_forged)"
                )
            return typed
        if kind in (USER, MENTIONABLE) and isinstance(value, User):
            resolved.setdefault("users", {})[str(value.id)] = value.payload()
            member = self.world.member(guild_id, value.id)
            if member is not None:
                resolved.setdefault("members", {})[str(value.id)] = member.payload(with_user=False)
            return str(value.id)
        if kind in (ROLE, MENTIONABLE) and isinstance(value, Role):
            resolved.setdefault("roles", {})[str(value.id)] = value.payload()
            return str(value.id)
        if kind == CHANNEL and isinstance(value, Channel):
            # The client's picker offers only the option's channel types.
            offered = opt.get("channel_types")
            if offered and value.type not in offered:
                raise AssertionError(
                    f"sandbox: Discord would not offer #{value.name} (type {value.type}) for "
                    f"option {opt['name']!r}, which takes channel types {offered}"
                )
            resolved.setdefault("channels", {})[str(value.id)] = {
                **value.payload(),
                "permissions": str(self._permissions_of(user, value)),
            }
            return str(value.id)
        if kind == ATTACHMENT and isinstance(value, Upload):
            attachment_id = self.world.ids.next()
            self.world.attachment_data[attachment_id] = value.data
            url = f"{self.world.files_base}/{attachment_id}/{value.filename}"
            resolved.setdefault("attachments", {})[str(attachment_id)] = {
                "id": str(attachment_id),
                "filename": value.filename,
                "size": len(value.data),
                "url": url,
                "proxy_url": url,
                "content_type": value.content_type,
            }
            return str(attachment_id)
        raise AssertionError(
            f"sandbox: cannot pass {value!r} to option {opt['name']!r} of type {kind}"
        )

    def _permissions_of(self, user: User, channel: Channel) -> int:
        guild = self.world.guilds.get(channel.guild_id) if channel.guild_id else None
        member = guild.members.get(user.id) if guild is not None else None
        if guild is None or member is None:
            return 0
        return channel_permissions(guild, member, channel)

    def _command_data(
        self,
        user: User,
        path: str,
        options: Mapping[str, Any],
        channel: Channel,
        focused: str | None,
        *,
        forged: bool = False,
    ) -> dict[str, Any]:
        parts = path.strip().lstrip("/").split()
        if not parts:
            raise AssertionError("sandbox: empty command path")
        cmd = self.world.find_command(parts[0], channel.guild_id)
        if cmd is None:
            known = sorted(c["name"] for c in self.world.global_commands)
            raise AssertionError(
                f"sandbox: command /{parts[0]} is not registered (global: {known})"
            )
        denial = command_denial(self.world, cmd, user, channel)
        if denial is not None:
            place = "DMs" if channel.is_dm else f"#{channel.name}"
            raise CommandNotShown(
                f"sandbox: Discord would not show /{parts[0]} to {user.username} in {place}: "
                f"{denial} (tests can add an override with sandbox.set_command_permissions)"
            )

        defs: list[dict[str, Any]] = list(cmd.get("options") or [])
        chain: list[dict[str, Any]] = []
        for name in parts[1:]:
            sub = next(
                (
                    o
                    for o in defs
                    if o["name"] == name and o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP)
                ),
                None,
            )
            if sub is None:
                raise AssertionError(f"sandbox: /{path} has no subcommand {name!r}")
            chain.append({"type": sub["type"], "name": name, "options": []})
            defs = list(sub.get("options") or [])
        resolved: dict[str, Any] = {}
        built: list[dict[str, Any]] = []
        for key, value in options.items():
            opt = next((o for o in defs if o["name"] == key), None)
            if opt is None:
                raise AssertionError(
                    f"sandbox: /{path} has no option {key!r} (has {[o['name'] for o in defs]})"
                )
            if key == focused:
                _require_autocomplete(opt, path)
                _require_typeable(opt, str(value), path)
                item = {"type": opt["type"], "name": key, "value": str(value), "focused": True}
            else:
                item = {
                    "type": opt["type"],
                    "name": key,
                    "value": self._option_value(
                        opt, value, resolved, user, channel.guild_id, forged=forged
                    ),
                }
            built.append(item)
        if focused is not None and focused not in options:
            opt = next((o for o in defs if o["name"] == focused), None)
            if opt is None:
                raise AssertionError(f"sandbox: /{path} has no option {focused!r}")
            _require_autocomplete(opt, path)
            built.append({"type": opt["type"], "name": focused, "value": "", "focused": True})
        if focused is None:
            missing = [o["name"] for o in defs if o.get("required") and o["name"] not in options]
            if missing:
                raise AssertionError(f"sandbox: /{path} requires options {missing}")
        top: list[dict[str, Any]] = built
        for link in reversed(chain):
            link["options"] = top
            top = [link]
        data: dict[str, Any] = {"id": cmd["id"], "name": cmd["name"], "type": 1, "options": top}
        if resolved:
            data["resolved"] = resolved
        if cmd.get("guild_id"):
            data["guild_id"] = cmd["guild_id"]
        return data

    # -- public actions --------------------------------------------------------------

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
        """Run slash command ``command`` ("group sub" paths allowed) and await the answer.

        ``waited`` > 0 delivers the interaction that many seconds after Discord created it.
        """
        where = self._channel_for(user, channel)
        data = self._command_data(user, command, options or {}, where, focused=None)
        rec, payload = self._new_interaction(
            user, where, APPLICATION_COMMAND, data, f"/{command}", waited=waited
        )
        return await self._run(rec, payload, timeout)

    async def invoke_forged(
        self,
        user: User,
        command: str,
        options: Mapping[str, Any] | None = None,
        *,
        channel: Channel | None = None,
        timeout: float | None = None,
    ) -> InteractionResult:
        """Run ``command`` with option values no client would send, as a modified one could.

        Strings, integers, numbers and booleans go out exactly as given (out of the option's
        bounds, not among its choices, of the wrong type); the command must still be one the
        client shows, and users, channels and files are resolved as ``invoke`` does.
        """
        where = self._channel_for(user, channel)
        data = self._command_data(user, command, options or {}, where, focused=None, forged=True)
        rec, payload = self._new_interaction(
            user, where, APPLICATION_COMMAND, data, f"/{command} (forged options)"
        )
        return await self._run(rec, payload, timeout)

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
        """Type into option ``focused`` of ``command`` and return the offered choices.

        ``waited`` > 0 delivers the interaction that many seconds after Discord created it.
        """
        where = self._channel_for(user, channel)
        data = self._command_data(user, command, options or {}, where, focused=focused)
        rec, payload = self._new_interaction(
            user, where, AUTOCOMPLETE, data, f"autocomplete /{command} [{focused}]", waited=waited
        )
        result = await self._run(rec, payload, timeout)
        return list(result.choices or [])

    async def click(
        self,
        user: User,
        message: Message | InteractionResult,
        label: str,
        *,
        timeout: float | None = None,
    ) -> InteractionResult:
        """Press the button labelled ``label`` (or with that custom_id) on a bot message."""
        msg = message.message if isinstance(message, InteractionResult) else message
        if msg is None:
            raise AssertionError("sandbox: click() needs a message; the result has none")
        msg = self.world.messages.get(int(msg["id"]), msg)
        buttons = [c for c in _walk_components(msg.get("components") or []) if c.get("type") == 2]
        button = next((b for b in buttons if b.get("label") == label), None) or next(
            (b for b in buttons if b.get("custom_id") == label), None
        )
        if button is None or "custom_id" not in button:
            raise AssertionError(
                f"sandbox: no button {label!r}; buttons: {[b.get('label') for b in buttons]}"
            )
        if button.get("disabled"):
            raise AssertionError(f"sandbox: button {label!r} is disabled")
        channel = self.world.channels[int(msg["channel_id"])]
        data = {"custom_id": button["custom_id"], "component_type": 2}
        rec, payload = self._new_interaction(
            user, channel, MESSAGE_COMPONENT, data, f"click on {label!r}", msg
        )
        return await self._run(rec, payload, timeout)

    async def select(
        self,
        user: User,
        message: Message | InteractionResult,
        custom_id: str,
        values: list[str],
        *,
        timeout: float | None = None,
    ) -> InteractionResult:
        """Choose ``values`` in the string select ``custom_id`` on a bot message."""
        msg = message.message if isinstance(message, InteractionResult) else message
        if msg is None:
            raise AssertionError("sandbox: select() needs a message; the result has none")
        msg = self.world.messages.get(int(msg["id"]), msg)
        found = [
            c
            for c in _walk_components(msg.get("components") or [])
            if c.get("custom_id") == custom_id
        ]
        if not found:
            raise AssertionError(f"sandbox: no select {custom_id!r} on message {msg['id']}")
        channel = self.world.channels[int(msg["channel_id"])]
        data = {"custom_id": custom_id, "component_type": found[0].get("type", 3), "values": values}
        rec, payload = self._new_interaction(
            user, channel, MESSAGE_COMPONENT, data, f"select {custom_id!r}", msg
        )
        return await self._run(rec, payload, timeout)

    async def submit_modal(
        self,
        user: User,
        modal: dict[str, Any] | None,
        values: Mapping[str, str],
        *,
        channel: Channel | None = None,
        timeout: float | None = None,
    ) -> InteractionResult:
        """Fill the modal's text inputs (by label) and submit it."""
        if modal is None:
            raise AssertionError(
                "sandbox: submit_modal() got no modal (the bot did not answer with one)"
            )
        origin = next(
            (r for r in reversed(self.world.interactions.values()) if r.result.modal is modal), None
        )
        where = channel or (origin.channel if origin else self._channel_for(user, None))
        rows: list[dict[str, Any]] = []
        labels: list[str] = []
        unused = dict(values)

        def fill(inp: dict[str, Any], label: str) -> dict[str, Any]:
            labels.append(label)
            value = unused.pop(label, None)
            if value is None:
                value = inp.get("value") or ""
                if inp.get("required", True) and not value:
                    raise AssertionError(f"sandbox: modal field {label!r} is required")
            return {"type": 4, "custom_id": inp["custom_id"], "value": value}

        for comp in modal.get("components") or []:
            if comp.get("type") == 1:
                row = [
                    fill(c, str(c.get("label")))
                    for c in comp.get("components") or []
                    if c.get("type") == 4
                ]
                rows.append({"type": 1, "components": row})
            elif comp.get("type") == 18 and (comp.get("component") or {}).get("type") == 4:
                rows.append(
                    {"type": 18, "component": fill(comp["component"], str(comp.get("label")))}
                )
        if unused:
            raise AssertionError(f"sandbox: modal has no fields {sorted(unused)}; fields: {labels}")
        data = {"custom_id": modal.get("custom_id"), "components": rows}
        title = modal.get("title", "")
        rec, payload = self._new_interaction(
            user, where, MODAL_SUBMIT, data, f"modal {title!r} submit"
        )
        rec.trigger = origin
        if origin is not None and origin.source_message_id is not None:
            source = self.world.messages.get(origin.source_message_id)
            if source is not None:
                payload["message"] = source
                rec.source_message_id = origin.source_message_id
        return await self._run(rec, payload, timeout)

    async def press_interested(self, user: User, event: ScheduledEvent | int) -> None:
        """Press Interested on ``event`` as ``user`` does in the event list."""
        await self.scheduled_events.press_interested(self._scheduled_event(event), user)

    async def unpress_interested(self, user: User, event: ScheduledEvent | int) -> None:
        """Press Interested again on ``event`` (un-press it) as ``user``."""
        await self.scheduled_events.unpress_interested(self._scheduled_event(event), user)

    def _scheduled_event(self, event: ScheduledEvent | int) -> ScheduledEvent:
        if isinstance(event, ScheduledEvent):
            return event
        return self.scheduled_events.events[int(event)]

    async def say(
        self,
        user: User,
        channel: Channel | None,
        content: str,
        *,
        expect_reply: bool = False,
        timeout: float | None = None,
    ) -> list[Message]:
        """Post ``content`` as ``user``; with ``expect_reply`` return the bot's replies."""
        where = self._channel_for(user, channel)
        bot_id = str(self.world.bot_user.id)
        future = self.bus.expect(
            "message_create",
            lambda m: m["channel_id"] == str(where.id) and m["author"]["id"] == bot_id,
        )
        sent = await self.rest.publish(where, {"content": content}, [], author=user)
        if not expect_reply:
            future.cancel()
            return []
        place = "DM" if where.is_dm else f"#{where.name}"
        await self.bus.wait(
            future, timeout or self.limits.wait_timeout, f"a bot reply in {place} to {content!r}"
        )
        return [
            m
            for m in self.world.channel_messages(where.id)
            if int(m["id"]) > int(sent["id"]) and m["author"]["id"] == bot_id
        ]


def _require_autocomplete(option: Mapping[str, Any], path: str) -> None:
    """Refuse at once to autocomplete an option without it: Discord would never ask the bot."""
    if not option.get("autocomplete"):
        raise AssertionError(
            f"sandbox: option {option['name']!r} of /{path} has no suggestions (no autocomplete)"
        )


def _typed_value(option: Mapping[str, Any], value: Any) -> Any:
    """Return ``value`` as the option's type sends it, or refuse what no client could type."""
    kind = int(option["type"])
    if kind == STRING:
        return str(value)
    if kind == BOOLEAN:
        return bool(value)
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number) or (kind == INTEGER and not number.is_integer()):
        what = "a whole number" if kind == INTEGER else "a number"
        raise OptionValueRefused(
            f"sandbox: option {option['name']!r} takes {what}, which {value!r} is not "
            "(tests can send it with invoke_forged)"
        )
    return int(number) if kind == INTEGER else number


def client_refusal(option: Mapping[str, Any], value: Any) -> str | None:
    """Return why Discord's client would not send ``value`` for ``option``, or ``None``.

    Follows interactions/application-commands, "Application Command Option Structure":
    a value among ``choices`` when there are any, within ``min_value``/``max_value``
    (INTEGER, NUMBER) or ``min_length``/``max_length`` (STRING), and within the type's
    own range ("Application Command Option Type").
    """
    kind = int(option["type"])
    choices = option.get("choices")
    if choices and value not in [choice["value"] for choice in choices]:
        return f"it offers only the choices {[choice['value'] for choice in choices]}"
    if kind == STRING:
        low, high = option.get("min_length"), option.get("max_length")
        if (low is not None and len(value) < low) or (high is not None and len(value) > high):
            wanted = f"{low or 0} to {high}" if high is not None else f"at least {low}"
            return f"it takes {wanted} characters, not {len(value)}"
    if kind in (INTEGER, NUMBER):
        bound = INTEGER_BOUND if kind == INTEGER else NUMBER_BOUND
        low = -bound if option.get("min_value") is None else option["min_value"]
        high = bound if option.get("max_value") is None else option["max_value"]
        if not low <= value <= high:
            return f"it takes values from {low} to {high}"
    return None


def _require_typeable(option: Mapping[str, Any], typed: str, path: str) -> None:
    """Refuse typing into an option more characters than the client's box accepts."""
    high = option.get("max_length")
    if int(option["type"]) != STRING or high is None:
        return
    if len(typed) > high:
        raise OptionValueRefused(
            f"sandbox: option {option['name']!r} of /{path} takes at most {high} characters; "
            f"Discord's client would not let a user type {len(typed)}"
        )
