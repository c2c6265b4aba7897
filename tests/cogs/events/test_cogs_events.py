"""The programme in Discord's event list, and Interested as a reminder (through the sandbox)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import Config, EventsConfig, load_config
from bot.events.plan import session_marker
from confbot_dev.harness import ConferenceHarness
from confbot_dev.sandbox import Faults
from confbot_dev.sandbox.config import EVENT_CREATE_ROUTE
from confbot_dev.sandbox.permissions import CREATE_EVENTS
from confbot_dev.sandbox.scheduled_events import CANCELED, EXTERNAL, ScheduledEvent
from tests.support.live_schedule import MORNING, TALK_START, live_config, write_programme

EXAMPLE = Path(__file__).resolve().parents[3] / "config.example.toml"


def events_config(config: Config, **settings: object) -> Config:
    """Return ``config`` with the mirror on (and any other ``[events]`` settings)."""
    return config.model_copy(update={"events": EventsConfig(enabled=True, **settings)})  # type: ignore[arg-type]


@pytest.fixture
async def mirrored(tmp_path: Path) -> AsyncIterator[ConferenceHarness]:
    """Start the bot on the two-session programme at 07:00 UTC with the mirror on."""
    config = events_config(live_config(tmp_path, base=load_config(EXAMPLE)))
    async with ConferenceHarness(config, start=MORNING) as harness:
        await settle(harness)
        yield harness
        assert harness.sandbox.rejections == []


async def settle(harness: ConferenceHarness) -> None:
    """Let every job due now (the delivery of event rows) finish."""
    assert harness.bot is not None
    await harness.bot.services.scheduler.settle()


async def advance_to(harness: ConferenceHarness, instant: datetime) -> None:
    """Move the simulated clock and let every due job finish."""
    harness.clock.set(instant)
    await settle(harness)


async def seen_by_bot(harness: ConferenceHarness) -> None:
    """Wait until the bot handled the last gateway dispatch, then let due jobs finish."""
    assert harness.bot is not None
    session = harness.sandbox.gateway.session
    assert session is not None
    await asyncio.wait_for(harness.bot.services.events.wait_handled(session.seq), 5)
    await settle(harness)


def open_events(harness: ConferenceHarness) -> list[ScheduledEvent]:
    """Return the server's SCHEDULED or ACTIVE events, oldest first."""
    guild = harness.sandbox_guild
    return [event for event in harness.sandbox.scheduled_events.in_guild(guild) if event.open]


def event_named(harness: ConferenceHarness, name: str) -> ScheduledEvent:
    (found,) = [e for e in open_events(harness) if e.name == name]
    return found


async def test_each_session_in_the_window_becomes_one_external_event(
    mirrored: ConferenceHarness,
) -> None:
    """Both sessions of the day are in the event list, with the room and the bot's marker."""
    events = open_events(mirrored)
    assert [event.name for event in events] == ["Rust at scale", "Closing"]
    talk = events[0]
    assert talk.entity_type == EXTERNAL
    assert talk.start == TALK_START
    assert talk.location == "Room A"
    assert talk.description is not None
    assert "With Ada Lovelace" in talk.description
    assert talk.description.endswith(session_marker("talk"))


async def test_a_restart_creates_nothing_again(mirrored: ConferenceHarness) -> None:
    """After a restart the same events stay: none is created twice."""
    before = [event.id for event in open_events(mirrored)]
    await mirrored.restart_bot()
    await settle(mirrored)
    assert [event.id for event in open_events(mirrored)] == before


async def test_a_moved_session_moves_its_event_and_a_removed_one_is_cancelled(
    mirrored: ConferenceHarness, tmp_path: Path
) -> None:
    """The schedule's change moves the talk's event; dropping the talk cancels its event."""
    assert mirrored.bot is not None
    talk = event_named(mirrored, "Rust at scale")
    write_programme(tmp_path / "live.toml", talk="2030-06-05 11:00", talk_end="2030-06-05 11:30")
    await mirrored.bot.services.live_schedule.refresh()
    await settle(mirrored)
    assert talk.start == datetime(2030, 6, 5, 9, 0, tzinfo=UTC)
    assert event_named(mirrored, "Rust at scale").id == talk.id
    write_programme(tmp_path / "live.toml", with_talk=False)
    await mirrored.bot.services.live_schedule.refresh()
    await settle(mirrored)
    assert talk.status == CANCELED
    assert [event.name for event in open_events(mirrored)] == ["Closing"]


async def test_the_window_and_cap_choose_the_sessions(tmp_path: Path) -> None:
    """With a cap of one, only the next session has an event; the next comes when it ends."""
    config = events_config(live_config(tmp_path, base=load_config(EXAMPLE)), cap=1)
    async with ConferenceHarness(config, start=MORNING) as harness:
        await settle(harness)
        assert [event.name for event in open_events(harness)] == ["Rust at scale"]
        await advance_to(harness, TALK_START + timedelta(minutes=30))
        assert [event.name for event in open_events(harness)] == ["Closing"]
        assert harness.sandbox.rejections == []


async def test_interested_subscribes_and_the_dm_comes_at_the_lead(
    mirrored: ConferenceHarness,
) -> None:
    """Interested on the talk's event → the reminder DM 10 minutes before, in alice's zone."""
    alice = mirrored.member("alice")
    await mirrored.sandbox.invoke(alice, "timezone set", {"zone": "Asia/Tokyo"})
    await mirrored.sandbox.driver.press_interested(alice, event_named(mirrored, "Rust at scale"))
    await seen_by_bot(mirrored)
    await advance_to(mirrored, TALK_START - timedelta(minutes=10))
    (dm,) = mirrored.sandbox.dm_messages(alice)
    assert "Rust at scale" in str(dm)
    assert "17:00" in str(dm)  # 08:00 UTC in Tokyo


async def test_taking_interested_back_before_the_lead_means_no_dm(
    mirrored: ConferenceHarness,
) -> None:
    """Un-pressing Interested removes the subscription Interested made: nothing is sent."""
    alice = mirrored.member("alice")
    talk = event_named(mirrored, "Rust at scale")
    await mirrored.sandbox.driver.press_interested(alice, talk)
    await seen_by_bot(mirrored)
    await mirrored.sandbox.driver.unpress_interested(alice, talk)
    await seen_by_bot(mirrored)
    await advance_to(mirrored, TALK_START + timedelta(minutes=1))
    assert mirrored.sandbox.dm_messages(alice) == []


async def test_interested_keeps_a_subscription_made_by_remind_me(
    mirrored: ConferenceHarness,
) -> None:
    """One subscription: taking Interested back keeps the one /remind made."""
    alice = mirrored.member("alice")
    await mirrored.sandbox.invoke(alice, "remind", {"session": "talk"})
    talk = event_named(mirrored, "Rust at scale")
    await mirrored.sandbox.driver.press_interested(alice, talk)
    await seen_by_bot(mirrored)
    await mirrored.sandbox.driver.unpress_interested(alice, talk)
    await seen_by_bot(mirrored)
    await advance_to(mirrored, TALK_START - timedelta(minutes=10))
    assert len(mirrored.sandbox.dm_messages(alice)) == 1


async def test_presses_made_while_the_bot_was_down_are_reconciled(
    mirrored: ConferenceHarness,
) -> None:
    """Three adds and two removes made while the bot was down are applied at the restart."""
    assert mirrored.bot is not None
    talk = event_named(mirrored, "Rust at scale")
    alice, bob, moderator = (mirrored.member(n) for n in ("alice", "bob", "moderator"))
    for person in (alice, bob):
        await mirrored.sandbox.driver.press_interested(person, talk)
    await seen_by_bot(mirrored)
    await mirrored.stop_bot()
    # While it is down: two take Interested back, three press it.
    for person in (alice, bob):
        await mirrored.sandbox.driver.unpress_interested(person, talk)
    owner = mirrored.sandbox.world.users[mirrored.sandbox_guild.owner_id]
    carol = mirrored.sandbox.add_member(mirrored.sandbox_guild, "carol")
    for person in (moderator, owner, carol):
        await mirrored.sandbox.driver.press_interested(person, talk)
    await mirrored.start_bot()
    await settle(mirrored)
    subscriptions = mirrored.bot.services.database.subscriptions
    subscribed = {s.user_id for s in await subscriptions.for_session("talk")}
    assert subscribed == {moderator.id, owner.id, carol.id}


async def test_an_edit_by_a_person_is_put_back_and_logged(mirrored: ConferenceHarness) -> None:
    """Renaming the bot's event in Discord: the schedule's title returns, the log says so."""
    talk = event_named(mirrored, "Rust at scale")
    await mirrored.sandbox.scheduled_events.edit_as(talk, name="Rust is great")
    await seen_by_bot(mirrored)
    assert talk.name == "Rust at scale"
    log = mirrored.sandbox.messages(mirrored.channel("mod-log"))
    assert any("put back the schedule's title" in str(m.get("content")) for m in log)


async def test_events_the_bot_did_not_make_are_left_alone(mirrored: ConferenceHarness) -> None:
    """An organiser's own event is never edited, cancelled or counted."""
    guild = mirrored.sandbox_guild
    talk = event_named(mirrored, "Rust at scale")
    theirs = ScheduledEvent(
        id=mirrored.sandbox.ids.next(),
        guild_id=guild.id,
        creator=mirrored.sandbox.world.users[guild.owner_id],
        name="Party",
        start=talk.start,
        end=talk.end,
        entity_type=EXTERNAL,
        location="Bar",
        description="Drinks " + session_marker("talk"),
    )
    mirrored.sandbox.world.scheduled_events[theirs.id] = theirs
    await mirrored.sandbox.scheduled_events.edit_as(theirs, name="Party!")
    await mirrored.restart_bot()
    await settle(mirrored)
    assert theirs.name == "Party!"
    assert theirs.open


async def test_without_create_events_one_log_line_and_status_says_so(
    mirrored: ConferenceHarness, caplog: pytest.LogCaptureFixture
) -> None:
    """No Create Events: one clear warning at start, no event request, the status says so."""
    (bot_role,) = mirrored.sandbox_guild.members[mirrored.sandbox.bot_user.id].roles
    bot_role.permissions &= ~CREATE_EVENTS
    requests = len(mirrored.sandbox.transcript.requests())
    with caplog.at_level(logging.WARNING, logger="bot.events"):
        await mirrored.restart_bot()
        await settle(mirrored)
    lines = [r.getMessage() for r in caplog.records if "Create Events" in r.getMessage()]
    assert len(lines) == 1
    after = mirrored.sandbox.transcript.requests()[requests:]
    assert not [r for r in after if "scheduled-events" in r.path]
    moderator = mirrored.member("moderator")
    status = await mirrored.sandbox.invoke(
        moderator, "conference status", channel=mirrored.channel("general")
    )
    assert "Discord events: off (missing “Create Events”)" in status.content


async def test_lost_answers_to_creates_make_no_second_event(tmp_path: Path) -> None:
    """Creates stored but their answers lost: the bot finds its event before trying again."""
    config = events_config(live_config(tmp_path, base=load_config(EXAMPLE)))
    faults = Faults(disconnect_rate=1.0, stored_routes=frozenset({EVENT_CREATE_ROUTE}))
    async with ConferenceHarness(config, start=MORNING, faults=faults) as harness:
        await settle(harness)
        harness.sandbox.faults.disconnect_rate = 0.0
        await advance_to(harness, MORNING + timedelta(minutes=5))
        names = [
            event.name for event in harness.sandbox.scheduled_events.in_guild(harness.sandbox_guild)
        ]
        assert names == ["Rust at scale", "Closing"]
        assert harness.sandbox.rejections == []


async def test_an_event_deleted_while_the_bot_was_down_is_made_again(
    mirrored: ConferenceHarness,
) -> None:
    """Someone deletes the talk's event while the bot is down: the restart makes it again."""
    talk = event_named(mirrored, "Rust at scale")
    await mirrored.stop_bot()
    del mirrored.sandbox.world.scheduled_events[talk.id]
    mirrored.sandbox.allow_rejection(status=404, code=10070)  # the bot learns it is gone
    await mirrored.start_bot()
    await settle(mirrored)
    again = event_named(mirrored, "Rust at scale")
    assert again.id != talk.id
