"""After an outage past the nonce window, a message that landed is found by its row's mark.

Discord returns no nonce in a channel's history (resources/message, "Create Message": the
nonce appears in the create answer and MESSAGE_CREATE only), so the engine marks one button
of each message with its row (``:o`` + a digest of the key) and looks for that mark.
"""

from __future__ import annotations

import gc
from datetime import timedelta

import discord
import pytest

from bot.custom_ids import row_mark
from bot.delivery import TEXT_KIND
from bot.reminders.kinds import REMINDER
from bot.reminders.texts import STOP_REMINDER_LABEL, forgotten_text
from bot.schedule.model import Session
from confbot_dev.harness import ConferenceHarness
from confbot_dev.sandbox import Faults

from .conftest import engine_of, inject, message_posts
from .test_delivery_misfire import restart_at

# A dropped connection after the store, and a 5xx after the store (503: discord.py does
# not retry it itself, the engine does).
LOST_ANSWERS = [
    pytest.param(Faults(disconnect_rate=1.0), id="dropped-connection"),
    pytest.param(Faults(stored_error_rate=1.0, error_statuses=(503,)), id="5xx-after-store"),
]


def upcoming_session(harness: ConferenceHarness) -> Session:
    """Return a session of the seed conference that starts after the harness's now."""
    assert harness.bot is not None
    now = harness.clock.now()
    return next(s for s in harness.bot.services.current.schedule.sessions if s.start > now)


async def enqueue_real_reminder(harness: ConferenceHarness, user: str) -> str:
    """Queue alice's reminder of an upcoming session (the reminders' own renderer), due now."""
    session = upcoming_session(harness)
    key = f"{REMINDER}:{session.id}:{user}:10"
    now = harness.clock.now()
    await engine_of(harness).enqueue(
        key,
        REMINDER,
        now,
        {"session_id": session.id},
        deadline_at=now + timedelta(hours=2),
        target_user_id=harness.member(user).id,
        session_id=session.id,
    )
    return key


@pytest.mark.parametrize("faults", LOST_ANSWERS)
async def test_a_reminder_that_landed_is_not_sent_again_after_a_long_outage(
    fast: ConferenceHarness, faults: Faults
) -> None:
    """Answer lost, bot down 6 minutes, the reader's zone changed meanwhile: still one DM."""
    assert fast.bot is not None
    alice = fast.member("alice")
    outbox = fast.bot.services.database.outbox
    key = await enqueue_real_reminder(fast, "alice")
    inject(fast, faults)
    await engine_of(fast).deliver_due()
    inject(fast, Faults())
    item = await outbox.get(key)
    assert item is not None
    assert (item.status, item.verify) == ("pending", True)
    (landed,) = fast.sandbox.dm_messages(alice)
    # The reminder's wording now differs from what landed: its time is in the new zone.
    await fast.bot.services.database.users.set_zone(alice.id, "Pacific/Kiritimati")
    await restart_at(fast, 6)
    assert fast.sandbox.dm_messages(alice) == [landed]
    assert len(message_posts(fast)) == 1
    item = await outbox.get(key)
    assert item is not None
    assert (item.status, item.discord_message_id) == ("sent", int(landed["id"]))


async def test_a_reminder_carries_its_rows_mark_on_a_working_button(
    fast: ConferenceHarness,
) -> None:
    """The mark rides on "Stop reminders", which still answers for its session when pressed."""
    alice = fast.member("alice")
    key = await enqueue_real_reminder(fast, "alice")
    await engine_of(fast).deliver_due()
    (reminder,) = fast.sandbox.dm_messages(alice)
    custom_ids = [b["custom_id"] for row in reminder["components"] for b in row["components"]]
    assert [c for c in custom_ids if c.endswith(row_mark(key))] == custom_ids[:1]
    pressed = await fast.sandbox.click(alice, reminder, STOP_REMINDER_LABEL)
    assert pressed.ephemeral
    assert pressed.content == forgotten_text(upcoming_session(fast), removed=False)


async def test_a_sent_reminder_keeps_no_view_in_memory_and_its_buttons_work(
    fast: ConferenceHarness,
) -> None:
    """A fan-out of 20,000 reminders must not leave 20,000 views in discord.py's store.

    The buttons are answered by the registered dynamic items, rebuilt from the custom_id.
    """
    alice = fast.member("alice")
    gc.collect()
    before = sum(1 for thing in gc.get_objects() if isinstance(thing, discord.ui.View))
    await enqueue_real_reminder(fast, "alice")
    await engine_of(fast).deliver_due()
    gc.collect()
    after = sum(1 for thing in gc.get_objects() if isinstance(thing, discord.ui.View))
    assert after == before
    (reminder,) = fast.sandbox.dm_messages(alice)
    pressed = await fast.sandbox.click(alice, reminder, STOP_REMINDER_LABEL)
    assert pressed.content == forgotten_text(upcoming_session(fast), removed=False)


@pytest.mark.parametrize("faults", LOST_ANSWERS)
async def test_a_text_post_that_landed_is_not_sent_again_after_a_long_outage(
    fast: ConferenceHarness, faults: Faults
) -> None:
    """A moderation-log-like ``text`` post has no button: its stored content finds it, once."""
    assert fast.bot is not None
    general = fast.channel("general")
    key = f"{TEXT_KIND}:log:1"
    await engine_of(fast).enqueue(
        key,
        TEXT_KIND,
        fast.clock.now(),
        {"content": "🛡️ moderator reloaded the schedule"},
        target_channel_id=general.id,
    )
    inject(fast, faults)
    await engine_of(fast).deliver_due()
    inject(fast, Faults())
    (landed,) = fast.sandbox.messages(general)
    await restart_at(fast, 6)
    assert fast.sandbox.messages(general) == [landed]
    item = await fast.bot.services.database.outbox.get(key)
    assert item is not None
    assert (item.status, item.discord_message_id) == ("sent", int(landed["id"]))
