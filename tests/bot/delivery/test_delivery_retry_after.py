"""A 429 whose Retry-After is longer than the engine's backoff is waited out."""

from __future__ import annotations

from datetime import timedelta

from confbot_dev.harness import ConferenceHarness

from .conftest import engine_of
from .test_delivery_engine import enqueue_text, status_of

# Over discord.py's max_ratelimit_timeout (30 s), so it reaches the engine at once;
# far over the engine's first backoff (2 s).
RETRY_AFTER = 45.0


async def test_a_long_retry_after_is_honoured_before_the_route_is_tried_again(
    fast: ConferenceHarness,
) -> None:
    """topics/rate-limits, "Rate Limits": wait retry_after seconds, not just the backoff.

    The sandbox answers the DM with a 429 asking for 45 s of the bot's clock and refuses
    the route again if asked earlier. The row waits the 45 s, then is sent once.
    """
    fast.sandbox.faults.long_retry_after = RETRY_AFTER
    alice = fast.member("alice")
    await enqueue_text(fast, "text:held", "alice", "Held back")
    await engine_of(fast).deliver_due()
    item = await status_of(fast, "text:held")
    assert (item.status, item.last_error) == ("pending", "rate limited for 45.0 s")
    fast.clock.advance(timedelta(seconds=2))
    await engine_of(fast).deliver_due()
    fast.clock.advance(timedelta(seconds=30))
    await engine_of(fast).deliver_due()
    assert fast.sandbox.dm_messages(alice) == []
    fast.clock.advance(timedelta(seconds=RETRY_AFTER - 32))
    await engine_of(fast).deliver_due()
    assert [m["content"] for m in fast.sandbox.dm_messages(alice)] == ["Held back"]
    assert fast.sandbox.ratelimiter.early_retries == 0
    assert (await status_of(fast, "text:held")).status == "sent"
