"""A generated multi-day, multi-track conference for schedule tests (and its harness)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from bot.config import Config
from bot.schedule.model import Schedule, Session
from bot.schedule.native_dump import write_native_schedule
from confbot_dev.generate import generate_schedule
from confbot_dev.harness import harness_config

#: The schedule features' extensions: these tests do not depend on other features' cogs.
MY_EXTENSIONS = ("cogs.meta", "cogs.profile", "cogs.schedule", "cogs.questions")
#: A title that tries every trick: mass mention, user mention, masked link, markdown.
HOSTILE_TITLE = "@everyone <@123456789012345678> [click](http://evil.example) **bold** `x`"


def generated_schedule(*, hostile: bool = False) -> Schedule:
    """Return 60 sessions over 2 days in 3 tracks and 4 rooms, Europe/Berlin (seed 1).

    Sessions run 06:00-16:15 UTC, so Sydney reads them across two local dates and
    Los Angeles starts them the evening before. With ``hostile`` the first session's
    title and abstract carry markdown and mention injection.
    """
    schedule = generate_schedule(sessions=60, tracks=3, days=2, seed=1)
    if not hostile:
        return schedule
    first: Session = replace(
        schedule.sessions[0], title=HOSTILE_TITLE, abstract=HOSTILE_TITLE + " " + "y" * 6000
    )
    return replace(schedule, sessions=(first, *schedule.sessions[1:]))


def generated_config(tmp_path: Path, *, hostile: bool = False) -> Config:
    """Return a harness config for :func:`generated_schedule` with a database in ``tmp_path``."""
    path = write_native_schedule(generated_schedule(hostile=hostile), tmp_path / "generated.json")
    return harness_config(tmp_path, schedule=path)
