"""Documented limits the schema cannot express: selects, modals, flags, callbacks, files."""

from __future__ import annotations

import io
import json
from typing import Any

import aiohttp
import pytest

from confbot_dev.sandbox.permissions import READ_MESSAGE_HISTORY
from confbot_dev.sandbox.spec.rules import FILE_SIZE_LIMIT

from .test_sandbox_spec import MESSAGE, Spot, _interaction, leaves, modal, row, send, spot

__all__ = ["spot"]  # the fixture, imported for these tests

COMMAND, COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 2, 3, 4, 5


def select(values: list[str], **fields: Any) -> dict[str, Any]:
    """Return a string select offering ``values``, overridden by ``fields``."""
    options = [{"label": value, "value": value} for value in values]
    return {"type": 3, "custom_id": "pick", "options": options, **fields}


def text_input(**fields: Any) -> dict[str, Any]:
    """Return a short text input, overridden by ``fields``."""
    return {"type": 4, "custom_id": "name", "style": 1, "label": "Name", **fields}


async def callback(spot: Spot, interaction_type: int, body: Any) -> tuple[int, dict[str, Any]]:
    """Answer a fresh interaction of ``interaction_type`` with ``body``."""
    record = _interaction(spot, kind=interaction_type)
    if interaction_type in (COMPONENT, MODAL_SUBMIT):
        record.source_message_id = int(spot.message_id)  # a button on alice's message
    url = f"{spot.sandbox.api_base}/interactions/{record.id}/{record.token}/callback"
    async with spot.http.post(url, json=body) as response:
        return response.status, (await response.json() if response.status != 204 else {})


async def upload(
    spot: Spot, files: list[tuple[str, bytes]], *, followup: bool = False
) -> tuple[int, dict[str, Any]]:
    """Post a message with ``files`` (field name, bytes) to #general or as a follow-up."""
    form = aiohttp.FormData()
    form.add_field("payload_json", json.dumps({"content": "x"}), content_type="application/json")
    for index, (name, data) in enumerate(files):
        form.add_field(name, io.BytesIO(data), filename=f"talk-{index}.ics")
    base = spot.sandbox.api_base
    if followup:
        token = _interaction(spot, acknowledged=True).token
        url = f"{base}/webhooks/{spot.sandbox.application_id}/{token}?wait=true"
    else:
        url = f"{base}/channels/{spot.channel.id}/messages"
    async with spot.http.post(url, data=form) as response:
        return response.status, await response.json()


# (case, interaction type, body or message body, dotted path of the error, error code)
INVALID: list[tuple[str, int | None, Any, str, str]] = [
    (
        "components/reference String Select: option values repeat",
        None,
        {"components": [row(select(["a", "a"]))]},
        "components.0.components.0.options.1.value",
        "SELECT_COMPONENT_OPTION_VALUE_DUPLICATED",
    ),
    (
        "components/reference String Select: max_values above the options",
        None,
        {"components": [row(select(["a", "b"], max_values=3))]},
        "components.0.components.0.max_values",
        "SELECT_COMPONENT_TOO_FEW_OPTIONS",
    ),
    (
        "resources/message Create Message: EPHEMERAL on a channel message",
        None,
        {"content": "only you", "flags": 64},
        "flags",
        "MESSAGE_FLAGS_INVALID",
    ),
    (
        "receiving-and-responding Modal: six rows",
        COMMAND,
        modal(components=[row(text_input(custom_id=f"f{i}")) for i in range(6)]),
        "data.components",
        "BASE_TYPE_BAD_LENGTH",
    ),
    (
        "components/reference Text Input: min_length above max_length",
        COMMAND,
        modal(components=[row(text_input(min_length=10, max_length=5))]),
        "data.components.0.components.0.min_length",
        "TEXT_INPUT_MIN_LENGTH_TOO_LARGE",
    ),
    (
        "Interaction Callback Type: a modal in answer to a modal submit",
        MODAL_SUBMIT,
        modal(),
        "type",
        "BASE_TYPE_CHOICES",
    ),
    (
        "Interaction Callback Type: an autocomplete result for a command",
        COMMAND,
        {"type": 8, "data": {"choices": []}},
        "type",
        "BASE_TYPE_CHOICES",
    ),
    (
        "Interaction Callback Type: a modal for autocomplete",
        AUTOCOMPLETE,
        modal(),
        "type",
        "BASE_TYPE_CHOICES",
    ),
    (
        "Interaction Callback Type: DEFERRED_UPDATE_MESSAGE for a command",
        COMMAND,
        {"type": 6},
        "type",
        "BASE_TYPE_CHOICES",
    ),
    (
        "Interaction Callback Type: a message for autocomplete",
        AUTOCOMPLETE,
        {"type": 4, "data": {"content": "x"}},
        "type",
        "BASE_TYPE_CHOICES",
    ),
]


@pytest.mark.parametrize(
    ("interaction_type", "body", "path", "code"),
    [case[1:] for case in INVALID],
    ids=[case[0] for case in INVALID],
)
async def test_documented_limit_gets_50035(
    spot: Spot, interaction_type: int | None, body: Any, path: str, code: str
) -> None:
    """Each body the docs section (the case's id) forbids gets 400 50035 at its field."""
    if interaction_type is None:
        status, answer = await send(spot, MESSAGE, body)
    else:
        status, answer = await callback(spot, interaction_type, body)
    assert (status, answer["code"]) == (400, 50035)
    assert leaves(answer["errors"]) == [(path, code)]


VALID: list[tuple[str, int | None, Any]] = [
    ("two options, two values", None, {"components": [row(select(["a", "b"], max_values=2))]}),
    ("SUPPRESS_EMBEDS on a channel message", None, {"content": "x", "flags": 4}),
    (
        "five modal rows, min_length = max_length",
        COMMAND,
        modal(
            components=[
                row(text_input(custom_id=f"f{i}", min_length=3, max_length=3)) for i in range(5)
            ]
        ),
    ),
    ("an update for a component", COMPONENT, {"type": 6}),
    ("a modal for a component", COMPONENT, modal()),
    ("an update for a modal submit", MODAL_SUBMIT, {"type": 6}),
    ("choices for autocomplete", AUTOCOMPLETE, {"type": 8, "data": {"choices": []}}),
]


@pytest.mark.parametrize(
    ("interaction_type", "body"), [case[1:] for case in VALID], ids=[case[0] for case in VALID]
)
async def test_bodies_at_the_limits_are_accepted(
    spot: Spot, interaction_type: int | None, body: Any
) -> None:
    """The same limits' edges are accepted."""
    if interaction_type is None:
        status, _answer = await send(spot, MESSAGE, body)
    else:
        status, _answer = await callback(spot, interaction_type, body)
    assert status in (200, 204)
    assert spot.sandbox.rejections == []


@pytest.mark.parametrize("followup", [False, True], ids=["message", "follow-up"])
async def test_files_are_checked_by_count_name_and_size(spot: Spot, followup: bool) -> None:
    """reference "Uploading Files": files[n] fields, at most 10, 10 MiB each (else 40005)."""
    ten = [(f"files[{n}]", b"BEGIN:VCALENDAR") for n in range(10)]
    assert (await upload(spot, ten, followup=followup))[0] == 200
    status, answer = await upload(spot, [*ten, ("files[10]", b"x")], followup=followup)
    assert (status, leaves(answer.get("errors", {}))) == (
        400,
        [("attachments", "BASE_TYPE_MAX_LENGTH")],
    )
    status, answer = await upload(spot, [("file", b"x")], followup=followup)
    assert (status, leaves(answer.get("errors", {}))) == (
        400,
        [("file", "FILE_FIELD_NAME_INVALID")],
    )
    status, answer = await upload(spot, [("files[0]", b"x"), ("files[0]", b"y")], followup=followup)
    assert (status, leaves(answer.get("errors", {}))) == (
        400,
        [("files[0]", "FILE_FIELD_NAME_INVALID")],
    )
    assert (await upload(spot, [("files[0]", b"x" * FILE_SIZE_LIMIT)], followup=followup))[0] == 200
    status, answer = await upload(
        spot, [("files[0]", b"x" * (FILE_SIZE_LIMIT + 1))], followup=followup
    )
    assert (status, answer["code"]) == (413, 40005)


async def test_a_reply_needs_read_message_history(spot: Spot) -> None:
    """resources/message "Create Message": a reply needs READ_MESSAGE_HISTORY (else 50013)."""
    reply = {"content": "yes", "message_reference": {"message_id": spot.message_id}}
    assert (await send(spot, MESSAGE, reply))[0] == 200
    spot.sandbox.add_overwrite(spot.channel, spot.sandbox.bot_user, deny=READ_MESSAGE_HISTORY)
    status, answer = await send(spot, MESSAGE, reply)
    assert (status, answer["code"]) == (403, 50013)
    assert (await send(spot, MESSAGE, {"content": "no reply"}))[0] == 200
