"""A 1,000-session, 3-day conference: the event list is exactly the window, under the cap."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from bot.config import EventsConfig
from bot.events.plan import in_window, session_marker
from bot.schedule.native_dump import write_native_schedule
from confbot_dev.generate import generate_schedule
from confbot_dev.harness import ConferenceHarness, harness_config
from confbot_dev.sandbox import Limits, RouteLimit

CAP = 80
EXTENSIONS = ("cogs.meta", "cogs.events")
WINDOW = timedelta(hours=48)


async def test_the_event_list_is_the_window_at_every_moment(tmp_path: Path) -> None:
    """Every 5 hours over the 3 days: the bot's open events are the next sessions, ≤ the cap."""
    generated = generate_schedule(sessions=1000, tracks=10, days=3, seed=4)
    # No speaker is on Discord here: no heads-ups to people the sandbox does not know.
    speakers = tuple(replace(s, discord_user_id=None) for s in generated.speakers)
    schedule = replace(generated, speakers=speakers)
    path = write_native_schedule(schedule, tmp_path / "big.json")
    config = harness_config(tmp_path, schedule=path)
    config = config.model_copy(
        update={
            "events": EventsConfig(enabled=True, cap=CAP),
            # The budget is real time: raised so the test's thousand requests take little.
            "delivery": config.delivery.model_copy(update={"requests_per_second": 2000.0}),
        }
    )
    first = min(session.start for session in schedule.sessions)
    last = max(session.end for session in schedule.sessions)
    fast = Limits(global_per_second=100_000, default_route=RouteLimit(100_000, 1.0))
    async with ConferenceHarness(
        config, start=first - timedelta(hours=1), limits=fast, extensions=EXTENSIONS
    ) as harness:
        assert harness.bot is not None
        sandbox, guild = harness.sandbox, harness.sandbox_guild
        moment = harness.clock.now()
        checked = 0
        while moment < last + timedelta(hours=1):
            harness.clock.set(moment)
            await harness.bot.services.scheduler.settle()
            await sandbox.scheduled_events.follow_clock()
            events = [e for e in sandbox.scheduled_events.in_guild(guild) if e.open]
            expected = in_window(schedule.sessions, moment, WINDOW, CAP)
            markers = sorted(e.description.rsplit("\n", 1)[-1] for e in events if e.description)
            assert len(events) <= CAP
            assert markers == sorted(session_marker(s.id) for s in expected), moment
            checked += 1
            moment += timedelta(hours=7)
        assert checked >= 8
        # Each session was created at most once.
        descriptions = [e.description for e in sandbox.scheduled_events.in_guild(guild)]
        assert len(descriptions) == len(set(descriptions))
        assert sandbox.rejections == []
