"""Misfires and restarts: late rows say so, rows past their deadline are skipped and counted,
rows a stopped bot left half-sent are checked before they are resent."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.delivery import RenderContext
from bot.delivery.pacing import RequestBudget
from bot.delivery.policy import minutes_phrase
from bot.delivery.sender import DiscordSender
from bot.storage.repositories.outbox import OutboxItem
from confbot_dev.harness import ConferenceHarness
from confbot_dev.sandbox import Faults

from .conftest import deliver_until_settled, engine_of, inject, message_posts

KIND = "test_reminder"


async def render_reminder(item: OutboxItem, context: RenderContext) -> str:
    """Word the reminder as late when it is (the contract every renderer follows)."""
    start = context.due_at + timedelta(minutes=10)
    if context.now > start:
        return f"The keynote started {minutes_phrase(context.now - start)} ago."
    return "The keynote starts soon."


async def restart_at(harness: ConferenceHarness, moment_minutes: float) -> None:
    """Stop the engine, let the clock move ``moment_minutes`` on, and start it again."""
    engine = engine_of(harness)
    assert harness.bot is not None
    await engine.drain()
    harness.clock.advance(timedelta(minutes=moment_minutes))
    await engine.start(DiscordSender(harness.bot))


async def enqueue_reminder(harness: ConferenceHarness, user: str) -> str:
    """Queue a reminder due now for a session starting in 10 minutes and lasting an hour."""
    engine = engine_of(harness)
    engine.register(KIND, render_reminder)
    now = harness.clock.now()
    key = f"{KIND}:keynote:{user}"
    await engine.enqueue(
        key,
        KIND,
        now,
        {},
        deadline_at=now + timedelta(minutes=70),
        target_user_id=harness.member(user).id,
    )
    return key


async def test_down_across_the_due_time_the_reminder_says_it_is_late(
    fast: ConferenceHarness,
) -> None:
    """Back 17 minutes after the due time, the reminder is sent and says "started 7 minutes ago"."""
    await engine_of(fast).drain()
    await enqueue_reminder(fast, "alice")
    await restart_at(fast, 17)
    (dm,) = fast.sandbox.dm_messages(fast.member("alice"))
    assert dm["content"] == "The keynote started 7 minutes ago."
    counts = (await engine_of(fast).delivery_counts())[KIND]
    assert (counts.sent, counts.late) == (1, 1)


async def test_down_past_the_deadline_the_row_is_skipped_and_counted(
    fast: ConferenceHarness,
) -> None:
    """Back after the session ended, nothing is sent and the row counts as skipped."""
    await engine_of(fast).drain()
    key = await enqueue_reminder(fast, "alice")
    await restart_at(fast, 71)
    assert fast.sandbox.dm_messages(fast.member("alice")) == []
    assert fast.bot is not None
    item = await fast.bot.services.database.outbox.get(key)
    assert item is not None
    assert (item.status, item.last_error) == ("skipped", "deadline passed")
    assert (await engine_of(fast).delivery_counts())[KIND].skipped == 1


async def test_after_a_long_outage_a_landed_message_is_found_not_resent(
    fast: ConferenceHarness,
) -> None:
    """A DM whose answer was lost is looked up in the channel after 6 minutes, not sent again."""
    alice = fast.member("alice")
    inject(fast, Faults(disconnect_rate=1.0))
    key = await enqueue_reminder(fast, "alice")
    await engine_of(fast).deliver_due()
    inject(fast, Faults())
    assert fast.bot is not None
    item = await fast.bot.services.database.outbox.get(key)
    assert item is not None
    assert (item.status, item.verify) == ("pending", True)
    await restart_at(fast, 6)
    assert len(fast.sandbox.dm_messages(alice)) == 1
    assert len(message_posts(fast)) == 1
    history = fast.sandbox.transcript.requests(method="GET", path_contains="/messages")
    assert len(history) == 1
    item = await fast.bot.services.database.outbox.get(key)
    assert item is not None
    assert item.status == "sent"


async def test_after_a_long_outage_a_message_that_never_left_is_sent(
    fast: ConferenceHarness,
) -> None:
    """A row a killed bot had claimed but not sent is checked, found missing, and sent once."""
    await engine_of(fast).drain()
    key = await enqueue_reminder(fast, "alice")
    assert fast.bot is not None
    outbox = fast.bot.services.database.outbox
    item = await outbox.get(key)
    assert item is not None
    assert await outbox.claim(item.id, fast.clock.now())  # then the process died
    await restart_at(fast, 6)
    assert len(fast.sandbox.dm_messages(fast.member("alice"))) == 1
    assert len(fast.sandbox.transcript.requests(method="GET", path_contains="/messages")) == 1


async def test_within_the_nonce_window_a_resend_needs_no_lookup(fast: ConferenceHarness) -> None:
    """Restarted a minute later, a half-sent row is resent with its nonce: one visible DM."""
    inject(fast, Faults(disconnect_rate=1.0))
    await enqueue_reminder(fast, "alice")
    await engine_of(fast).deliver_due()
    inject(fast, Faults())
    await restart_at(fast, 1)
    await deliver_until_settled(fast)
    assert len(fast.sandbox.dm_messages(fast.member("alice"))) == 1
    assert fast.sandbox.transcript.requests(method="GET", path_contains="/messages") == []


async def test_drain_lets_sends_land_and_returns_waiting_rows(fast: ConferenceHarness) -> None:
    """Stopping mid fan-out: what was sent is marked sent, rows not yet tried stay pending."""
    engine = engine_of(fast)
    engine.budget = RequestBudget(2.0, burst=1)  # slow enough to stop it half-way
    for number in range(5):
        await engine.enqueue(
            f"text:drain:{number}",
            "text",
            fast.clock.now(),
            {"content": f"Number {number}"},
            target_channel_id=fast.channel("general").id,
        )
    first = asyncio.ensure_future(fast.sandbox.wait_for_bot_message(fast.channel("general")))
    passing = asyncio.ensure_future(engine.deliver_due())
    await first
    await engine.drain(timeout=5)
    await passing
    counts = (await engine.delivery_counts())["text"]
    assert counts.sending == 0
    assert counts.sent == len(fast.sandbox.messages(fast.channel("general")))
    assert counts.sent + counts.pending == 5
    assert counts.pending > 0
