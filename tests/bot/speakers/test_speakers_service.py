"""The speakers service without Discord: links, heads-ups following the schedule, their text."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.answers.intents import WhoIs
from bot.answers.reader import reader_for
from bot.clock import SimulatedClock
from bot.config import Config
from bot.delivery import RenderContext, Skip
from bot.rendering.cards import Reply
from bot.services import Services
from bot.speakers.heads_ups import SPEAKER_ALERT_KIND, alert_key
from bot.storage.repositories.outbox import OutboxItem
from tests.support.live_schedule import MORNING, MOVED, TALK_START, live_config, write_programme

ADA = 4242
MODERATOR = 7
# config.example.toml's default: the heads-up comes 15 minutes before the talk.
LEAD = timedelta(minutes=15)
HEADS_UP = alert_key("talk", "ada", ADA)


def with_rooms(config: Config, rooms: dict[str, int | str]) -> Config:
    """Return ``config`` with these rooms' channels."""
    guild = config.guild.model_copy(update={"room_channels": rooms})
    return config.model_copy(update={"guild": guild})


@pytest.fixture
async def services(tmp_path: Path) -> AsyncIterator[Services]:
    """Open the services on the two-talk programme, at the morning of the conference."""
    config = with_rooms(live_config(tmp_path), {"a": "room-a", "b": 555})
    opened = await Services.open(config, SimulatedClock(MORNING, speed=0))
    try:
        yield opened
    finally:
        await opened.close()


def source(services: Services) -> Path:
    """Return the schedule file the services refresh from."""
    path = services.config.schedule.source
    assert isinstance(path, Path)
    return path


async def heads_up(services: Services, key: str = HEADS_UP) -> OutboxItem:
    """Return the heads-up row ``key``."""
    item = await services.database.outbox.get(key)
    assert item is not None
    return item


async def render(services: Services, item: OutboxItem) -> str:
    """Return the heads-up ``item`` rendered now."""
    now = services.clock.now()
    context = RenderContext(now=now, due_at=item.due_at, deadline_at=item.deadline_at)
    return await services.speakers.render_heads_up(item, context)


async def test_linking_plans_the_heads_up_before_the_talk(services: Services) -> None:
    """A linked speaker's heads-up is due the lead before their talk, with the talk as deadline."""
    reply = await services.speakers.link("ada lovelace", ADA, actor_id=MODERATOR)
    assert reply.startswith(f"Linked Ada Lovelace to <@{ADA}>. They will get a DM 15 minutes")
    item = await heads_up(services)
    assert (item.kind, item.status, item.target_user_id) == (SPEAKER_ALERT_KIND, "pending", ADA)
    assert (item.due_at, item.deadline_at) == (TALK_START - LEAD, TALK_START)


async def test_relinking_names_the_member_it_replaced(services: Services) -> None:
    """Linking another member says whom it replaced and cancels the old member's heads-up."""
    await services.speakers.link("ada", ADA, actor_id=MODERATOR)
    reply = await services.speakers.link("ada", ADA + 1, actor_id=MODERATOR)
    assert f", replacing <@{ADA}>." in reply
    assert (await heads_up(services)).status == "cancelled"
    assert (await heads_up(services, alert_key("talk", "ada", ADA + 1))).status == "pending"


async def test_unlinking_cancels_the_heads_up(services: Services) -> None:
    """Unlinking says so and cancels the pending heads-up; unlinking again finds no link."""
    await services.speakers.link("ada", ADA, actor_id=MODERATOR)
    assert await services.speakers.unlink("ada", actor_id=MODERATOR) == "Unlinked Ada Lovelace."
    assert (await heads_up(services)).status == "cancelled"
    again = await services.speakers.unlink("ada", actor_id=MODERATOR)
    assert again == "There was no link for Ada Lovelace."


async def test_a_moved_talk_moves_its_heads_up_inside_the_apply(services: Services) -> None:
    """The schedule moving the talk an hour later moves its heads-up (a follower's count)."""
    await services.speakers.link("ada", ADA, actor_id=MODERATOR)
    write_programme(source(services), **MOVED)
    outcome = await services.live_schedule.refresh()
    assert outcome.applied is not None
    assert outcome.applied.followed["speakers"] == {"planned": 1}
    assert (await heads_up(services)).due_at == TALK_START + timedelta(hours=1) - LEAD


async def test_a_removed_talk_cancels_its_heads_up(services: Services) -> None:
    """The talk leaving the schedule cancels the heads-up planned for it."""
    await services.speakers.link("ada", ADA, actor_id=MODERATOR)
    write_programme(source(services), with_talk=False)
    outcome = await services.live_schedule.refresh()
    assert outcome.applied is not None
    assert (await heads_up(services)).status == "cancelled"


async def test_planning_at_start_keeps_what_is_planned(services: Services) -> None:
    """Planning every linked speaker again adds nothing already planned (exactly once)."""
    await services.speakers.link("ada", ADA, actor_id=MODERATOR)
    assert await services.speakers.plan_heads_ups() == 0


async def test_the_heads_up_names_the_rooms_channel(services: Services) -> None:
    """The DM names the room's channel: by name when it cannot be resolved, else by id."""
    await services.speakers.link("ada", ADA, actor_id=MODERATOR)
    text = await render(services, await heads_up(services))
    assert text.startswith("Hello Ada Lovelace, your session starts <t:")
    assert "**Rust at scale**" in text
    assert "Room: #room-a" in text
    write_programme(source(services), **MOVED)
    await services.live_schedule.refresh()
    assert "Room: <#555>" in await render(services, await heads_up(services))


async def test_a_heads_up_for_a_talk_that_left_is_skipped(services: Services) -> None:
    """A row whose session left the schedule is not rendered."""
    await services.speakers.link("ada", ADA, actor_id=MODERATOR)
    item = await heads_up(services)
    write_programme(source(services), with_talk=False)
    await services.live_schedule.refresh()
    with pytest.raises(Skip):
        await render(services, item)


async def test_speaker_questions_mention_the_linked_member(services: Services) -> None:
    """ "Who is Ada?" shows her card with the member she is linked to."""
    reader = await reader_for(services.database, ADA, services.conference_zone)
    before = await services.speakers.answer_question(WhoIs("ada"), reader, MORNING)
    await services.speakers.link("ada", ADA, actor_id=MODERATOR)
    after = await services.speakers.answer_question(WhoIs("ada"), reader, MORNING)
    assert isinstance(before, Reply)
    assert isinstance(after, Reply)
    assert "On Discord" not in (before.pages[0].description or "")
    assert f"On Discord: <@{ADA}>" in (after.pages[0].description or "")


async def test_a_heads_up_missed_while_down_is_skipped_and_counted(services: Services) -> None:
    """The bot was down past the talk's start: its heads-up ends skipped, not cancelled.

    So ``/conference status`` (the delivery counts) shows it among the skipped.
    """
    await services.speakers.link("ada", ADA, actor_id=MODERATOR)
    after_start = TALK_START + timedelta(minutes=5)
    await services.speakers.plan_heads_ups(now=after_start)
    assert (await heads_up(services)).status == "skipped"
    counts = (await services.delivery.delivery_counts())[SPEAKER_ALERT_KIND]
    assert (counts.skipped, counts.cancelled, counts.pending) == (1, 0, 0)


class RoomsById:
    """A channel directory that sees room b's channel (555) only."""

    def channel_id(self, configured: int | str | None) -> int | None:
        """Return a configured id as is."""
        return configured if isinstance(configured, int) else None

    def room_channel_ids(self) -> dict[str, int]:
        """Return room b's channel."""
        return {"b": 555}


async def test_a_heads_up_falls_back_to_its_rooms_channel(tmp_path: Path) -> None:
    """A heads-up that cannot be a DM is a mention in the session's room channel."""
    config = with_rooms(live_config(tmp_path), {"b": 555})
    services = await Services.open(config, SimulatedClock(MORNING, speed=0), channels=RoomsById())
    try:
        await services.speakers.link("ada", ADA, actor_id=MODERATOR)
        assert (await heads_up(services)).fallback_channel_id is None  # room a: no channel
        write_programme(source(services), **MOVED)  # to room b
        await services.live_schedule.refresh()
        assert (await heads_up(services)).fallback_channel_id == 555
    finally:
        await services.close()
