"""Applying a changed schedule: the post, one DM per subscriber and change, reminders follow."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import Config, load_config
from bot.programme.live import LiveSchedule
from bot.programme.notices import MESSAGE_LIMIT, channel_messages, notices_for
from bot.programme.refresh import parse_source
from bot.schedule.diff import diff_schedules
from confbot_dev.harness import ConferenceHarness
from tests.support.live_schedule import (
    MORNING,
    MOVED,
    TALK_START,
    following_the_talk,
    live_config,
    programme,
    write_programme,
)


@pytest.fixture
async def conference(tmp_path: Path, example_config: Config) -> AsyncIterator[ConferenceHarness]:
    """Start the bot on the two-talk programme; alice (in Tokyo) follows the talk."""
    async with following_the_talk(live_config(tmp_path, base=example_config)) as harness:
        yield harness


def source(harness: ConferenceHarness) -> Path:
    """Return the schedule file the bot refreshes from."""
    path = harness.config.schedule.source
    assert isinstance(path, Path)
    return path


def live(harness: ConferenceHarness) -> LiveSchedule:
    """Return the bot's live schedule."""
    assert harness.bot is not None
    found = harness.bot.services.live_schedule
    assert isinstance(found, LiveSchedule)
    return found


async def settle(harness: ConferenceHarness, instant: datetime | None = None) -> None:
    """Move the clock (if given) and let everything due finish."""
    assert harness.bot is not None
    if instant is not None:
        harness.clock.set(instant)
    await harness.bot.services.scheduler.settle()


def updates(harness: ConferenceHarness) -> list[str]:
    """Return what #schedule-updates shows."""
    return [m["content"] for m in harness.sandbox.messages(harness.channel("schedule-updates"))]


def dms(harness: ConferenceHarness, name: str = "alice") -> list[str]:
    """Return the DMs a member got."""
    return [m["content"] for m in harness.sandbox.dm_messages(harness.member(name))]


async def test_a_moved_session_is_posted_in_the_conference_zone(
    conference: ConferenceHarness,
) -> None:
    """The next refresh posts "Moved: *title* (speaker) old → new, Room A → Room B <t:…>"."""
    write_programme(source(conference), **MOVED)
    await settle(conference, MORNING + timedelta(minutes=10))
    (post,) = updates(conference)
    assert post == (
        "**Schedule changes**\n- Moved: *Rust at scale* (Ada Lovelace) "
        "Wed 5 Jun 10:00-10:30 CEST → Wed 5 Jun 11:00-11:30 CEST, Room A → Room B"
        f" — <t:{int((TALK_START + timedelta(hours=1)).timestamp())}:F>"
    )
    (message,) = conference.sandbox.messages(conference.channel("schedule-updates"))
    assert message["allowed_mentions"] == {"parse": []}


async def test_a_subscriber_of_a_moved_session_gets_one_dm_and_the_reminder_moves(
    conference: ConferenceHarness,
) -> None:
    """Alice gets one DM in Tokyo time; her reminder comes 10 min before the new start."""
    write_programme(source(conference), **MOVED)
    await live(conference).refresh()
    await live(conference).refresh()
    await settle(conference)
    (notice,) = dms(conference)
    assert notice.startswith("A session in your agenda changed.\nMoved: *Rust at scale*")
    assert "Wed 5 Jun 17:00-17:30 JST → Wed 5 Jun 18:00-18:30 JST" in notice
    assert notice.endswith("Your reminders moved with it.")
    await settle(conference, TALK_START - timedelta(minutes=10))
    assert len(dms(conference)) == 1  # not at the old time
    await settle(conference, TALK_START + timedelta(minutes=50))
    assert "Starts in 10 min" in dms(conference)[-1]


async def test_a_session_that_only_runs_longer_is_reported_with_its_new_end(
    conference: ConferenceHarness,
) -> None:
    """10:00-10:30 becomes 10:00-11:00: the post and the DM say "now ends at", not "Moved"."""
    write_programme(source(conference), talk_end="2030-06-05 11:00")
    await live(conference).refresh()
    await settle(conference)
    (post,) = updates(conference)
    assert post.startswith(
        "**Schedule changes**\n- Longer: *Rust at scale* (Ada Lovelace) "
        "Wed 5 Jun 10:00-11:00 CEST, Room A: now ends at 11:00 CEST (was 10:30 CEST)"
    )
    (notice,) = dms(conference)
    assert "Wed 5 Jun 17:00-18:00 JST, Room A: now ends at 18:00 JST (was 17:30 JST)" in notice
    assert notice.endswith("It starts as before, so your reminders stay as they were.")
    await settle(conference, TALK_START - timedelta(minutes=10))
    assert "Starts in 10 min" in dms(conference)[-1]


async def test_a_session_cut_short_is_reported_as_shorter(conference: ConferenceHarness) -> None:
    """10:00-10:30 becomes 10:00-10:20: "Shorter: … now ends at 10:20 CEST (was 10:30 CEST)"."""
    write_programme(source(conference), talk_end="2030-06-05 10:20")
    await live(conference).refresh()
    await settle(conference)
    (post,) = updates(conference)
    assert "- Shorter: *Rust at scale*" in post
    assert "now ends at 10:20 CEST (was 10:30 CEST)" in post


async def test_a_cancellation_is_announced_once_and_its_reminder_cancelled(
    conference: ConferenceHarness,
) -> None:
    """Dropped from the file: one post and one DM; a refresh still lacking it adds none."""
    write_programme(source(conference), with_talk=False)
    await live(conference).refresh()
    write_programme(source(conference), with_talk=False, title="unused")
    source(conference).write_text(
        source(conference).read_text() + "\n# an edit elsewhere\n", encoding="utf-8"
    )
    second = await live(conference).refresh()
    assert second.applied is not None
    assert not second.applied.diff
    await settle(conference, TALK_START + timedelta(minutes=5))
    (post,) = updates(conference)
    assert post.startswith("**Schedule changes**\n- Removed: *Rust at scale* (Ada Lovelace)")
    (notice,) = dms(conference)
    assert notice.endswith("Its reminders are cancelled.")


async def test_a_session_that_comes_back_is_announced_as_restored(
    conference: ConferenceHarness,
) -> None:
    """Dropped, then back: "Restored:" is posted and DMed, and the reminder is planned again."""
    write_programme(source(conference), with_talk=False)
    await live(conference).refresh()
    write_programme(source(conference))
    await live(conference).refresh()
    await settle(conference)
    assert updates(conference)[-1].startswith("**Schedule changes**\n- Restored: *Rust at scale*")
    assert dms(conference)[-1].endswith("It is back in your agenda, reminders included.")
    await settle(conference, TALK_START - timedelta(minutes=10))
    assert "Starts in 10 min" in dms(conference)[-1]


async def test_answers_follow_the_swap(conference: ConferenceHarness) -> None:
    """/session answers 10:00, then the new time right after the refresh."""
    bob = conference.member("bob")
    before = await conference.sandbox.invoke(bob, "session", {"session": "talk"})
    assert "10:00-10:30" in str(before.embeds[0])
    write_programme(source(conference), **MOVED)
    await live(conference).refresh()
    after = await conference.sandbox.invoke(bob, "session", {"session": "talk"})
    assert "11:00-11:30" in str(after.embeds[0])


def test_many_changes_are_split_within_discords_limit() -> None:
    """300 retitled sessions: several posts, each at most 2,000 characters, none lost."""
    before = parse_source(programme().encode(), name="a.toml")
    after = parse_source(programme(title="x" * 200).encode(), name="a.toml")
    notices = notices_for(diff_schedules(before, after), before, after) * 300
    messages = channel_messages(notices, "Europe/Berlin")
    assert len(messages) > 1
    assert max(len(message) for message in messages) <= MESSAGE_LIMIT
    assert sum(message.count("\n- ") for message in messages) == 300


async def test_confbot_import_is_applied_by_the_bot_at_start(tmp_path: Path) -> None:
    """`confbot import FILE` then a start: the file is live and its changes are posted."""
    write_programme(tmp_path / "live.toml")
    config_path = tmp_path / "config.toml"
    config_path.write_text(
        '[storage]\ndatabase = "confbot.db"\n[schedule]\nsource = "live.toml"\n'
        '[guild]\nschedule_updates_channel = "schedule-updates"\n',
        encoding="utf-8",
    )
    async with ConferenceHarness(load_config(config_path), start=MORNING) as harness:
        pass  # the first start stores the source as the applied schedule
    moved = write_programme(tmp_path / "moved.toml", **MOVED)
    assert await asyncio.to_thread(main, ["import", str(moved), "--config", str(config_path)]) == 0
    async with ConferenceHarness(load_config(config_path), start=MORNING) as harness:
        await settle(harness)
        assert harness.bot is not None
        session = harness.bot.services.schedule.session("talk")
        assert session is not None
        assert session.start == TALK_START + timedelta(hours=1)
        (post,) = updates(harness)
        assert "Moved: *Rust at scale*" in post
