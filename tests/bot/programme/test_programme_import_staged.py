"""`confbot import` with --tz/--format: the bot applies what the command showed, restarts too."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import load_config
from confbot_dev.harness import ConferenceHarness
from tests.support.live_schedule import MORNING, write_programme

# Times with no zone: 18:00 in Tokyo is 09:00 UTC, 11:00 in Berlin (guild.zone).
SPREADSHEET = """id,title,start,end,room
talk,Rust at scale,2030-06-05 18:00,2030-06-05 18:30,Room A
closing,Closing,2030-06-05 23:00,2030-06-05 23:30,Room A
"""


@pytest.fixture
async def conference(tmp_path: Path) -> AsyncIterator[ConferenceHarness]:
    """Start the bot on the Berlin programme, guild.zone Europe/Berlin, from a config file."""
    write_programme(tmp_path / "live.toml")
    config_path = tmp_path / "config.toml"
    config_path.write_text(
        '[storage]\ndatabase = "confbot.db"\n[schedule]\nsource = "live.toml"\n'
        '[guild]\nzone = "Europe/Berlin"\nschedule_updates_channel = "schedule-updates"\n',
        encoding="utf-8",
    )
    async with ConferenceHarness(load_config(config_path), start=MORNING) as harness:
        assert harness.bot is not None
        await harness.bot.services.scheduler.settle()
        yield harness
        assert harness.sandbox.rejections == []


async def confbot_import(harness: ConferenceHarness, *argv: str) -> int:
    """Run `confbot import ARGV --config <the bot's config>` as an organiser would."""
    config = harness.config.storage.database.parent / "config.toml"
    return await asyncio.to_thread(main, ["import", *argv, "--config", str(config)])


async def next_refresh(harness: ConferenceHarness) -> None:
    """Move the clock to the bot's next refresh and let it finish."""
    assert harness.bot is not None
    minutes = harness.config.schedule.refresh_minutes
    harness.clock.set(harness.clock.now() + timedelta(minutes=minutes))
    await harness.bot.services.scheduler.settle()


async def talk_card(harness: ConferenceHarness) -> str:
    """Return what /session shows bob for the talk."""
    reply = await harness.sandbox.invoke(harness.member("bob"), "session", {"session": "talk"})
    return str(reply.embeds[0])


async def test_a_staged_import_keeps_its_tz_when_applied_and_after_a_restart(
    conference: ConferenceHarness, tmp_path: Path
) -> None:
    """A CSV imported with --tz Asia/Tokyo shows 11:00 Berlin (not 18:00), before and after."""
    spreadsheet = tmp_path / "programme.csv"
    spreadsheet.write_text(SPREADSHEET, encoding="utf-8")
    assert "10:00-10:30" in await talk_card(conference)
    assert await confbot_import(conference, str(spreadsheet), "--tz", "Asia/Tokyo") == 0
    await next_refresh(conference)
    assert "11:00-11:30" in await talk_card(conference)
    await conference.restart_bot()
    assert "11:00-11:30" in await talk_card(conference)


async def test_a_staged_import_keeps_its_format_when_applied_and_after_a_restart(
    conference: ConferenceHarness, tmp_path: Path
) -> None:
    """A CSV saved as .toml, imported with --format csv, is read as CSV by the bot, then too."""
    misnamed = tmp_path / "programme.toml"
    misnamed.write_text(SPREADSHEET, encoding="utf-8")
    status = await confbot_import(conference, str(misnamed), "--format", "csv", "--tz", "Tokyo")
    assert status == 0
    await next_refresh(conference)
    assert "11:00-11:30" in await talk_card(conference)
    await conference.restart_bot()
    assert "11:00-11:30" in await talk_card(conference)


def test_a_copy_stored_before_format_and_zone_existed_still_reads() -> None:
    """A stored copy without "format"/"zone" is detected and read in the zone given."""
    from bot.programme.refresh import LastGood

    old = json.dumps({"name": "programme.csv", "text": SPREADSHEET, "tombstones": []})
    copy = LastGood.from_json(old)
    assert (copy.format, copy.zone) == (None, None)
    (session, _) = copy.schedule(zone="Asia/Tokyo").sessions
    assert session.start == datetime(2030, 6, 5, 9, 0, tzinfo=UTC)


def test_a_copy_keeps_its_format_and_zone_through_json() -> None:
    """format and zone survive to_json/from_json and win over the zone the caller gives."""
    from bot.programme.refresh import LastGood

    copy = LastGood("programme.toml", SPREADSHEET, format="csv", zone="Asia/Tokyo")
    again = LastGood.from_json(copy.to_json())
    assert again == copy
    (session, _) = again.schedule(zone="Europe/Berlin").sessions
    assert session.start == datetime(2030, 6, 5, 9, 0, tzinfo=UTC)
