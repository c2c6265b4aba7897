"""Refreshing the schedule from an http(s) source: a bad fetch changes nothing, reported once."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from aiohttp import web

from bot.config import Config
from bot.programme.live import LiveSchedule
from bot.programme.refresh import (
    LAST_GOOD_FILE,
    SourceError,
    fetch_source,
    initial_schedule,
)
from bot.storage.database import open_database
from confbot_dev.harness import ConferenceHarness
from tests.support.live_schedule import MORNING, TALK_START, live_config, programme
from tests.support.write_lock import write_lock_held

GOOD = programme().encode()
# The talk ends before it starts: the file fails validation.
# The talk an hour later.
LATER = programme(talk="2030-06-05 11:00", talk_end="2030-06-05 11:30").encode()
INVALID = programme(talk_end="2030-06-05 09:00").encode()


def etag_of(body: bytes) -> str:
    """Return the ETag the origin gives ``body``."""
    return f'"{hashlib.sha256(body).hexdigest()[:12]}"'


@dataclass
class Origin:
    """A local schedule server whose answer the test chooses."""

    mode: str = "ok"
    body: bytes = GOOD
    requests: list[dict[str, str]] = field(default_factory=list)
    url: str = ""

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Answer as ``mode`` says: ok (with ETag/304), 500, truncated, invalid, hang."""
        self.requests.append(dict(request.headers))
        if self.mode == "500":
            return web.Response(status=500, text="oops")
        if self.mode == "invalid":
            return web.Response(body=INVALID)
        if self.mode == "hang":
            await asyncio.Event().wait()
        if self.mode == "truncated":
            response = web.StreamResponse(headers={"Content-Length": str(len(self.body))})
            await response.prepare(request)
            await response.write(self.body[: len(self.body) // 2])
            assert request.transport is not None
            request.transport.close()  # the connection breaks mid-body
            return response
        etag = etag_of(self.body)
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304)
        return web.Response(body=self.body, headers={"ETag": etag})


@pytest.fixture
async def origin() -> AsyncIterator[Origin]:
    """Serve a schedule on 127.0.0.1 until the test ends."""
    served = Origin()
    app = web.Application()
    app.router.add_get("/schedule.toml", served.handle)
    runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    served.url = f"http://127.0.0.1:{port}/schedule.toml"
    yield served
    await runner.cleanup()


def url_config(tmp_path: Path, example_config: Config, origin: Origin) -> Config:
    """Return a config whose source is the origin, with a short fetch timeout."""
    config = live_config(tmp_path, source=origin.url, base=example_config)
    schedule = config.schedule.model_copy(update={"fetch_timeout_seconds": 0.3})
    return config.model_copy(update={"schedule": schedule})


@pytest.fixture
async def live(
    tmp_path: Path, example_config: Config, origin: Origin
) -> AsyncIterator[ConferenceHarness]:
    """Start the bot on the origin's schedule, its first refresh done."""
    async with ConferenceHarness(url_config(tmp_path, example_config, origin), start=MORNING) as h:
        assert h.bot is not None
        await h.bot.services.scheduler.settle()
        yield h
        assert h.sandbox.rejections == []


def live_schedule(harness: ConferenceHarness) -> LiveSchedule:
    """Return the bot's live schedule (a service)."""
    assert harness.bot is not None
    live = harness.bot.services.live_schedule
    assert isinstance(live, LiveSchedule)
    return live


async def moderation_log(harness: ConferenceHarness) -> list[str]:
    """Let due sends land, then return what #mod-log shows."""
    assert harness.bot is not None
    await harness.bot.services.scheduler.settle()
    return [message["content"] for message in harness.sandbox.messages(harness.channel("mod-log"))]


def talk_start(harness: ConferenceHarness) -> object:
    """Return the talk's start as the bot answers it."""
    assert harness.bot is not None
    session = harness.bot.services.schedule.session("talk")
    return session.start if session else None


async def test_an_unchanged_source_answers_304_and_nothing_happens(
    live: ConferenceHarness, origin: Origin
) -> None:
    """The second fetch sends the ETag, gets 304, and the schedule stays as it was."""
    outcome = await live_schedule(live).refresh()
    assert outcome.status == "unchanged"
    assert origin.requests[-1].get("If-None-Match") == etag_of(GOOD)
    assert talk_start(live) == TALK_START
    assert await moderation_log(live) == []


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("500", "the server answered 500 Internal Server Error"),
        ("truncated", "truncated"),
        ("invalid", 'session "talk": end 2030-06-05 09:00 is not after start'),
        ("hang", "no complete answer within 0.3 s"),
    ],
)
async def test_a_bad_fetch_keeps_the_schedule_and_is_reported_once(
    live: ConferenceHarness, origin: Origin, mode: str, reason: str
) -> None:
    """A 500, a truncated body, an invalid file or a hang: old schedule stays; one report."""
    origin.mode, origin.body = (
        mode,
        LATER,
    )
    first = await live_schedule(live).refresh()
    assert len(await moderation_log(live)) == 1
    live.clock.set(MORNING + timedelta(minutes=3))
    second = await live_schedule(live).refresh()
    assert (first.status, second.status) == ("failed", "failed")
    assert talk_start(live) == TALK_START
    (report,) = await moderation_log(live)
    assert report.startswith("Schedule refresh failed: schedule.toml: ")
    assert reason in report
    assert "Nothing changed" in report


async def test_a_new_reason_is_reported_again(live: ConferenceHarness, origin: Origin) -> None:
    """A 500, then a truncated body: two reports, one per reason."""
    origin.mode = "500"
    await live_schedule(live).refresh()
    assert len(await moderation_log(live)) == 1
    live.clock.set(MORNING + timedelta(minutes=3))
    origin.mode = "truncated"
    await live_schedule(live).refresh()
    reports = await moderation_log(live)
    assert len(reports) == 2
    assert "500" in reports[0]
    assert "truncated" in reports[1]


async def test_a_fetch_that_works_again_is_reported_and_applied(
    live: ConferenceHarness, origin: Origin
) -> None:
    """After a failure, a good fetch applies the new version and says it works again."""
    origin.mode = "500"
    await live_schedule(live).refresh()
    origin.mode, origin.body = (
        "ok",
        LATER,
    )
    outcome = await live_schedule(live).refresh()
    assert outcome.status == "applied"
    assert talk_start(live) == TALK_START.replace(hour=9)
    assert (await moderation_log(live))[-1] == "Schedule refresh from schedule.toml works again."


async def test_fetch_sends_if_modified_since(origin: Origin) -> None:
    """A stored Last-Modified goes out as If-Modified-Since."""
    await fetch_source(origin.url, last_modified="Wed, 05 Jun 2030 06:00:00 GMT")
    assert origin.requests[-1]["If-Modified-Since"] == "Wed, 05 Jun 2030 06:00:00 GMT"


async def test_a_source_down_at_start_uses_the_last_good_copy_on_disk(
    tmp_path: Path, example_config: Config, origin: Origin
) -> None:
    """With a new database and the source answering 500, the copy on disk is the schedule."""
    config = url_config(tmp_path, example_config, origin)
    async with await open_database(tmp_path / "first.db") as database:
        first = config.model_copy(
            update={"storage": config.storage.model_copy(update={"database": tmp_path / "x.db"})}
        )
        await initial_schedule(first, database)
    assert (tmp_path / LAST_GOOD_FILE).exists()
    origin.mode = "500"
    async with await open_database(tmp_path / "second.db") as database:
        schedule = await initial_schedule(config, database)
    assert [session.id for session in schedule.sessions] == ["talk", "closing"]


async def test_a_source_down_at_first_start_is_a_clear_error(
    tmp_path: Path, example_config: Config, origin: Origin
) -> None:
    """No copy anywhere and a 500: the start fails with the reason, not a traceback."""
    origin.mode = "500"
    config = url_config(tmp_path, example_config, origin)
    async with await open_database(tmp_path / "only.db") as database:
        with pytest.raises(Exception, match="the server answered 500"):
            await initial_schedule(config, database)


async def test_a_missing_file_is_a_source_error(tmp_path: Path) -> None:
    """A file source that vanished is one sentence, not an OSError."""
    with pytest.raises(SourceError, match=r"cannot read gone\.toml"):
        await fetch_source(tmp_path / "gone.toml")


async def test_a_refresh_meeting_a_locked_database_waits_for_the_next_tick(
    live: ConferenceHarness, origin: Origin
) -> None:
    """Another process holding the database postpones a refresh quietly; the next one applies."""
    assert live.bot is not None
    services = live.bot.services
    await services.database.set_busy_timeout(50)
    origin.body = LATER
    with write_lock_held(live.config.storage.database):
        live.clock.advance(timedelta(minutes=services.config.schedule.refresh_minutes))
        await services.scheduler.settle()
        assert talk_start(live) == TALK_START
    live.clock.advance(timedelta(minutes=services.config.schedule.refresh_minutes))
    await services.scheduler.settle()
    assert talk_start(live) == TALK_START.replace(hour=9)
