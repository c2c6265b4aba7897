"""Options parsed once: what each kind of option offers, and how it refuses a bad value."""

from __future__ import annotations

from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import cast

import discord
import pytest

from bot.config import Config
from bot.storage.repositories.users import UserProfile
from cogs.transformers import interaction_reader
from confbot_dev.harness import ConferenceHarness
from tests.support.announcing import announcing


@pytest.fixture
async def conference(seed_config: Config) -> AsyncIterator[ConferenceHarness]:
    """The seed conference with a moderator in Sydney."""
    async with announcing(seed_config) as started:
        yield started


async def test_when_reads_a_typed_time_back_in_the_readers_zone(
    conference: ConferenceHarness,
) -> None:
    """Typing "in 10 minutes" offers it back with the Sydney time it means."""
    offered = await conference.sandbox.autocomplete(
        conference.member("moderator"),
        "announce new",
        {"when": "in 10 minutes"},
        focused="when",
        channel=conference.channel("general"),
    )
    assert [choice["value"] for choice in offered] == ["in 10 minutes"]
    assert offered[0]["name"] == "in 10 minutes → Thu 25 Feb 07:55 AEDT"


async def test_when_offers_examples_on_empty_input(conference: ConferenceHarness) -> None:
    """An empty "when" offers now and two examples to start from."""
    offered = await conference.sandbox.autocomplete(
        conference.member("moderator"),
        "announce new",
        {"when": ""},
        focused="when",
        channel=conference.channel("general"),
    )
    assert [choice["value"] for choice in offered] == ["now", "in 10 minutes", "tomorrow 9am"]


async def test_when_says_why_a_typed_time_will_be_refused(conference: ConferenceHarness) -> None:
    """A time already past is read back, marked as past (the command would refuse it)."""
    offered = await conference.sandbox.autocomplete(
        conference.member("moderator"),
        "announce new",
        {"when": "yesterday 9am"},
        focused="when",
        channel=conference.channel("general"),
    )
    assert [choice["name"] for choice in offered] == [
        "yesterday 9am → Wed 24 Feb 09:00 AEDT (already passed)"
    ]


async def test_a_track_nothing_matches_is_refused_with_the_tracks_named(
    harness: ConferenceHarness,
) -> None:
    """/speakers track:zzz answers privately that there is no such track."""
    reply = await harness.sandbox.invoke(
        harness.member("alice"), "speakers", {"track": "zzz"}, channel=harness.channel("general")
    )
    assert reply.content.startswith("There is no track called “zzz”.")
    assert reply.ephemeral


async def test_a_speaker_nothing_matches_is_refused_with_suggestions(
    harness: ConferenceHarness,
) -> None:
    """/speaker name:zzz qqq says, privately, that no speaker is called so."""
    reply = await harness.sandbox.invoke(harness.member("alice"), "speaker", {"name": "zzz qqq"})
    assert reply.content.startswith("I couldn't find a speaker called “zzz qqq”.")
    assert reply.ephemeral


async def test_the_readers_profile_is_read_once_per_interaction(
    harness: ConferenceHarness,
) -> None:
    """An option's transformer and the command share one read of who is asking."""
    assert harness.bot is not None
    users = harness.bot.services.database.users
    reads: list[int] = []
    original = users.get

    async def counted(user_id: int) -> UserProfile | None:
        reads.append(user_id)
        return await original(user_id)

    users.get = counted  # type: ignore[method-assign]
    alice = harness.member("alice").id
    interaction = cast(
        discord.Interaction,
        SimpleNamespace(client=harness.bot, user=SimpleNamespace(id=alice), extras={}),
    )
    first = await interaction_reader(interaction)
    assert await interaction_reader(interaction) is first
    assert reads == [alice]
