"""Commands answer inside Discord's deadline while another process locks the database."""

from __future__ import annotations

import asyncio

from bot.storage.database import BUSY_TIMEOUT_MS
from confbot_dev.harness import ConferenceHarness
from confbot_dev.sandbox import Limits
from tests.cogs.test_cogs_schedule import shown
from tests.support.write_lock import write_lock_held

BUSY = "The bot is busy; try again in a moment."
# The real busy timeout is real time; a small one keeps this file fast (the default is
# checked against the deadline below).
TEST_BUSY_TIMEOUT_MS = 100


async def _short_busy_timeout(harness: ConferenceHarness) -> None:
    assert harness.bot is not None
    await harness.bot.services.database.set_busy_timeout(TEST_BUSY_TIMEOUT_MS)


def _unknown_interactions(harness: ConferenceHarness) -> list[str]:
    return [
        f"{record.method} {record.path}"
        for record in harness.sandbox.transcript.requests()
        if isinstance(record.response, dict) and record.response.get("code") == 10062
    ]


async def test_default_busy_timeout_leaves_time_to_answer(harness: ConferenceHarness) -> None:
    """The bot gives up on a locked database with at least a second of the 3 s deadline left."""
    assert harness.bot is not None
    assert harness.bot.services.database.busy_timeout_ms == BUSY_TIMEOUT_MS
    assert Limits().interaction_deadline >= BUSY_TIMEOUT_MS / 1000 + 1.0


async def test_commands_answer_while_another_process_holds_the_write_lock(
    harness: ConferenceHarness,
) -> None:
    """With the database locked, /schedule answers and /timezone set says the bot is busy."""
    await _short_busy_timeout(harness)
    sandbox, alice = harness.sandbox, harness.member("alice")
    general = harness.channel("general")
    with write_lock_held(harness.config.storage.database):
        write, read = await asyncio.gather(
            sandbox.invoke(alice, "timezone set", {"zone": "Sydney"}, channel=general),
            sandbox.invoke(alice, "schedule", channel=general),
        )
    assert "__**Wed 24 Feb**__" in shown(read)
    assert (write.content, write.ephemeral) == (BUSY, True)
    assert write.allowed_mentions is not None
    assert write.allowed_mentions["parse"] == []
    assert _unknown_interactions(harness) == []


async def test_a_read_answers_while_a_write_waits_and_the_write_then_succeeds(
    harness: ConferenceHarness,
) -> None:
    """/schedule answers while /timezone set waits for the lock; the set lands once it is freed."""
    assert harness.bot is not None
    # Long enough that the write can only succeed if the read did not wait behind it.
    await harness.bot.services.database.set_busy_timeout(30_000)
    sandbox, alice = harness.sandbox, harness.member("alice")
    with write_lock_held(harness.config.storage.database):
        deferred = sandbox.bus.expect("interaction_ack", lambda record: True)
        write = asyncio.create_task(sandbox.invoke(alice, "timezone set", {"zone": "Sydney"}))
        await sandbox.bus.wait(deferred, sandbox.limits.wait_timeout, "the write's defer")
        read = await sandbox.invoke(alice, "schedule")
        assert not write.done()
    stored = await write
    assert "__**Wed 24 Feb**__" in shown(read)
    assert stored.content.startswith("Your time zone is now **Australia/Sydney**")
    assert _unknown_interactions(harness) == []


async def test_a_write_after_the_lock_is_released_succeeds(harness: ConferenceHarness) -> None:
    """Once the other process lets go, the same /timezone set is stored and confirmed."""
    await _short_busy_timeout(harness)
    sandbox, alice = harness.sandbox, harness.member("alice")
    with write_lock_held(harness.config.storage.database):
        busy = await sandbox.invoke(alice, "timezone set", {"zone": "Sydney"})
    assert busy.content == BUSY
    stored = await sandbox.invoke(alice, "timezone set", {"zone": "Sydney"})
    assert stored.content.startswith("Your time zone is now **Australia/Sydney**")
    assert stored.ephemeral
    assert _unknown_interactions(harness) == []


async def test_reads_of_the_profile_answer_while_the_database_is_locked(
    harness: ConferenceHarness,
) -> None:
    """/timezone show answers with the stored zone while another process holds the lock."""
    await _short_busy_timeout(harness)
    sandbox, bob = harness.sandbox, harness.member("bob")
    await sandbox.invoke(bob, "timezone set", {"zone": "Europe/Paris"})
    with write_lock_held(harness.config.storage.database):
        shown_zone = await sandbox.invoke(bob, "timezone show")
    assert shown_zone.content.startswith("Your time zone is **Europe/Paris**")
    assert shown_zone.ephemeral


async def test_forget_me_confirm_says_busy_when_the_database_is_locked(
    harness: ConferenceHarness,
) -> None:
    """Confirming /forget-me on a locked database says so privately and erases nothing."""
    await _short_busy_timeout(harness)
    sandbox, alice = harness.sandbox, harness.member("alice")
    await sandbox.invoke(alice, "timezone set", {"zone": "Tokyo"})
    ask = await sandbox.invoke(alice, "forget-me")
    with write_lock_held(harness.config.storage.database):
        pressed = await sandbox.click(alice, ask, "Confirm")
    assert (pressed.content, pressed.ephemeral) == (BUSY, True)
    shown_zone = await sandbox.invoke(alice, "timezone show")
    assert "Asia/Tokyo" in shown_zone.content
    assert _unknown_interactions(harness) == []


async def test_a_write_defers_privately_first(harness: ConferenceHarness) -> None:
    """/timezone set answers "thinking…" at once, visible only to the invoker, then replies."""
    sandbox, alice = harness.sandbox, harness.member("alice")
    reply = await sandbox.invoke(
        alice, "timezone set", {"zone": "Sydney"}, channel=harness.channel("general")
    )
    callbacks = [
        record.body
        for record in sandbox.transcript.requests("POST", path_contains="/callback")
        if record.body.get("type") == 5
    ]
    assert len(callbacks) == 1
    assert callbacks[0]["data"]["flags"] & 64  # ephemeral "thinking…"
    assert reply.content.startswith("Your time zone is now **Australia/Sydney**")
    assert reply.ephemeral
