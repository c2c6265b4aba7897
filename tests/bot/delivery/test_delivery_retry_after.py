"""A 429 whose Retry-After is longer than the engine's backoff is waited out."""

from __future__ import annotations

from datetime import timedelta

from bot.delivery import TEXT_KIND
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


async def test_a_long_global_429_delays_only_the_sends_it_must(fast: ConferenceHarness) -> None:
    """topics/rate-limits, "Global Rate Limit": a global 429 asking for 60 s.

    discord.py hands it over (over its max_ratelimit_timeout) instead of sleeping: the
    engine claims nothing until Discord allows it, nothing waits in a sleep. The two
    reminders refused go out when allowed, recorded late (they were due 30 s before); one
    whose deadline passes meanwhile is skipped; one due after the wait is not delayed.
    """
    assert fast.bot is not None
    database = fast.bot.services.database
    engine = engine_of(fast)
    names = ("alice", "bob", "carol", "dave")
    for name in names:
        member = fast.member(name)
        await database.recipients.set_dm_channel(member.id, fast.sandbox.dm_channel(member).id)
    now = fast.clock.now()

    async def remind(name: str, due: timedelta, deadline: timedelta | None = None) -> None:
        await engine.enqueue(
            f"text:{name}",
            TEXT_KIND,
            now + due,
            {"content": f"Hello {name}"},
            target_user_id=fast.member(name).id,
            deadline_at=None if deadline is None else now + deadline,
        )

    fast.sandbox.faults.long_retry_after = 60.0
    fast.sandbox.faults.long_retry_after_global = True
    await remind("alice", -timedelta(seconds=30))
    await remind("bob", -timedelta(seconds=30))
    await engine.deliver_due()  # returns at once: nothing sleeps through the 60 s
    assert (await status_of(fast, "text:alice")).status == "pending"
    assert (await status_of(fast, "text:bob")).status == "pending"
    # Both were under way together: the second may meet the 429 too, nothing after.
    early = fast.sandbox.ratelimiter.early_retries
    assert early <= 1
    refused = len(fast.sandbox.rejections) + len(fast.sandbox.allowed_rejections)
    await remind("carol", timedelta(seconds=10), deadline=timedelta(seconds=30))
    await remind("dave", timedelta(seconds=75))
    for seconds in (10, 20, 31):  # carol is due, then past her deadline: no request
        fast.clock.set(now + timedelta(seconds=seconds))
        await engine.deliver_due()
    assert fast.sandbox.ratelimiter.early_retries == early
    assert len(fast.sandbox.rejections) + len(fast.sandbox.allowed_rejections) == refused
    assert (await status_of(fast, "text:carol")).status == "skipped"
    fast.clock.set(now + timedelta(seconds=60))
    await engine.deliver_due()
    for name in ("alice", "bob"):
        item = await status_of(fast, f"text:{name}")
        assert (item.status, item.late) == ("sent", True)
    assert fast.sandbox.dm_messages(fast.member("dave")) == []
    fast.clock.set(now + timedelta(seconds=75))
    await engine.deliver_due()
    dave = await status_of(fast, "text:dave")
    assert (dave.status, dave.late) == ("sent", False)
    assert fast.sandbox.dm_messages(fast.member("carol")) == []
