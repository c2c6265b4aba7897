"""The delivery engine through the sandbox: nonces, one request per DM, retries, counts."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest

from bot.delivery import TEXT_KIND, RenderContext, nonce_for
from bot.storage.repositories.outbox import OutboxItem
from confbot_dev.harness import ConferenceHarness
from confbot_dev.sandbox import Faults

from .conftest import OPEN_DM_ROUTE, deliver_until_settled, engine_of, inject, message_posts


async def enqueue_text(harness: ConferenceHarness, key: str, user: str, text: str) -> None:
    """Queue a text DM to ``user``, due now."""
    engine = engine_of(harness)
    member = harness.member(user)
    assert await engine.enqueue(
        key, TEXT_KIND, harness.clock.now(), {"content": text}, target_user_id=member.id
    )


async def status_of(harness: ConferenceHarness, key: str) -> OutboxItem:
    """Return the outbox row ``key``."""
    assert harness.bot is not None
    item = await harness.bot.services.database.outbox.get(key)
    assert item is not None
    return item


async def test_due_row_is_sent_once_with_the_nonce_of_its_key(fast: ConferenceHarness) -> None:
    """A due DM arrives once, and its request carries the key's nonce, enforced."""
    await enqueue_text(fast, "text:hello:alice", "alice", "Hello Alice")
    await engine_of(fast).deliver_due()
    await engine_of(fast).deliver_due()
    assert [m["content"] for m in fast.sandbox.dm_messages(fast.member("alice"))] == ["Hello Alice"]
    (post,) = message_posts(fast)
    assert post.body["nonce"] == nonce_for("text:hello:alice")
    assert post.body["enforce_nonce"] is True
    assert post.body["allowed_mentions"] == {"parse": []}
    assert (await status_of(fast, "text:hello:alice")).status == "sent"


async def test_row_waits_for_its_due_time(fast: ConferenceHarness) -> None:
    """A row due in ten minutes is not sent before the clock gets there."""
    engine = engine_of(fast)
    alice = fast.member("alice")
    due = fast.clock.now() + timedelta(minutes=10)
    await engine.enqueue(
        "text:later", TEXT_KIND, due, {"content": "Later"}, target_user_id=alice.id
    )
    await engine.deliver_due()
    assert fast.sandbox.dm_messages(alice) == []
    fast.clock.set(due)
    await engine.deliver_due()
    assert len(fast.sandbox.dm_messages(alice)) == 1


async def test_a_dm_costs_one_request_once_the_channel_is_known(fast: ConferenceHarness) -> None:
    """The DM channel is opened once and stored; no user is fetched; later DMs are one POST."""
    await enqueue_text(fast, "text:one", "alice", "One")
    await engine_of(fast).deliver_due()
    await enqueue_text(fast, "text:two", "alice", "Two")
    await engine_of(fast).deliver_due()
    transcript = fast.sandbox.transcript
    assert len(transcript.requests(method="POST", route=OPEN_DM_ROUTE)) == 1
    assert transcript.requests(method="GET", route="/users/{user_id}") == []
    assert len(message_posts(fast)) == 2
    assert fast.bot is not None
    recipient = await fast.bot.services.database.recipients.get(fast.member("alice").id)
    assert recipient is not None
    assert recipient.dm_channel_id == fast.sandbox.dm_channel(fast.member("alice")).id


async def test_server_error_is_retried_later_not_given_up(fast: ConferenceHarness) -> None:
    """A 503 puts the row back to pending with backoff; once Discord recovers it is sent."""
    inject(fast, Faults(error_rate=1.0, error_statuses=(503,)))
    await enqueue_text(fast, "text:retry", "alice", "Eventually")
    await engine_of(fast).deliver_due()
    item = await status_of(fast, "text:retry")
    assert (item.status, item.attempts) == ("pending", 1)
    assert "503" in (item.last_error or "")
    fast.sandbox.faults.error_rate = 0.0
    fast.clock.advance(timedelta(seconds=2))
    await engine_of(fast).deliver_due()
    assert len(fast.sandbox.dm_messages(fast.member("alice"))) == 1


async def test_a_retried_row_is_late_against_the_time_it_was_due(
    fast: ConferenceHarness,
) -> None:
    """A post first tried 59 s after its due time fails; its retry 2 s later is late.

    The retry time only says when the row may be tried again: the row is counted late
    against when it was due, as the sandbox would see it.
    """
    engine = engine_of(fast)
    due = fast.clock.now()
    await engine.enqueue(
        "text:retried", TEXT_KIND, due, {"content": "Soon"},
        target_channel_id=fast.channel("general").id,
    )  # fmt: skip
    fast.clock.set(due + timedelta(seconds=59))
    inject(fast, Faults(error_rate=1.0, error_statuses=(503,)))
    await engine.deliver_due()
    fast.sandbox.faults.error_rate = 0.0
    retried = await status_of(fast, "text:retried")
    assert (retried.status, retried.planned_due) == ("pending", due)
    fast.clock.set(retried.due_at)
    await engine.deliver_due()
    assert (await status_of(fast, "text:retried")).status == "sent"
    counts = (await engine.delivery_counts())[TEXT_KIND]
    assert (counts.sent, counts.late) == (1, 1)


async def test_retry_limit_is_honoured(fast: ConferenceHarness) -> None:
    """A row that keeps failing is tried max_attempts times, then marked failed."""
    inject(fast, Faults(error_rate=1.0, error_statuses=(503,)))
    await enqueue_text(fast, "text:doomed", "alice", "Never")
    limit = engine_of(fast).settings.max_attempts
    await deliver_until_settled(fast)
    item = await status_of(fast, "text:doomed")
    assert (item.status, item.attempts) == ("failed", limit)
    # Each attempt fails at its first request (opening the DM): one request per attempt.
    assert len(fast.sandbox.transcript.requests(method="POST", route=OPEN_DM_ROUTE)) == limit


async def test_a_429_discord_py_gave_up_on_is_retried_not_lost(fast: ConferenceHarness) -> None:
    """A 429 without Discord's headers (discord.py raises at once) is transient, not final."""
    inject(fast, Faults(error_rate=1.0, error_statuses=(429,)))
    await enqueue_text(fast, "text:limited", "alice", "Patience")
    await engine_of(fast).deliver_due()
    item = await status_of(fast, "text:limited")
    assert item.status == "pending"
    assert "429" in (item.last_error or "")
    fast.sandbox.faults.error_rate = 0.0
    await deliver_until_settled(fast)
    assert len(fast.sandbox.dm_messages(fast.member("alice"))) == 1


async def test_dropped_connections_stall_nothing_and_duplicate_nothing(
    fast: ConferenceHarness,
) -> None:
    """Connections closed after Discord stored the message: every DM still lands, once."""
    inject(fast, Faults(disconnect_rate=0.3))
    names = [f"attendee{number}" for number in range(20)]
    for name in names:
        await enqueue_text(fast, f"text:drop:{name}", name, f"Hi {name}")
    await deliver_until_settled(fast)
    assert fast.sandbox.injected_disconnects > 0
    for name in names:
        assert len(fast.sandbox.dm_messages(fast.member(name))) == 1, name
    assert len(message_posts(fast)) > len(names)  # resent, and deduplicated by the nonce


async def test_unexpected_exception_on_one_row_fails_only_that_row(
    fast: ConferenceHarness, bot_logs_no_errors: object
) -> None:
    """A renderer that raises on one row: that row fails with a code, every other is sent."""
    bot_logs_no_errors.allow("failed unexpectedly")  # type: ignore[attr-defined]
    engine = engine_of(fast)

    async def fragile(item: OutboxItem, context: RenderContext) -> str:
        if item.payload["name"] == "attendee3":
            raise RuntimeError("a bug in one renderer")
        return f"Hello {item.payload['name']}"

    engine.register("fragile", fragile)
    names = [f"attendee{number}" for number in range(6)]
    for name in names:
        await engine.enqueue(
            f"fragile:{name}",
            "fragile",
            fast.clock.now(),
            {"name": name},
            target_user_id=fast.member(name).id,
        )
    await engine.deliver_due()
    broken = await status_of(fast, "fragile:attendee3")
    assert broken.status == "failed"
    assert "unexpected error (code " in (broken.last_error or "")
    for name in names:
        expected = 0 if name == "attendee3" else 1
        assert len(fast.sandbox.dm_messages(fast.member(name))) == expected


async def test_counts_per_kind_include_sent_and_failed(fast: ConferenceHarness) -> None:
    """delivery_counts() reports, per kind, the rows sent and the ones still pending."""
    engine = engine_of(fast)
    await enqueue_text(fast, "text:a", "alice", "A")
    await engine.enqueue(
        "text:b",
        TEXT_KIND,
        fast.clock.now() + timedelta(hours=1),
        {"content": "B"},
        target_user_id=fast.member("bob").id,
    )
    await engine.deliver_due()
    counts = (await engine.delivery_counts())[TEXT_KIND]
    assert (counts.sent, counts.pending, counts.failed, counts.skipped) == (1, 1, 0, 0)


async def test_ten_percent_server_errors_with_latency_deliver_everyone_once(
    fast: ConferenceHarness,
) -> None:
    """With 10% 5xx (some retried by discord.py, some by us) and 20 ms latency: all land once."""
    inject(fast, Faults(error_rate=0.1, error_statuses=(500, 503), latency=0.02))
    names = [f"attendee{number}" for number in range(60)]
    for name in names:
        await enqueue_text(fast, f"text:flaky:{name}", name, f"Hi {name}")
    await deliver_until_settled(fast)
    assert fast.sandbox.injected_faults > 0
    for name in names:
        assert len(fast.sandbox.dm_messages(fast.member(name))) == 1, name


async def test_a_failing_pass_rearms_the_wake_up(
    fast: ConferenceHarness, bot_logs_no_errors: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database failing mid pass: the error is logged with a code, the wake-up re-armed."""
    bot_logs_no_errors.allow("delivery pass failed")  # type: ignore[attr-defined]
    bot_logs_no_errors.allow("could not plan the next wake-up")  # type: ignore[attr-defined]
    assert fast.bot is not None
    outbox = fast.bot.services.database.outbox
    # The planning query fails three times: on enqueue, in the pass, and re-arming after it.
    failures = [OSError("disk I/O error") for _ in range(3)]
    real_profile = outbox.due_profile

    async def flaky_profile(until: datetime) -> list[tuple[datetime, int]]:
        if failures:
            raise failures.pop()
        return await real_profile(until)

    monkeypatch.setattr(outbox, "due_profile", flaky_profile)
    alice = fast.member("alice")
    await enqueue_text(fast, "text:rearm", "alice", "Still coming")
    await engine_of(fast).deliver_due()
    assert failures == []
    assert "delivery:wake" in fast.bot.services.scheduler.scheduled()
    # Nobody calls the engine again: the re-armed wake-up delivers on its own.
    fast.clock.advance(timedelta(seconds=5))
    if not fast.sandbox.dm_messages(alice):
        await fast.sandbox.wait_for_bot_message(user=alice)
    assert len(fast.sandbox.dm_messages(alice)) == 1


async def test_a_dm_channel_opened_at_subscription_makes_the_reminder_one_request(
    fast: ConferenceHarness,
) -> None:
    """Opening the DM when someone subscribes: the later DM costs only its own POST."""
    alice = fast.member("alice")
    channel_id = await engine_of(fast).open_dm_channel(alice.id)
    assert channel_id == fast.sandbox.dm_channel(alice).id
    opened = len(fast.sandbox.transcript.requests(method="POST", route=OPEN_DM_ROUTE))
    await enqueue_text(fast, "text:subscribed", "alice", "Your session")
    await engine_of(fast).deliver_due()
    assert len(fast.sandbox.transcript.requests(method="POST", route=OPEN_DM_ROUTE)) == opened == 1
    assert len(message_posts(fast)) == 1


async def test_stop_waits_for_the_dm_opens_it_cancels(fast: ConferenceHarness) -> None:
    """A DM being opened in the background when the bot stops is ended before stop returns."""

    def opening() -> list[asyncio.Task[object]]:
        return [
            task
            for task in asyncio.all_tasks()
            if not task.done() and "open_dm_channel" in repr(task.get_coro())
        ]

    inject(fast, Faults(latency=60.0))  # Discord answers far later than the test lasts
    engine_of(fast).open_dm_channel_soon(fast.member("alice").id)
    assert len(opening()) == 1
    await engine_of(fast).stop()
    assert opening() == []
