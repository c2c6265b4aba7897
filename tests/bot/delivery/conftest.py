"""A conference harness whose sandbox and delivery budget are fast enough for fan-outs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.config import Config
from bot.delivery import DeliveryEngine
from confbot_dev.harness import ConferenceHarness
from confbot_dev.sandbox import Faults, Limits, RouteLimit
from confbot_dev.sandbox.transcript import RequestRecord

MESSAGES_ROUTE = "/channels/{channel_id}/messages"
OPEN_DM_ROUTE = "/users/@me/channels"


def fast_limits() -> Limits:
    """Return sandbox limits raised so that a test fan-out is not slowed by them."""
    return Limits(
        global_per_second=100_000,
        routes={},
        default_route=RouteLimit(limit=100_000, per=1.0),
        dm_channels_per_minute=100_000,
    )


def fast_config(base: Config, **delivery: object) -> Config:
    """Return ``base`` with a delivery budget far above the sandbox's raised limits.

    No room channels: the engine tests count the rows they enqueue themselves, and room
    posts (planned at start) would add some.
    """
    settings = {"requests_per_second": 5000.0, "dm_opens_per_minute": 100_000, **delivery}
    return base.model_copy(
        update={
            "delivery": base.delivery.model_copy(update=settings),
            "guild": base.guild.model_copy(update={"room_channels": {}}),
        }
    )


@pytest.fixture
async def fast(seed_config: Config) -> AsyncIterator[ConferenceHarness]:
    """Start the seed conference with raised limits and a fast delivery budget."""
    config = fast_config(seed_config, fallback_channel="general")
    async with ConferenceHarness(config, limits=fast_limits()) as started:
        yield started


def inject(harness: ConferenceHarness, faults: Faults) -> None:
    """Make the running sandbox inject ``faults`` from now on (the bot is connected)."""
    current = harness.sandbox.faults
    current.error_rate = faults.error_rate
    current.error_statuses = faults.error_statuses
    current.latency = faults.latency
    current.disconnect_rate = faults.disconnect_rate
    current.stored_error_rate = faults.stored_error_rate


def engine_of(harness: ConferenceHarness) -> DeliveryEngine:
    """Return the running bot's delivery engine."""
    assert harness.bot is not None
    return harness.bot.services.delivery


def message_posts(harness: ConferenceHarness) -> list[RequestRecord]:
    """Return every message-create request the bot made (raw sends, before nonce dedupe)."""
    return harness.sandbox.transcript.requests(method="POST", route=MESSAGES_ROUTE)


async def deliver_until_settled(
    harness: ConferenceHarness, *, step: timedelta = timedelta(seconds=10), rounds: int = 40
) -> None:
    """Deliver what is due, moving the simulated clock past each retry, until nothing is left."""
    engine = engine_of(harness)
    assert harness.bot is not None
    outbox = harness.bot.services.database.outbox
    for _ in range(rounds):
        await engine.deliver_due()
        if not await outbox.pending():
            return
        harness.clock.advance(step)
    raise AssertionError("rows were still pending after every retry")
