"""What the announcement tests share: a moderator announcing in the seed conference."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from bot.config import AnnouncementsConfig, Config
from confbot_dev.harness import ConferenceHarness
from confbot_dev.sandbox import Role
from confbot_dev.sandbox.state import InteractionResult

# The seed harness starts at 2021-02-24 20:45 UTC: Thu 25 Feb 07:45 in Sydney (AEDT, +11).
SYDNEY = "Australia/Sydney"


@asynccontextmanager
async def announcing(
    seed_config: Config, prepare: Callable[[ConferenceHarness], None] = lambda harness: None
) -> AsyncIterator[ConferenceHarness]:
    """Start the seed conference with a pingable "Attendees" role and a Sydney moderator.

    ``prepare`` adds what a test file needs to the server (channels, say) before it runs.
    """
    config = seed_config.model_copy(
        update={"announcements": AnnouncementsConfig(pingable_roles=["Attendees"])}
    )
    async with ConferenceHarness(config) as started:
        assert started.bot is not None
        assert started.server is not None
        started.sandbox.add_role(started.server.guild, "Attendees", mentionable=True)
        prepare(started)
        await started.bot.services.database.users.set_zone(started.member("moderator").id, SYDNEY)
        yield started
        assert started.sandbox.rejections == [], "the bot sent requests Discord would reject"


def attendees_role(harness: ConferenceHarness) -> Role:
    """Return the pingable role :func:`announcing` added."""
    assert harness.server is not None
    return next(role for role in harness.server.guild.roles if role.name == "Attendees")


async def preview(
    harness: ConferenceHarness,
    options: dict[str, Any] | None = None,
    *,
    title: str = "Keynote soon",
    body: str = "Join the main stage.",
) -> InteractionResult:
    """Run /announce new as the moderator, fill in the form, return the preview."""
    moderator = harness.member("moderator")
    opened = await harness.sandbox.invoke(
        moderator, "announce new", options or {}, channel=harness.channel("general")
    )
    assert opened.modal is not None, opened.content
    return await harness.sandbox.submit_modal(
        moderator, opened.modal, {"Title": title, "Text": body}
    )


async def invoke(
    harness: ConferenceHarness, command: str, options: dict[str, Any] | None = None
) -> InteractionResult:
    """Run ``command`` as the moderator in #general."""
    return await harness.sandbox.invoke(
        harness.member("moderator"), command, options or {}, channel=harness.channel("general")
    )


async def settle_at(harness: ConferenceHarness, instant: datetime) -> None:
    """Move the clock to ``instant`` and let everything due run."""
    assert harness.bot is not None
    harness.clock.set(instant)
    await harness.bot.services.scheduler.settle()
