"""The sandbox answers in Discord's shapes: every response checked against the spec's schemas."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest

from confbot_dev.harness import ConferenceHarness
from confbot_dev.sandbox import Limits, RouteLimit, Sandbox
from confbot_dev.sandbox.config import MESSAGE_CREATE_ROUTE
from confbot_dev.sandbox.spec import response_errors
from confbot_dev.sandbox.spec.responses import has_response_schema
from confbot_dev.sandbox.transcript import RequestRecord
from tests.support.generated_conference import MY_EXTENSIONS, generated_config

FIRST_START = datetime(2025, 10, 23, 6, 0, tzinfo=UTC)
# A gateway MESSAGE_CREATE carries a message object, as GET on the message answers.
MESSAGE = ("GET", "/channels/{channel_id}/messages/{message_id}", 200)


def shape_errors(records: list[RequestRecord]) -> list[str]:
    """Return every way the recorded answers differ from the spec (one line each)."""
    lines: list[str] = []
    for record in records:
        if record.response is None:
            continue
        lines += response_errors(record.method, record.route, record.status, record.response)
    return lines


def described(records: list[RequestRecord]) -> set[str]:
    """Return ``"METHOD /route STATUS"`` of each record whose answer the spec describes."""
    return {
        f"{r.method} {r.route} {r.status}"
        for r in records
        if r.response is not None and has_response_schema(r.method, r.route, r.status)
    }


@pytest.fixture
async def conference(tmp_path: Path) -> AsyncIterator[ConferenceHarness]:
    """Start the bot on the generated conference (long schedules: page buttons)."""
    async with ConferenceHarness(
        generated_config(tmp_path), start=FIRST_START, extensions=MY_EXTENSIONS
    ) as started:
        yield started


async def test_answers_to_the_bot_match_the_spec(conference: ConferenceHarness) -> None:
    """Startup, slash replies, page buttons, mention replies and MESSAGE_CREATEs are spec-shaped."""
    sandbox, alice = conference.sandbox, conference.member("alice")
    general = conference.channel("general")
    await sandbox.invoke(alice, "about", channel=general)
    [answer] = await sandbox.say(
        alice, general, f"{sandbox.mention_bot} schedule for thursday", expect_reply=True
    )
    await sandbox.click(alice, answer, "Next")
    await sandbox.click(conference.member("bob"), answer, "Next")
    schedule = await sandbox.invoke(alice, "schedule", channel=general)
    await sandbox.click(alice, schedule, "Next")
    records = sandbox.transcript.requests()
    assert shape_errors(records) == []
    assert sandbox.rejections == []
    created = sandbox.transcript.frames(direction="out", event="MESSAGE_CREATE")
    assert created
    assert [line for frame in created for line in response_errors(*MESSAGE, frame.data)] == []
    assert {
        "GET /users/@me 200",
        "PUT /applications/{application_id}/commands 200",
        "POST /interactions/{interaction_id}/{webhook_token}/callback 200",
        "POST /channels/{channel_id}/messages 200",
    } <= described(records)


async def test_stored_messages_carry_component_ids_and_metadata(
    conference: ConferenceHarness,
) -> None:
    """A clicked page's message has numbered components and names the message clicked."""
    sandbox, alice = conference.sandbox, conference.member("alice")
    schedule = await sandbox.invoke(alice, "schedule", channel=conference.channel("general"))
    ids = [c["id"] for row in schedule.components for c in [row, *row["components"]]]
    assert ids == list(range(1, len(ids) + 1))
    refused = await sandbox.click(conference.member("bob"), schedule, "Next")
    assert refused.message is not None
    metadata = refused.message["interaction_metadata"]
    assert schedule.message is not None
    assert (metadata["type"], metadata["interacted_message_id"]) == (3, schedule.message["id"])


async def test_answers_to_raw_requests_match_the_spec(harness: ConferenceHarness) -> None:
    """Users, channels, messages, the guild, members, roles, the application and errors."""
    sandbox, alice = harness.sandbox, harness.member("alice")
    general = harness.channel("general")
    [reply] = await sandbox.say(
        alice, general, f"{sandbox.mention_bot} when is the keynote?", expect_reply=True
    )
    guild, message = general.guild_id, reply["id"]
    app = sandbox.application_id
    paths = [
        "/users/@me",
        f"/users/{alice.id}",
        f"/channels/{general.id}",
        f"/channels/{general.id}/messages",
        f"/channels/{general.id}/messages/{message}",
        f"/channels/{general.id}/messages/1",
        f"/guilds/{guild}",
        f"/guilds/{guild}/channels",
        f"/guilds/{guild}/roles",
        f"/guilds/{guild}/members?limit=10",
        f"/guilds/{guild}/members/{alice.id}",
        "/applications/@me",
        "/oauth2/applications/@me",
        f"/applications/{app}/commands",
        "/gateway/bot",
    ]
    headers = {"Authorization": f"Bot {sandbox.bot_token}"}
    async with aiohttp.ClientSession(headers=headers) as http:
        for path in paths:
            async with http.get(sandbox.api_base + path) as response:
                await response.read()
        dm = f"{sandbox.api_base}/users/@me/channels"
        async with http.post(dm, json={"recipient_id": str(alice.id)}) as response:
            await response.read()
        post = f"{sandbox.api_base}/channels/{general.id}/messages"
        async with http.post(post, json={"content": "x" * 2001}) as response:
            assert response.status == 400
    records = sandbox.transcript.requests()
    sandbox.rejections.clear()  # provoked: the unknown message and the long content
    assert shape_errors(records) == []
    assert len(described(records)) >= len(paths) + 2


async def test_rate_limited_answers_match_the_spec() -> None:
    """A 429 body (per route and global) is the spec's rate-limit error."""
    limits = Limits(
        global_per_second=3,
        routes={MESSAGE_CREATE_ROUTE: RouteLimit(1, 60.0)},
        clock=lambda: 1000.0,  # one window for the whole test
    )
    async with Sandbox(limits=limits) as sandbox:
        channel = sandbox.add_channel(sandbox.add_guild("G"), "general")
        headers = {"Authorization": f"Bot {sandbox.bot_token}"}
        post = f"{sandbox.api_base}/channels/{channel.id}/messages"
        async with aiohttp.ClientSession(headers=headers) as http:
            statuses = []
            for _ in range(2):
                async with http.post(post, json={"content": "hi"}) as response:
                    statuses.append(response.status)
            for _ in range(3):
                async with http.get(f"{sandbox.api_base}/users/@me") as response:
                    statuses.append(response.status)
        records = sandbox.transcript.requests()
    assert statuses == [200, 429, 200, 200, 429]
    assert [r.response["global"] for r in records if r.status == 429] == [False, True]
    assert shape_errors(records) == []
