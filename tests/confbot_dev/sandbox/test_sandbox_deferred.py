"""Deferred responses and fetched history, as Discord's docs describe them."""

from __future__ import annotations

import asyncio

import aiohttp
import discord

from tests.support.rules_bot import RulesWorld, auth

LOADING = 1 << 7
MESSAGES = "/channels/{channel_id}/messages"
CALLBACK = "/interactions/{interaction_id}/{webhook_token}/callback"


async def test_first_follow_up_after_thinking_fills_in_the_loading_message(
    rules: RulesWorld,
) -> None:
    """The "thinking…" message becomes the answer, private as deferred; no message is left loading.

    interactions/receiving-and-responding, "Create Followup Message": directly after a
    DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE it functions as Edit Original Interaction Response,
    and the ephemeral flag of the defer is kept.
    """
    sandbox = rules.sandbox
    result = await sandbox.invoke(rules.alice, "thinking", channel=rules.general)
    await asyncio.wait_for(rules.stall.finished.wait(), 5)
    record = list(sandbox.world.interactions.values())[-1]
    assert (result.type, result.content, result.ephemeral) == (5, "first", True)
    assert result.message is not None
    assert int(result.message["id"]) == record.original_id == rules.stall.sent[0]
    assert not int(result.message["flags"]) & LOADING
    assert [m["content"] for m in result.followups] == ["second"]
    assert [m["content"] for m in sandbox.messages(rules.general)] == ["second"]
    loading = [m for m in sandbox.world.messages.values() if int(m["flags"]) & LOADING]
    assert loading == []


async def test_a_defer_answers_with_no_message_resource(rules: RulesWorld) -> None:
    """A type-5 callback's resource names no message; the interaction says it is loading.

    interactions/receiving-and-responding, "Interaction Callback Resource Object": the
    message is present only for CHANNEL_MESSAGE_WITH_SOURCE or UPDATE_MESSAGE.
    """
    sandbox = rules.sandbox
    await sandbox.invoke(rules.alice, "thinking", channel=rules.general)
    await asyncio.wait_for(rules.stall.finished.wait(), 5)
    (callback,) = sandbox.transcript.requests(method="POST", route=CALLBACK)
    assert callback.query.get("with_response") in ("1", "true")
    assert callback.response["resource"] == {"type": 5}
    record = list(sandbox.world.interactions.values())[-1]
    assert callback.response["interaction"]["response_message_id"] == str(record.original_id)
    assert callback.response["interaction"]["response_message_loading"] is True
    assert callback.response["interaction"]["response_message_ephemeral"] is True


async def test_a_callback_without_with_response_is_no_content(rules: RulesWorld) -> None:
    """Without ``with_response`` a defer is answered ``204 No Content``.

    interactions/receiving-and-responding, "Create Interaction Response": "Returns 204
    unless with_response is set to true".
    """
    sandbox = rules.sandbox
    invoked = asyncio.create_task(sandbox.invoke(rules.alice, "stalled", channel=rules.general))
    await asyncio.wait_for(rules.stall.entered.wait(), 5)
    record = list(sandbox.world.interactions.values())[-1]
    url = f"{sandbox.api_base}/interactions/{record.id}/{record.token}/callback"
    follow = f"{sandbox.api_base}/webhooks/{sandbox.application_id}/{record.token}"
    async with aiohttp.ClientSession() as http:
        async with http.post(url, json={"type": 5, "data": {"flags": 64}}) as answer:
            assert answer.status == 204
        async with http.post(follow, json={"content": "done"}) as sent:
            # "wait is always true" for an interaction follow-up: the message comes back.
            assert sent.status == 200
            assert (await sent.json())["content"] == "done"
    result = await invoked
    assert (result.content, result.ephemeral) == ("done", True)
    sandbox.allow_rejection(code=40060)  # the probe's own late response, refused
    rules.stall.release.set()
    await asyncio.wait_for(rules.stall.finished.wait(), 5)


async def test_history_does_not_return_the_nonce(rules: RulesWorld) -> None:
    """The nonce comes back from the create and in MESSAGE_CREATE only, never from history.

    resources/message, "Create Message": the nonce "will appear in the Message Create
    event"; the message object's ``nonce`` is for "validating a message was sent".
    """
    sandbox = rules.sandbox
    channel = rules.bot.get_channel(rules.general.id)
    assert isinstance(channel, discord.TextChannel)
    sent = await channel.send("hi", nonce="n-1")
    (create,) = sandbox.transcript.requests(method="POST", route=MESSAGES)
    assert create.response["nonce"] == "n-1"
    (event,) = sandbox.transcript.frames(direction="out", event="MESSAGE_CREATE")
    assert event.data["nonce"] == "n-1"
    url = f"{sandbox.api_base}/channels/{rules.general.id}/messages"
    async with aiohttp.ClientSession(headers=auth(sandbox)) as http:
        async with http.get(url) as listed:
            history = await listed.json()
        async with http.get(f"{url}/{sent.id}") as fetched:
            one = await fetched.json()
    assert [m["id"] for m in history] == [str(sent.id)]
    assert "nonce" not in history[0]
    assert "nonce" not in one
    assert [m.nonce async for m in channel.history(limit=5)] == [None]
