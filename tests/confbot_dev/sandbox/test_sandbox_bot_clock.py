"""The 3-second deadline, the 15-minute token and the nonce window, on the bot's clock."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import aiohttp
import pytest

from confbot_dev.harness import ConferenceHarness
from tests.support.rules_bot import RulesWorld


async def test_missed_deadline_refuses_the_follow_up_and_the_response(rules: RulesWorld) -> None:
    """An interaction left unanswered past 3 s: follow-up is 10015, a late response 10062."""
    sandbox, stall = rules.sandbox, rules.stall
    sandbox.allow_rejection(code=10015)
    sandbox.allow_rejection(code=10062)
    invoked = asyncio.create_task(sandbox.invoke(rules.alice, "stalled", channel=rules.general))
    await asyncio.wait_for(stall.entered.wait(), 5)
    rules.clock.advance(sandbox.limits.interaction_deadline + 0.1)
    stall.release.set()
    with pytest.raises(AssertionError, match="10015"):
        await invoked
    await asyncio.wait_for(stall.finished.wait(), 5)
    assert stall.errors == {"followup": 10015, "response": 10062}
    assert [m["content"] for m in sandbox.messages(rules.general)] == []


async def test_deadline_waits_for_the_clock_not_for_real_time(rules: RulesWorld) -> None:
    """A stopped clock never lets the 3 s pass: the held-up answer is still accepted."""
    sandbox, stall = rules.sandbox, rules.stall
    sandbox.allow_rejection(code=10015)  # the stalled command tries a follow-up first
    invoked = asyncio.create_task(sandbox.invoke(rules.alice, "stalled", channel=rules.general))
    await asyncio.wait_for(stall.entered.wait(), 5)
    rules.clock.advance(sandbox.limits.interaction_deadline - 0.1)
    stall.release.set()
    with pytest.raises(AssertionError, match="10015"):
        await invoked
    await asyncio.wait_for(stall.finished.wait(), 5)
    assert "response" not in stall.errors
    assert [m["content"] for m in sandbox.messages(rules.general)] == ["late response"]


async def test_follow_up_before_any_response_is_unknown_webhook(rules: RulesWorld) -> None:
    """The token's webhook does not exist until the interaction is acknowledged (10015)."""
    sandbox = rules.sandbox
    sandbox.allow_rejection(code=10015)
    with pytest.raises(AssertionError, match="10015"):
        await sandbox.invoke(rules.alice, "eager", channel=rules.general)
    await asyncio.wait_for(rules.stall.finished.wait(), 5)
    assert rules.stall.errors == {"followup": 10015}
    assert sandbox.messages(rules.general) == []


async def test_harness_clock_ages_the_interaction_token(harness: ConferenceHarness) -> None:
    """Advancing the harness's SimulatedClock 16 minutes expires the token (401 50027)."""
    sandbox = harness.sandbox
    sandbox.allow_rejection(code=50027)
    await sandbox.invoke(harness.member("alice"), "about", channel=harness.channel("general"))
    record = list(sandbox.world.interactions.values())[-1]
    url = f"{sandbox.api_base}/webhooks/{sandbox.application_id}/{record.token}?wait=true"
    async with aiohttp.ClientSession() as http:
        async with http.post(url, json={"content": "still in time"}) as fresh:
            assert fresh.status == 200
        harness.clock.advance(timedelta(minutes=16))
        async with http.post(url, json={"content": "too late"}) as stale:
            assert stale.status == 401
            assert (await stale.json())["code"] == 50027


async def test_harness_clock_ends_the_nonce_window(harness: ConferenceHarness) -> None:
    """A repeated enforce_nonce is deduplicated until the harness clock passes 5 minutes."""
    sandbox = harness.sandbox
    url = f"{sandbox.api_base}/channels/{harness.channel('general').id}/messages"
    body = {"content": "once", "nonce": "n-1", "enforce_nonce": True}
    headers = {"Authorization": f"Bot {sandbox.bot_token}"}
    async with aiohttp.ClientSession(headers=headers) as http:
        async with http.post(url, json=body) as first:
            first_id = (await first.json())["id"]
        async with http.post(url, json=body) as repeated:
            assert (await repeated.json())["id"] == first_id
        harness.clock.advance(timedelta(minutes=6))
        async with http.post(url, json=body) as later:
            assert (await later.json())["id"] != first_id
