"""A kind's follow-up (``after_sent``): runs once a row is sent, and can never resend it."""

from __future__ import annotations

from bot.delivery import RenderContext
from bot.storage.repositories.outbox import OutboxItem
from confbot_dev.harness import ConferenceHarness

from .conftest import engine_of


async def _hello(item: OutboxItem, context: RenderContext) -> str:
    return "Hello"


async def test_the_follow_up_runs_once_with_the_sent_message(fast: ConferenceHarness) -> None:
    """after_sent gets the row and the id of the message Discord confirmed, once."""
    engine = engine_of(fast)
    seen: list[tuple[str, int]] = []

    async def follow_up(item: OutboxItem, message_id: int) -> None:
        seen.append((item.key, message_id))

    engine.register("hello", _hello, after_sent=follow_up)
    alice = fast.member("alice")
    await engine.enqueue("hello:alice", "hello", fast.clock.now(), target_user_id=alice.id)
    await engine.deliver_due()
    await engine.deliver_due()
    (message,) = fast.sandbox.dm_messages(alice)
    assert seen == [("hello:alice", int(message["id"]))]


async def test_a_failing_follow_up_leaves_the_row_sent_and_sends_nothing_again(
    fast: ConferenceHarness, bot_logs_no_errors: object
) -> None:
    """after_sent raises: the error is logged with a code, the row stays sent, one DM only."""
    bot_logs_no_errors.allow("follow-up of sent hello:alice failed")  # type: ignore[attr-defined]
    engine = engine_of(fast)

    async def broken(item: OutboxItem, message_id: int) -> None:
        raise RuntimeError("a bug in the follow-up")

    engine.register("hello", _hello, after_sent=broken)
    alice = fast.member("alice")
    await engine.enqueue("hello:alice", "hello", fast.clock.now(), target_user_id=alice.id)
    await engine.deliver_due()
    await engine.deliver_due()
    assert fast.bot is not None
    row = await fast.bot.services.database.outbox.get("hello:alice")
    assert row is not None
    assert row.status == "sent"
    assert len(fast.sandbox.dm_messages(alice)) == 1
