"""A swap that fails midway: the old schedule, reminders and silence stay, the failure is told."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.config import Config
from bot.programme.refresh import stage_import
from bot.reminders.planner import ROOM_PLAN_KEY
from confbot_dev.harness import ConferenceHarness
from tests.conftest import ErrorCollector
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
    config = live_config(tmp_path, base=example_config)
    # An hour between refreshes: before the talk's reminder only a reload swaps.
    schedule = config.schedule.model_copy(update={"refresh_minutes": 60})
    async with following_the_talk(config.model_copy(update={"schedule": schedule})) as harness:
        yield harness


async def settle(harness: ConferenceHarness, instant: Any = None) -> None:
    """Move the clock (if given) and let everything due finish."""
    assert harness.bot is not None
    if instant is not None:
        harness.clock.set(instant)
    await harness.bot.services.scheduler.settle()


def fail_room_posts(harness: ConferenceHarness, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make the last step of a swap (re-planning room posts) raise; return the calls seen."""
    assert harness.bot is not None
    calls: list[str] = []

    async def broken(kind: str, scope: str, keep: Any = ()) -> int:
        calls.append(kind)
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(harness.bot.services.database.outbox, "cancel_scope", broken)
    return calls


async def test_a_swap_failing_after_the_reminders_moved_changes_nothing(
    conference: ConferenceHarness,
    bot_logs_no_errors: ErrorCollector,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Reload fails at its last step: 10:00 still shown, reminder at 9:50, no notice, one code."""
    bot_logs_no_errors.allow("unexpected error")
    calls = fail_room_posts(conference, monkeypatch)
    source = conference.config.schedule.source
    assert isinstance(source, Path)
    write_programme(source, **MOVED)
    moderator, general = conference.member("moderator"), conference.channel("general")
    reply = await conference.sandbox.invoke(moderator, "conference reload", {}, channel=general)
    assert calls, "the swap never reached the failing step"
    assert reply.ephemeral
    assert reply.content.startswith("Something went wrong on my side (error code ")
    (logged,) = bot_logs_no_errors.records
    assert logged.getMessage().startswith("unexpected error ")
    bob = conference.member("bob")
    card = await conference.sandbox.invoke(bob, "session", {"session": "talk"})
    assert "10:00-10:30" in str(card.embeds[0])
    await settle(conference, TALK_START - timedelta(minutes=11))
    assert conference.sandbox.dm_messages(conference.member("alice")) == []
    await settle(conference, TALK_START - timedelta(minutes=10))
    (reminder,) = [m["content"] for m in conference.sandbox.dm_messages(conference.member("alice"))]
    assert "Starts in 10 min" in reminder
    assert conference.sandbox.messages(conference.channel("schedule-updates")) == []


@pytest.fixture
async def room_posts(tmp_path: Path, example_config: Config) -> AsyncIterator[ConferenceHarness]:
    """Start the bot with Room A's "starting soon" posts in #main-stage and no updates channel."""
    config = live_config(tmp_path, base=example_config)
    guild = config.guild.model_copy(
        update={"room_channels": {"a": "main-stage"}, "schedule_updates_channel": None}
    )
    schedule = config.schedule.model_copy(update={"refresh_minutes": 60})
    config = config.model_copy(update={"guild": guild, "schedule": schedule})
    async with ConferenceHarness(config, start=MORNING) as harness:
        assert harness.bot is not None
        await harness.bot.services.scheduler.settle()
        yield harness
        assert harness.sandbox.rejections == []


async def test_a_failed_swap_leaves_the_room_post_at_its_old_time(
    room_posts: ConferenceHarness,
    bot_logs_no_errors: ErrorCollector,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The talk's move an hour later fails: #main-stage still gets its post at 9:55, not 10:55."""
    assert room_posts.bot is not None
    bot_logs_no_errors.allow("unexpected error")
    meta = room_posts.bot.services.database.meta
    remember = meta.set

    async def broken(key: str, value: str) -> None:
        if key == ROOM_PLAN_KEY:  # the swap's very last write
            raise RuntimeError("the disk is full")
        await remember(key, value)

    monkeypatch.setattr(meta, "set", broken)
    source = room_posts.config.schedule.source
    assert isinstance(source, Path)
    write_programme(source, talk="2030-06-05 11:00", talk_end="2030-06-05 11:30")
    moderator, general = room_posts.member("moderator"), room_posts.channel("general")
    reply = await room_posts.sandbox.invoke(moderator, "conference reload", {}, channel=general)
    assert reply.content.startswith("Something went wrong on my side (error code ")
    await settle(room_posts, TALK_START - timedelta(minutes=5))
    (post,) = room_posts.sandbox.messages(room_posts.channel("main-stage"))
    assert "Rust at scale" in post["content"]


async def test_a_staged_import_that_fails_to_apply_is_reported_once(
    conference: ConferenceHarness,
    bot_logs_no_errors: ErrorCollector,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`confbot import` whose swap fails: one mod-log line with a code, the old schedule stays."""
    assert conference.bot is not None
    bot_logs_no_errors.allow("applying the schedule from confbot import failed")
    fail_room_posts(conference, monkeypatch)
    await stage_import(conference.config, programme(**MOVED).encode(), "moved.toml")
    await settle(conference, MORNING + timedelta(hours=1))  # the next refresh
    await settle(conference, MORNING + timedelta(hours=2))  # and the one after
    log = [m["content"] for m in conference.sandbox.messages(conference.channel("mod-log"))]
    (report,) = [line for line in log if "imported schedule" in line]
    assert report.startswith("The imported schedule was not applied: an unexpected error (code ")
    assert report.endswith("nothing changed. Run `confbot import` again to retry.")
    (logged,) = bot_logs_no_errors.records
    assert "failed (code " in logged.getMessage()
    card = await conference.sandbox.invoke(conference.member("bob"), "session", {"session": "talk"})
    assert "10:00-10:30" in str(card.embeds[0])
    assert conference.sandbox.messages(conference.channel("schedule-updates")) == []
