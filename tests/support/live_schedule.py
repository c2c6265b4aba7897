"""A two-talk native schedule that tests edit as organisers would, and its harness config."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

from bot.config import Config
from confbot_dev.harness import ConferenceHarness, harness_config

#: The clock the live-schedule tests start at: the morning of the conference day.
MORNING = datetime(2030, 6, 5, 7, 0, tzinfo=UTC)
#: The talk tests move: 10:00-10:30 Berlin (08:00 UTC) in Room A.
TALK_START = datetime(2030, 6, 5, 8, 0, tzinfo=UTC)
#: The edit that moves it an hour later, into Room B (:func:`programme` keywords).
MOVED = {"talk": "2030-06-05 11:00", "talk_end": "2030-06-05 11:30", "room": "b"}


def programme(
    *,
    talk: str = "2030-06-05 10:00",
    talk_end: str = "2030-06-05 10:30",
    room: str = "a",
    title: str = "Rust at scale",
    with_talk: bool = True,
) -> str:
    """Return the schedule as TOML: the talk (editable) and a closing session."""
    talk_table = f'''
[[sessions]]
id = "talk"
title = "{title}"
start = "{talk}"
end = "{talk_end}"
room = "{room}"
speakers = ["ada"]
'''
    return f"""
[conference]
name = "Live Conf"
zone = "Europe/Berlin"

[[rooms]]
id = "a"
name = "Room A"

[[rooms]]
id = "b"
name = "Room B"

[[speakers]]
id = "ada"
name = "Ada Lovelace"
{talk_table if with_talk else ""}
[[sessions]]
id = "closing"
title = "Closing"
start = "2030-06-05 17:00"
end = "2030-06-05 17:30"
room = "a"
"""


def write_programme(path: Path, **changes: object) -> Path:
    """Write :func:`programme` with ``changes`` to ``path`` and return it."""
    path.write_text(programme(**changes), encoding="utf-8")  # type: ignore[arg-type]
    return path


def live_config(
    tmp_path: Path, *, source: Path | str | None = None, base: Config | None = None
) -> Config:
    """Return a harness config (channels from config.example.toml) on the programme."""
    path = write_programme(tmp_path / "live.toml")
    config = harness_config(tmp_path, schedule=path, base=base)
    if source is not None:
        config = config.model_copy(
            update={"schedule": config.schedule.model_copy(update={"source": source})}
        )
    return config


@asynccontextmanager
async def following_the_talk(config: Config) -> AsyncIterator[ConferenceHarness]:
    """Start the bot at :data:`MORNING` on ``config``; alice (in Tokyo) follows the talk."""
    async with ConferenceHarness(config, start=MORNING) as harness:
        assert harness.bot is not None
        await harness.bot.services.scheduler.settle()
        alice = harness.member("alice")
        await harness.sandbox.invoke(alice, "timezone set", {"zone": "Asia/Tokyo"})
        await harness.sandbox.invoke(alice, "remind", {"session": "talk"})
        yield harness
        assert harness.sandbox.rejections == []
