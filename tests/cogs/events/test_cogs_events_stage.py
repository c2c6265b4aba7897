"""Sessions in a room mapped to a stage channel: STAGE_INSTANCE events the bot starts and ends.

Discord (resources/guild-scheduled-event, "Status Update Automation") moves only EXTERNAL
events by itself; a STAGE_INSTANCE or VOICE event stays SCHEDULED until the bot starts it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.config import EventRoomConfig, load_config
from confbot_dev.harness import ConferenceHarness, ConferenceServer
from confbot_dev.sandbox.permissions import MANAGE_CHANNELS, MOVE_MEMBERS, MUTE_MEMBERS
from confbot_dev.sandbox.scheduled_events import (
    ACTIVE,
    COMPLETED,
    SCHEDULED,
    STAGE_INSTANCE,
    ScheduledEvent,
)
from tests.cogs.events.test_cogs_events import EXAMPLE, advance_to, events_config, seen_by_bot
from tests.support.live_schedule import MORNING, TALK_START, live_config, write_programme

GUILD_STAGE_VOICE = 13
TALK_END = TALK_START + timedelta(minutes=30)


class StageHarness(ConferenceHarness):
    """The conference server with a stage channel for Room A, which the bot may run."""

    stage_id = 0

    def _build_server(self) -> ConferenceServer:
        server = super()._build_server()
        stage = self.sandbox.add_channel(server.guild, "stage-a", kind=GUILD_STAGE_VOICE)
        self.stage_id = stage.id
        (bot_role,) = server.guild.members[self.sandbox.bot_user.id].roles
        bot_role.permissions |= MANAGE_CHANNELS | MUTE_MEMBERS | MOVE_MEMBERS
        return server


@pytest.fixture
async def staged(tmp_path: Path) -> AsyncIterator[StageHarness]:
    """Start the bot at 07:00 UTC with Room A's sessions as stage events."""
    config = events_config(
        live_config(tmp_path, base=load_config(EXAMPLE)),
        rooms={"a": EventRoomConfig(type="stage", channel="stage-a")},
    )
    async with StageHarness(config, start=MORNING) as harness:
        await advance_to(harness, MORNING)
        yield harness
        assert harness.sandbox.rejections == []


def talk_event(harness: ConferenceHarness) -> ScheduledEvent:
    (found,) = [
        e
        for e in harness.sandbox.scheduled_events.in_guild(harness.sandbox_guild)
        if e.name == "Rust at scale"
    ]
    return found


def status_writes(harness: ConferenceHarness, event: ScheduledEvent) -> list[int]:
    """Return the statuses the bot wrote to ``event``, in order (its PATCH requests)."""
    return [
        int(request.body["status"])
        for request in harness.sandbox.transcript.requests()
        if request.method == "PATCH"
        and request.path.endswith(f"/scheduled-events/{event.id}")
        and isinstance(request.body, dict)
        and "status" in request.body
    ]


async def test_the_bot_starts_and_ends_a_stage_event_once(staged: StageHarness) -> None:
    """ACTIVE at the talk's start, COMPLETED at its end, once each across a restart."""
    talk = talk_event(staged)
    assert (talk.entity_type, talk.status) == (STAGE_INSTANCE, SCHEDULED)
    assert talk.channel_id == staged.stage_id
    await advance_to(staged, TALK_START)
    await seen_by_bot(staged)
    assert talk.status == ACTIVE
    await staged.restart_bot()
    await advance_to(staged, TALK_START + timedelta(minutes=10))
    assert talk.status == ACTIVE
    await advance_to(staged, TALK_END)
    await seen_by_bot(staged)
    assert talk.status == COMPLETED
    assert status_writes(staged, talk) == [ACTIVE, COMPLETED]


async def test_a_stage_event_missed_while_down_is_started_and_ended(staged: StageHarness) -> None:
    """The sandbox leaves a stage event SCHEDULED past its start, as Discord does; the bot,
    back after the talk ended, starts it and ends it (SCHEDULED → COMPLETED is refused)."""
    talk = talk_event(staged)
    await staged.stop_bot()
    staged.clock.set(TALK_END + timedelta(minutes=5))
    await staged.sandbox.scheduled_events.follow_clock()
    assert talk.status == SCHEDULED
    staged.sandbox.allow_rejection(status=400, code=50035)  # the bot tries to end it first
    await staged.start_bot()
    await advance_to(staged, TALK_END + timedelta(minutes=5))
    await seen_by_bot(staged)
    assert talk.status == COMPLETED
    assert status_writes(staged, talk) == [COMPLETED, ACTIVE, COMPLETED]


async def test_a_session_cancelled_while_its_event_runs_loses_its_event(
    tmp_path: Path,
) -> None:
    """An ACTIVE event cannot be CANCELED (SCHEDULED → CANCELED only): the bot deletes it."""
    config = events_config(live_config(tmp_path, base=load_config(EXAMPLE)))
    async with ConferenceHarness(config, start=MORNING) as harness:
        await advance_to(harness, TALK_START + timedelta(minutes=5))
        talk = talk_event(harness)
        assert talk.status == ACTIVE  # Discord started the EXTERNAL event itself
        assert harness.bot is not None
        write_programme(tmp_path / "live.toml", with_talk=False)
        harness.sandbox.allow_rejection(status=400, code=50035)
        await harness.bot.services.live_schedule.refresh()
        await advance_to(harness, TALK_START + timedelta(minutes=6))
        await seen_by_bot(harness)
        assert talk.id not in harness.sandbox.world.scheduled_events
        assert harness.sandbox.rejections == []
