"""The sandbox refuses what Discord refuses: request bodies against the spec and the docs.

Bodies go out as raw HTTP (aiohttp), so discord.py's own checks cannot intervene.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest

from confbot_dev.sandbox import Channel, Limits, RouteLimit, Sandbox, User
from confbot_dev.sandbox.config import MESSAGE_CREATE_ROUTE
from confbot_dev.sandbox.spec import RequestValidator
from confbot_dev.sandbox.state import InteractionRecord, InteractionResult

MESSAGE, COMMANDS, CALLBACK = "message", "commands", "callback"
FOLLOWUP, EDIT_ORIGINAL, MULTIPART = "followup", "edit original", "multipart message"


@dataclass
class Spot:
    """A started sandbox with a channel, a member and one message already posted."""

    sandbox: Sandbox
    channel: Channel
    user: User
    message_id: str
    http: aiohttp.ClientSession


@pytest.fixture
async def spot() -> AsyncIterator[Spot]:
    """Start a bare sandbox (no bot) with #general, alice and one message of hers."""
    limits = Limits(global_per_second=10_000, routes={MESSAGE_CREATE_ROUTE: RouteLimit(100, 1.0)})
    async with Sandbox(limits=limits) as sandbox:
        guild = sandbox.add_guild("G")
        channel = sandbox.add_channel(guild, "general")
        user = sandbox.add_member(guild, "alice")
        await sandbox.say(user, channel, "hello")
        [message] = sandbox.messages(channel)
        headers = {"Authorization": f"Bot {sandbox.bot_token}"}
        async with aiohttp.ClientSession(headers=headers) as http:
            yield Spot(sandbox, channel, user, str(message["id"]), http)


def _interaction(spot: Spot, kind: int = 2, *, acknowledged: bool = False) -> InteractionRecord:
    """Register an interaction the bot may answer (as if a user had run a command).

    Follow-ups need an ``acknowledged`` one: Discord opens the webhook only then.
    """
    world = spot.sandbox.world
    record = InteractionRecord(
        id=world.ids.next(),
        token=secrets.token_urlsafe(32),
        type=kind,
        user=spot.user,
        channel=spot.channel,
        created_at=spot.sandbox.limits.clock(),
        what="a test interaction",
        result=InteractionResult(what="a test interaction"),
    )
    record.acknowledged = acknowledged
    world.interactions[record.id] = record
    return record


async def send(spot: Spot, route: str, body: Any) -> tuple[int, dict[str, Any]]:
    """Send ``body`` the way the bot would on ``route``; return the status and JSON answer."""
    base, sandbox = spot.sandbox.api_base, spot.sandbox
    if route == MESSAGE:
        url = f"{base}/channels/{spot.channel.id}/messages"
        request = spot.http.post(url, json=body)
    elif route == COMMANDS:
        request = spot.http.put(f"{base}/applications/{sandbox.application_id}/commands", json=body)
    elif route in (FOLLOWUP, EDIT_ORIGINAL):
        token = _interaction(spot, acknowledged=True).token
        webhook = f"{base}/webhooks/{sandbox.application_id}/{token}"
        request = (
            spot.http.post(f"{webhook}?wait=true", json=body)
            if route == FOLLOWUP
            else spot.http.patch(f"{webhook}/messages/@original", json=body)
        )
    elif route == MULTIPART:
        form = aiohttp.FormData()
        form.add_field("payload_json", json.dumps(body), content_type="application/json")
        form.add_field("files[0]", b"BEGIN:VCALENDAR", filename="talk.ics")
        request = spot.http.post(f"{base}/channels/{spot.channel.id}/messages", data=form)
    else:
        record = _interaction(spot, kind=4 if body.get("type") == 8 else 2)
        url = f"{base}/interactions/{record.id}/{record.token}/callback"
        request = spot.http.post(url, json=body)
    async with request as response:
        answer = await response.json() if response.status != 204 else {}
        return response.status, answer


def button(**fields: Any) -> dict[str, Any]:
    """Return a primary button, overridden by ``fields`` (``None`` removes a key)."""
    base: dict[str, Any] = {"type": 2, "style": 1, "label": "Next", "custom_id": "next"}
    merged = {**base, **fields}
    return {key: value for key, value in merged.items() if value is not None}


def row(*buttons: dict[str, Any]) -> dict[str, Any]:
    """Return an action row of ``buttons``."""
    return {"type": 1, "components": list(buttons)}


def command(**fields: Any) -> dict[str, Any]:
    """Return a chat-input command definition overridden by ``fields``."""
    return {"name": "about", "description": "About the conference", "type": 1, **fields}


def option(name: str, *, required: bool = False, kind: int = 3) -> dict[str, Any]:
    """Return a string option (or ``kind``) called ``name``."""
    return {"type": kind, "name": name, "description": f"The {name}", "required": required}


def modal(**fields: Any) -> dict[str, Any]:
    """Return a modal callback (type 9) with one text input, overridden by ``fields``."""
    text_input = {"type": 4, "custom_id": "name", "style": 1, "label": "Name"}
    data = {"custom_id": "form", "title": "Register", "components": [row(text_input)], **fields}
    return {"type": 9, "data": {k: v for k, v in data.items() if v is not None}}


def leaves(tree: dict[str, Any], path: str = "") -> list[tuple[str, str]]:
    """Return every ``(dotted path, code)`` in a 50035 ``errors`` tree."""
    found = [(path, error["code"]) for error in tree.get("_errors", [])]
    for key, child in tree.items():
        if key != "_errors":
            found += leaves(child, f"{path}.{key}" if path else key)
    return found


# (case, route, body, dotted path of the error, error code)
INVALID = [
    (
        "command description of 101 characters",
        COMMANDS,
        [command(description="d" * 101)],
        "0.description",
        "BASE_TYPE_MAX_LENGTH",
    ),
    (
        "option of an unknown type",
        COMMANDS,
        [command(options=[option("zone", kind=99)])],
        "0.options.0.type",
        "BASE_TYPE_CHOICES",
    ),
    (
        "button label of 81 characters",
        MESSAGE,
        {"content": "x", "components": [row(button(label="L" * 81))]},
        "components.0.components.0.label",
        "BASE_TYPE_MAX_LENGTH",
    ),
    (
        "custom_id of 101 characters",
        MESSAGE,
        {"content": "x", "components": [row(button(custom_id="c" * 101))]},
        "components.0.components.0.custom_id",
        "BASE_TYPE_MAX_LENGTH",
    ),
    (
        "six buttons in one row",
        MESSAGE,
        {"content": "x", "components": [row(*(button(custom_id=f"b{i}") for i in range(6)))]},
        "components.0.components",
        "BASE_TYPE_BAD_LENGTH",
    ),
    (
        "a button without a style",
        MESSAGE,
        {"content": "x", "components": [row(button(style=None))]},
        "components.0.components.0.style",
        "BASE_TYPE_REQUIRED",
    ),
    (
        "an embed colour above 0xFFFFFF",
        MESSAGE,
        {"embeds": [{"title": "t", "color": 0x1000000}]},
        "embeds.0.color",
        "NUMBER_TYPE_MAX",
    ),
    (
        "an embed field without a value",
        MESSAGE,
        {"embeds": [{"title": "t", "fields": [{"name": "When"}]}]},
        "embeds.0.fields.0.value",
        "BASE_TYPE_REQUIRED",
    ),
    (
        "a wrong allowed_mentions.parse value",
        MESSAGE,
        {"content": "x", "allowed_mentions": {"parse": ["members"]}},
        "allowed_mentions.parse.0",
        "BASE_TYPE_CHOICES",
    ),
    (
        "a 26-character nonce",
        MESSAGE,
        {"content": "x", "nonce": "n" * 26},
        "nonce",
        "BASE_TYPE_MAX_LENGTH",
    ),
    (
        "a 46-character modal title",
        CALLBACK,
        modal(title="T" * 46),
        "data.title",
        "BASE_TYPE_MAX_LENGTH",
    ),
    (
        "a modal without components",
        CALLBACK,
        modal(components=None),
        "data.components",
        "BASE_TYPE_REQUIRED",
    ),
    (
        "a reply to a message that does not exist",
        MESSAGE,
        {"content": "x", "message_reference": {"message_id": "1"}},
        "message_reference",
        "REPLIES_UNKNOWN_MESSAGE",
    ),
    # Beyond the list: the rest of what the bot relies on.
    (
        "message content of 2001 characters (2000 for bots, whatever the spec says)",
        MESSAGE,
        {"content": "x" * 2001},
        "content",
        "BASE_TYPE_MAX_LENGTH",
    ),
    (
        "embeds over 6,000 characters together",
        MESSAGE,
        {"embeds": [{"title": "t", "description": "d" * 4000} for _ in range(2)]},
        "embeds",
        "MAX_EMBED_SIZE_EXCEEDED",
    ),
    (
        "two components with one custom_id",
        MESSAGE,
        {"content": "x", "components": [row(button(), button(label="Again"))]},
        "components.0.components.1.custom_id",
        "COMPONENT_CUSTOM_ID_DUPLICATED",
    ),
    (
        "a link button without a url",
        MESSAGE,
        {"content": "x", "components": [row(button(style=5, custom_id=None))]},
        "components.0.components.0.url",
        "BUTTON_COMPONENT_URL_REQUIRED",
    ),
    (
        "parse users together with a users list",
        MESSAGE,
        {"content": "x", "allowed_mentions": {"parse": ["users"], "users": ["1"]}},
        "allowed_mentions",
        "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
    ),
    (
        "six action rows without the components-v2 flag",
        MESSAGE,
        {"content": "x", "components": [row(button(custom_id=f"r{i}")) for i in range(6)]},
        "components",
        "BASE_TYPE_BAD_LENGTH",
    ),
    (
        "a follow-up with an embed field without a value",
        FOLLOWUP,
        {"embeds": [{"title": "t", "fields": [{"name": "When"}]}]},
        "embeds.0.fields.0.value",
        "BASE_TYPE_REQUIRED",
    ),
    (
        "an edit of the original response with six buttons in one row",
        EDIT_ORIGINAL,
        {"components": [row(*(button(custom_id=f"b{i}") for i in range(6)))]},
        "components.0.components",
        "BASE_TYPE_BAD_LENGTH",
    ),
    (
        "a file upload whose payload_json has a 26-character nonce",
        MULTIPART,
        {"content": "x", "nonce": "n" * 26},
        "nonce",
        "BASE_TYPE_MAX_LENGTH",
    ),
    (
        "an embed timestamp that is not a date-time",
        MESSAGE,
        {"embeds": [{"title": "t", "timestamp": "tomorrow at ten"}]},
        "embeds.0.timestamp",
        "BASE_TYPE_INVALID",
    ),
    (
        "a command name in capitals",
        COMMANDS,
        [command(name="About")],
        "0.name",
        "APPLICATION_COMMAND_INVALID_NAME",
    ),
    (
        "a command name with a space",
        COMMANDS,
        [command(name="my schedule")],
        "0.name",
        "APPLICATION_COMMAND_INVALID_NAME",
    ),
    (
        "a required option after an optional one",
        COMMANDS,
        [command(options=[option("day"), option("zone", required=True)])],
        "0.options.1.required",
        "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
    ),
    (
        "a chat-input command without a description",
        COMMANDS,
        [command(description="")],
        "0.description",
        "BASE_TYPE_MIN_LENGTH",
    ),
    (
        "two commands with one name",
        COMMANDS,
        [command(), command()],
        "1.name",
        "APPLICATION_COMMANDS_DUPLICATE_NAME",
    ),
    (
        "26 autocomplete choices",
        CALLBACK,
        {"type": 8, "data": {"choices": [{"name": f"c{i}", "value": f"c{i}"} for i in range(26)]}},
        "data.choices",
        "BASE_TYPE_BAD_LENGTH",
    ),
    (
        "an interaction reply of 2001 characters",
        CALLBACK,
        {"type": 4, "data": {"content": "x" * 2001}},
        "data.content",
        "BASE_TYPE_MAX_LENGTH",
    ),
    (
        "a select menu asking for more at least than at most",
        MESSAGE,
        {
            "content": "x",
            "components": [
                {
                    "type": 1,
                    "components": [
                        {
                            "type": 3,
                            "custom_id": "pick",
                            "min_values": 2,
                            "max_values": 1,
                            "options": [{"label": v, "value": v} for v in "abc"],
                        }
                    ],
                }
            ],
        },
        "components.0.components.0.min_values",
        "SELECT_COMPONENT_MIN_VALUES_TOO_LARGE",
    ),
    (
        "a select menu beside a button",
        MESSAGE,
        {
            "content": "x",
            "components": [
                row(
                    button(),
                    {"type": 3, "custom_id": "pick", "options": [{"label": "a", "value": "a"}]},
                )
            ],
        },
        "components.0.components",
        "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
    ),
]


@pytest.mark.parametrize(
    ("route", "body", "path", "code"),
    [case[1:] for case in INVALID],
    ids=[case[0] for case in INVALID],
)
async def test_spec_invalid_body_gets_50035(
    spot: Spot, route: str, body: Any, path: str, code: str
) -> None:
    """Each body Discord would refuse gets 400 50035 naming the offending field, and only it."""
    status, answer = await send(spot, route, body)
    assert (status, answer["code"], answer["message"]) == (400, 50035, "Invalid Form Body")
    assert leaves(answer["errors"]) == [(path, code)]
    assert spot.sandbox.rejections[-1].status == 400


def _valid_cases(message_id: str) -> list[tuple[str, Any]]:
    """Return bodies at the edge of every limit above, each one Discord accepts."""
    five = [button(custom_id=f"b{i}", label="L" * 80) for i in range(5)]
    return [
        (COMMANDS, [command(description="d" * 100, options=[option("zone", required=True)])]),
        (COMMANDS, [command(name="speaker-link", options=[option("who", kind=6)])]),
        (COMMANDS, [{"name": "Show Speaker", "type": 2}]),
        (MESSAGE, {"content": "x" * 2000, "components": [row(*five)]}),
        (MULTIPART, {"content": "x", "nonce": "n" * 25}),
        (FOLLOWUP, {"content": "x", "flags": 64, "components": [row(*five)]}),
        (
            MESSAGE,
            {
                "embeds": [
                    {"title": "t", "color": 0xFFFFFF, "fields": [{"name": "n", "value": "v"}]}
                ]
            },
        ),
        (MESSAGE, {"content": "x", "allowed_mentions": {"parse": ["users", "roles", "everyone"]}}),
        (MESSAGE, {"content": "x", "allowed_mentions": {"parse": [], "users": [1], "roles": []}}),
        (MESSAGE, {"content": "x", "nonce": "n" * 25, "enforce_nonce": True}),
        (MESSAGE, {"content": "x", "nonce": 12345678901234567}),
        (MESSAGE, {"content": "x", "message_reference": {"message_id": int(message_id)}}),
        (
            MESSAGE,
            {"content": "x", "message_reference": {"message_id": "1", "fail_if_not_exists": False}},
        ),
        (
            MESSAGE,
            {
                "content": "x",
                "components": [row(button(style=5, custom_id=None, url="https://example.org"))],
            },
        ),
        (CALLBACK, modal(title="T" * 45)),
        (CALLBACK, {"type": 4, "data": {"content": "x" * 2000, "flags": 64}}),
        (CALLBACK, {"type": 5, "data": {"flags": 64}}),
        (
            CALLBACK,
            {
                "type": 8,
                "data": {"choices": [{"name": f"c{i}", "value": f"c{i}"} for i in range(25)]},
            },
        ),
    ]


async def test_valid_bodies_pass(spot: Spot) -> None:
    """Bodies at every limit above (and integer snowflakes, integer nonces) are accepted."""
    cases = _valid_cases(spot.message_id)
    answers = [await send(spot, route, body) for route, body in cases]
    expected = [204 if route == CALLBACK else 200 for route, _ in cases]
    assert [status for status, _ in answers] == expected, answers
    assert spot.sandbox.rejections == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"content": "x" * 2001}, "content"),
        ({"embeds": [{"title": "t", "description": "d" * 4000} for _ in range(2)]}, "embeds"),
    ],
    ids=["2001 characters of content", "6001 characters across embeds"],
)
def test_validator_alone_applies_the_docs_limits(body: dict[str, Any], field: str) -> None:
    """The spec validator itself (not only the message handler) holds bots to the docs' limits."""
    validator = RequestValidator(message_exists=lambda _message_id: True)
    errors = validator.check("POST", "/channels/{channel_id}/messages", body)
    assert list(errors) == [field]


async def test_validation_can_be_switched_off(spot: Spot) -> None:
    """With validation off a spec-invalid body (a 26-character nonce) reaches the handler."""
    spot.sandbox.request_validator.enabled = False
    status, _ = await send(spot, MESSAGE, {"content": "x", "nonce": "n" * 26})
    assert status == 200


async def test_refused_interaction_reply_ends_the_wait_with_the_error(spot: Spot) -> None:
    """A refused first callback is the interaction's result, so a driver does not hang."""
    record = _interaction(spot)
    url = f"{spot.sandbox.api_base}/interactions/{record.id}/{record.token}/callback"
    async with spot.http.post(url, json={"type": 4, "data": {"content": "x" * 2001}}) as response:
        assert response.status == 400
    assert record.done
    assert record.result.error is not None
    assert record.result.error["code"] == 50035
