"""Answering inside Discord's 3 s: acknowledge first when behind, never answer a dropped one.

The sandbox follows interactions/receiving-and-responding: an interaction unanswered 3 s
after Discord created it is gone (a callback is 404 10062 "Unknown interaction"). A test
makes the bot see an old interaction with ``invoke(..., waited=s)``: Discord created it
``s`` seconds (of the bot's clock) before the bot got it, as a slow gateway would.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging

import pytest
from aiohttp import web

from bot.answer_pacing import BURST_SIZE
from bot.config import Config
from cogs.views import PersistentView
from confbot_dev.harness import ConferenceHarness
from confbot_dev.sandbox.server import Handler

# How long Discord takes to confirm one "thinking…" in the burst test: several ticks of
# the bot's loop-lag ticker, which releases the waiting answers.
SLOW_CONFIRMATION_SECONDS = 0.3


def requests_for(harness: ConferenceHarness, token: str) -> list[str]:
    """Return the bot's requests (method and route) about the interaction with ``token``."""
    return [
        f"{record.method} {record.route}"
        for record in harness.sandbox.transcript.requests()
        if token in record.path
    ]


async def test_a_fresh_command_is_answered_at_once(harness: ConferenceHarness) -> None:
    """/now asked a moment ago is answered directly, with no "thinking…" first."""
    alice, general = harness.member("alice"), harness.channel("general")
    result = await harness.sandbox.invoke(alice, "now", channel=general)
    assert result.type == 4
    assert result.ephemeral
    assert harness.bot is not None
    assert harness.bot.answer_pacing.stats.acknowledged_first == 0


async def test_a_command_that_waited_is_acknowledged_first(harness: ConferenceHarness) -> None:
    """/now that reached the bot 1 s late gets "thinking…" at once, then the same answer."""
    alice, general = harness.member("alice"), harness.channel("general")
    direct = await harness.sandbox.invoke(alice, "now", channel=general)
    late = await harness.sandbox.invoke(alice, "now", channel=general, waited=1.0)
    assert late.type == 5  # DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE: acknowledged first
    assert late.ephemeral
    assert late.message is not None
    assert direct.message is not None
    assert late.message["embeds"] == direct.message["embeds"]
    assert harness.bot is not None
    assert harness.bot.answer_pacing.stats.acknowledged_first == 1


@pytest.mark.parametrize(
    ("command", "requests"),
    [
        # Acknowledged first because it waited: the defer is refused, nothing follows.
        ("now", ["POST /interactions/{interaction_id}/{webhook_token}/callback"]),
        # Answered at once (no defer for /about): the answer is refused, nothing follows.
        ("about", ["POST /interactions/{interaction_id}/{webhook_token}/callback"]),
    ],
)
async def test_an_interaction_discord_dropped_is_counted_and_not_answered_again(
    harness: ConferenceHarness,
    caplog: pytest.LogCaptureFixture,
    command: str,
    requests: list[str],
) -> None:
    """Past its 3 s: Discord's 10062 is one calm log line, and the bot makes no second try."""
    sandbox, alice, general = harness.sandbox, harness.member("alice"), harness.channel("general")
    sandbox.allow_rejection(status=404, code=10062)
    caplog.set_level(logging.WARNING)
    with pytest.raises(AssertionError, match="10062"):
        await sandbox.invoke(alice, command, channel=general, waited=3.5)
    dropped = list(sandbox.world.interactions.values())[-1]
    # Another command answered means the bot has handled the refusal.
    await sandbox.invoke(alice, "about", channel=general)
    assert requests_for(harness, dropped.token) == requests
    lines = [record for record in caplog.records if "10062" in record.getMessage()]
    assert len(lines) == 1
    assert lines[0].levelno == logging.WARNING
    assert lines[0].exc_info is None
    assert harness.bot is not None
    assert harness.bot.answer_pacing.stats.too_late == 1


async def test_answers_keep_no_view_in_memory_and_their_buttons_work(
    harness: ConferenceHarness,
) -> None:
    """A session card's buttons are stateless: no view object stays, and "Remind me" answers."""
    alice, general = harness.member("alice"), harness.channel("general")
    card = await harness.sandbox.invoke(
        alice, "session", {"session": "conference"}, channel=general
    )
    labels = [
        button.get("label") for row in card.components for button in row.get("components") or []
    ]
    assert "Remind me" in labels
    # Another command answered means the bot has finished sending the card.
    await harness.sandbox.invoke(alice, "about", channel=general)
    gc.collect()
    assert [thing for thing in gc.get_objects() if isinstance(thing, PersistentView)] == []
    reminded = await harness.sandbox.click(alice, card, "Remind me")
    assert reminded.message is not None
    assert "remind" in (reminded.message.get("content") or "").lower()


async def test_an_autocomplete_past_its_deadline_is_not_answered(
    harness: ConferenceHarness,
) -> None:
    """Choices for typing Discord stopped waiting for are not sent: they would be refused."""
    sandbox, alice, general = harness.sandbox, harness.member("alice"), harness.channel("general")
    typing = asyncio.create_task(
        sandbox.autocomplete(
            alice, "session", {"session": "key"}, focused="session", channel=general, waited=3.5
        )
    )
    try:
        await asyncio.sleep(0)  # one turn: the typing task sends its interaction first
        stale = next(
            rec for rec in sandbox.world.interactions.values() if "autocomplete" in rec.what
        )
        # Another command answered means the bot has read the autocomplete before it.
        await sandbox.invoke(alice, "about", channel=general)
        assert requests_for(harness, stale.token) == []
        assert harness.bot is not None
        assert harness.bot.answer_pacing.stats.stale_autocompletes == 1
    finally:
        typing.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await typing


class SlowFirstDefer:
    """Sandbox middleware: Discord is slow to confirm the first "thinking…" it gets."""

    def __init__(self) -> None:
        self.token: str | None = None

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Hold the first deferred acknowledgement for SLOW_CONFIRMATION_SECONDS."""
        if (
            self.token is None
            and request.method == "POST"
            and request.path.endswith("/callback")
            and request.content_type == "application/json"
            and (await request.json()).get("type") == 5
        ):
            self.token = request.path.split("/")[-2]
            await asyncio.sleep(SLOW_CONFIRMATION_SECONDS)
        return await handler(request)


async def test_a_burst_gets_every_acknowledgement_before_any_deferred_answer(
    seed_config: Config,
) -> None:
    """A keynote burst: all the "thinking…" are confirmed before deferred answers are sent.

    One acknowledgement is slow to be confirmed; the answers worked out meanwhile would take
    the bot's time (and Discord's) from the acknowledgements that must be in within 3 s.
    """
    slow = SlowFirstDefer()
    async with ConferenceHarness(seed_config, observers=[slow.middleware]) as harness:
        alice, general = harness.member("alice"), harness.channel("general")
        burst = [
            harness.sandbox.invoke(alice, "now", channel=general) for _ in range(BURST_SIZE + 10)
        ]
        results = await asyncio.gather(*burst)
        deferred = [result for result in results if result.type == 5]
        assert len(deferred) >= 10
        assert all(result.message is not None for result in deferred)
        requests = harness.sandbox.transcript.requests()
        confirmed = next(
            index
            for index, record in enumerate(requests)
            if slow.token is not None and slow.token in record.path
        )
        # A deferred answer is sent with the interaction's token, as a webhook request.
        answers = [index for index, record in enumerate(requests) if "/webhooks/" in record.path]
        assert len(answers) >= len(deferred)
        assert min(answers) > confirmed
