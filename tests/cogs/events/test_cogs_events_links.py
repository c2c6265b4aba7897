"""Event links on answers, "Remind me" after Interested, and presses before an id is stored."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.config import load_config
from bot.events.texts import event_url
from confbot_dev.harness import ConferenceHarness
from confbot_dev.sandbox import Faults
from confbot_dev.sandbox.config import EVENT_CREATE_ROUTE
from tests.cogs.events.test_cogs_events import (
    EXAMPLE,
    advance_to,
    event_named,
    events_config,
    mirrored,
    seen_by_bot,
    settle,
)
from tests.support.live_schedule import MORNING, TALK_START, live_config

__all__ = ["mirrored"]


async def test_the_session_card_and_the_agenda_link_the_sessions_event(
    mirrored: ConferenceHarness,
) -> None:
    """/session has a "Discord event" link button; /agenda show links the event under it."""
    alice = mirrored.member("alice")
    talk = event_named(mirrored, "Rust at scale")
    link = event_url(mirrored.sandbox_guild.id, talk.id)
    card = await mirrored.sandbox.invoke(alice, "session", {"session": "talk"})
    assert card.message is not None
    buttons = [b for row in card.message["components"] for b in row["components"]]
    assert {"label": "Discord event", "url": link} in [
        {"label": b.get("label"), "url": b.get("url")} for b in buttons
    ]
    await mirrored.sandbox.invoke(alice, "remind", {"session": "talk"})
    agenda = await mirrored.sandbox.invoke(alice, "agenda show")
    assert f"[Event in Discord]({link})" in agenda.embeds[0]["description"]


@pytest.mark.parametrize("how", ["button", "command"])
async def test_remind_me_after_interested_keeps_the_subscription(
    mirrored: ConferenceHarness, how: str
) -> None:
    """Interested, then "Remind me" (or /remind): taking Interested back keeps the reminder."""
    alice = mirrored.member("alice")
    talk = event_named(mirrored, "Rust at scale")
    await mirrored.sandbox.driver.press_interested(alice, talk)
    await seen_by_bot(mirrored)
    if how == "button":
        card = await mirrored.sandbox.invoke(alice, "session", {"session": "talk"})
        pressed = await mirrored.sandbox.click(alice, card, "Remind me")
        assert "already" in pressed.content
    else:
        await mirrored.sandbox.invoke(alice, "remind", {"session": "talk"})
    await mirrored.sandbox.driver.unpress_interested(alice, talk)
    await seen_by_bot(mirrored)
    await advance_to(mirrored, TALK_START - timedelta(minutes=10))
    (dm,) = mirrored.sandbox.dm_messages(alice)
    assert "Rust at scale" in str(dm)


async def test_a_press_before_the_bot_knows_its_event_is_kept(tmp_path: Path) -> None:
    """The create's answer is lost; alice presses Interested before the bot finds its event:
    once it finds it, her press subscribes her (the reminder DM comes)."""
    config = events_config(live_config(tmp_path, base=load_config(EXAMPLE)))
    faults = Faults(disconnect_rate=1.0, stored_routes=frozenset({EVENT_CREATE_ROUTE}))
    async with ConferenceHarness(config, start=MORNING, faults=faults) as harness:
        await settle(harness)
        assert harness.bot is not None
        assert harness.bot.services.events.link_now("talk") is None  # not known yet
        alice = harness.member("alice")
        await harness.sandbox.driver.press_interested(alice, event_named(harness, "Rust at scale"))
        await seen_by_bot(harness)
        harness.sandbox.faults.disconnect_rate = 0.0
        await advance_to(harness, MORNING + timedelta(minutes=5))
        talk = event_named(harness, "Rust at scale")
        assert harness.bot.services.events.link_now("talk") == event_url(
            harness.sandbox_guild.id, talk.id
        )
        await advance_to(harness, TALK_START - timedelta(minutes=10))
        (dm,) = harness.sandbox.dm_messages(alice)
        assert "Rust at scale" in str(dm)
        assert harness.sandbox.rejections == []


async def test_a_create_answered_500_after_storing_leaves_one_event(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Discord stores a create and answers 500; discord.py retries it and Discord stores it
    again: a minute later the extra event is deleted, the stored one kept, the log says so."""
    config = events_config(live_config(tmp_path, base=load_config(EXAMPLE)))
    faults = Faults(
        stored_error_rate=1.0,
        stored_error_limit=1,
        error_statuses=(500,),
        stored_routes=frozenset({EVENT_CREATE_ROUTE}),
    )
    async with ConferenceHarness(config, start=MORNING, faults=faults) as harness:
        await settle(harness)
        assert harness.bot is not None
        guild = harness.sandbox_guild
        made = harness.sandbox.scheduled_events.in_guild(guild)
        assert len(made) == 3  # one session's event twice (whichever create came first)
        await advance_to(harness, MORNING + timedelta(minutes=2))
        await seen_by_bot(harness)  # the deletion's GUILD_SCHEDULED_EVENT_DELETE
        left = {e.name: e for e in harness.sandbox.scheduled_events.in_guild(guild)}
        assert sorted(left) == ["Closing", "Rust at scale"]
        mirror = harness.bot.services.events
        assert mirror.link_now("talk") == event_url(guild.id, left["Rust at scale"].id)
        assert mirror.link_now("closing") == event_url(guild.id, left["Closing"].id)
        assert any("duplicate Discord event" in r.getMessage() for r in caplog.records)
        assert harness.sandbox.rejections == []
