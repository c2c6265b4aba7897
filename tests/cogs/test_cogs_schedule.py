"""/schedule, /now, /next, /session, /search and autocomplete, through the sandbox."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from confbot_dev.harness import ConferenceHarness
from confbot_dev.sandbox import InteractionResult
from tests.support.generated_conference import MY_EXTENSIONS, generated_config

FIRST_START = datetime(2025, 10, 23, 6, 0, tzinfo=UTC)
LAST_END = datetime(2025, 10, 24, 15, 0, tzinfo=UTC)


def shown(result: InteractionResult | dict[str, Any]) -> str:
    """Return the text a user reads in a reply (content and embeds), escapes removed."""
    message = result.message if isinstance(result, InteractionResult) else result
    assert message is not None
    parts = [message.get("content") or ""]
    for embed in message.get("embeds") or []:
        parts += [embed.get("title", ""), embed.get("description", "")]
        parts += [(embed.get("footer") or {}).get("text", "")]
        parts += [f"{f['name']}: {f['value']}" for f in embed.get("fields", [])]
    return re.sub(r"\\(.)", r"\1", "\n".join(parts))


@pytest.fixture
async def conference(tmp_path: Path) -> AsyncIterator[ConferenceHarness]:
    """Start the bot on the generated two-day, three-track conference."""
    async with ConferenceHarness(
        generated_config(tmp_path), start=FIRST_START, extensions=MY_EXTENSIONS
    ) as started:
        yield started
        assert started.sandbox.rejections == []


@pytest.mark.parametrize(
    ("zone", "clock", "expected"),
    [
        ("America/New_York", "12h", "Wed 24 Feb 4:00-5:45 p.m. EST"),
        ("America/Los_Angeles", "12h", "Wed 24 Feb 1:00-2:45 p.m. PST"),
        ("Europe/Paris", "12h", "Wed 24 Feb 10:00-11:45 p.m. CET"),
        ("Australia/Sydney", "12h", "Thu 25 Feb 8:00-9:45 a.m. AEDT (+1 day)"),
    ],
)
async def test_seed_session_in_the_four_readers_zones(
    harness: ConferenceHarness, zone: str, clock: str, expected: str
) -> None:
    """/schedule and /session show the seed session as each of the article's readers reads it."""
    sandbox, alice, general = harness.sandbox, harness.member("alice"), harness.channel("general")
    await sandbox.invoke(alice, "timezone set", {"zone": zone}, channel=general)
    await sandbox.invoke(alice, "timezone clock", {"format": clock}, channel=general)
    schedule = await sandbox.invoke(alice, "schedule", channel=general)
    heading, span = expected[:10], expected[11:]  # "Wed 24 Feb", "4:00-5:45 p.m. EST"
    assert f"__**{heading}**__" in shown(schedule)
    assert f"**{span}**" in shown(schedule)
    card = await sandbox.invoke(alice, "session", {"session": "conference"}, channel=general)
    assert expected in shown(card)
    assert "Conference time (America/New_York): Wed 24 Feb 4:00-5:45 p.m. EST" in shown(card)
    assert "<t:1614200400:F>" in shown(card)
    assert card.ephemeral
    assert card.allowed_mentions is not None
    assert card.allowed_mentions["parse"] == []


async def test_schedule_groups_across_the_date_line(conference: ConferenceHarness) -> None:
    """In Sydney the Berlin afternoon lands on the next local date, marked +1 day."""
    sandbox, alice = conference.sandbox, conference.member("alice")
    await sandbox.invoke(alice, "timezone set", {"zone": "Australia/Sydney"})
    page = await sandbox.invoke(alice, "schedule")
    texts = [shown(page)]
    for _ in range(5):
        page = await sandbox.click(alice, page, "Next")
        texts.append(shown(page))
    text = "\n".join(texts)
    assert "__**Thu 23 Oct**__" in text
    assert "__**Fri 24 Oct**__" in text
    assert "__**Sat 25 Oct**__" in text
    assert "(+1 day)" in text
    assert "Page 6/6" in texts[-1]


async def test_schedule_pages_turn_only_for_the_invoker(conference: ConferenceHarness) -> None:
    """Alice turns the page of her public answer; Bob pressing Next is refused privately."""
    sandbox, alice, bob = conference.sandbox, conference.member("alice"), conference.member("bob")
    general = conference.channel("general")
    [answer] = await sandbox.say(
        alice, general, f"{sandbox.mention_bot} schedule for thursday", expect_reply=True
    )
    assert "Page 1/" in shown(answer)
    refused = await sandbox.click(bob, answer, "Next")
    assert refused.content == "Only the person who asked can use these buttons."
    assert refused.ephemeral
    turned = await sandbox.click(alice, answer, "Next")
    assert "Page 2/" in shown(turned)


async def test_schedule_filters(conference: ConferenceHarness) -> None:
    """day, track and room narrow the programme; an empty result is a clear sentence."""
    sandbox, alice = conference.sandbox, conference.member("alice")
    track = await sandbox.invoke(alice, "schedule", {"track": "track-2", "day": "2025-10-24"})
    assert "on Fri 24 Oct in the Security track" in shown(track)
    room = await sandbox.invoke(alice, "schedule", {"room": "room-1"})
    assert "in Saal Ada" in shown(room)
    assert "Saal Grace" not in shown(room)
    empty = await sandbox.invoke(alice, "schedule", {"day": "2025-12-25"})
    assert empty.content is not None
    assert empty.content.startswith("There are no sessions on Thu 25 Dec.")


@pytest.mark.parametrize(
    ("offset", "command", "expected"),
    [
        (timedelta(hours=-2), "now", "The conference starts <t:1761199200:R>"),
        (timedelta(minutes=20), "now", "ends in 25 min"),
        (timedelta(minutes=20), "next", "starts <t:"),
        (timedelta(hours=12), "now", "Nothing is on right now."),
        (timedelta(hours=12), "next", "Fri 24 Oct 08:00"),
        (LAST_END - FIRST_START + timedelta(minutes=5), "now", "The conference is over"),
        (LAST_END - FIRST_START + timedelta(minutes=5), "next", "The conference is over"),
    ],
)
async def test_now_and_next_at_several_instants(
    conference: ConferenceHarness, offset: timedelta, command: str, expected: str
) -> None:
    """Before the first session, during, overnight between days, and after the last."""
    conference.clock.set(FIRST_START + offset)
    reply = await conference.sandbox.invoke(conference.member("alice"), command)
    assert expected in shown(reply)


async def test_now_in_one_room(conference: ConferenceHarness) -> None:
    """/now room: shows that room only, with the time left."""
    conference.clock.set(FIRST_START + timedelta(minutes=20))
    reply = await conference.sandbox.invoke(conference.member("alice"), "now", {"room": "room-1"})
    text = shown(reply)
    assert "On now in Saal Ada" in text
    assert "Keynote: Building forced-labour audits after ten years" in text
    assert "ends in 40 min" in text


async def test_autocomplete_stays_within_discord_limits(conference: ConferenceHarness) -> None:
    """Every autocomplete answers at most 25 choices with names and values of ≤ 100 chars."""
    sandbox, alice = conference.sandbox, conference.member("alice")
    cases = [
        ("session", "session", ""),
        ("session", "session", "court"),
        ("session", "session", "x" * 6000),
        ("schedule", "day", ""),
        ("schedule", "track", "sec"),
        ("schedule", "room", ""),
        ("timezone set", "zone", ""),
        ("timezone set", "zone", "syd"),
    ]
    for command, option, typed in cases:
        choices = await sandbox.autocomplete(alice, command, {option: typed}, focused=option)
        assert len(choices) <= 25
        assert all(1 <= len(c["name"]) <= 100 and 1 <= len(str(c["value"])) <= 100 for c in choices)
    zones = await sandbox.autocomplete(alice, "timezone set", {"zone": ""}, focused="zone")
    assert len(zones) == 25
    assert any(c["name"].startswith("Australia/Sydney - now ") for c in zones)
    days = await sandbox.autocomplete(alice, "schedule", {"day": ""}, focused="day")
    assert days == [
        {"name": "Thu 23 Oct", "value": "2025-10-23"},
        {"name": "Fri 24 Oct", "value": "2025-10-24"},
    ]
    court = await sandbox.autocomplete(alice, "session", {"session": "court"}, focused="session")
    assert court
    assert all("court" in c["name"].lower() for c in court)


async def test_session_unknown_names_closest_titles(conference: ConferenceHarness) -> None:
    """An unknown session is one private sentence naming the closest titles."""
    reply = await conference.sandbox.invoke(
        conference.member("alice"), "session", {"session": "zzz court transcriptz"}
    )
    assert reply.ephemeral
    assert reply.content is not None
    assert reply.content.startswith("I found no session matching “zzz court transcriptz”.")
    assert "Did you mean “Defending court transcripts — a case study”" in reply.content


async def test_six_thousand_characters_get_a_clear_sentence(conference: ConferenceHarness) -> None:
    """6,000 characters in /session and /search give short answers Discord accepts."""
    sandbox, alice = conference.sandbox, conference.member("alice")
    session = await sandbox.invoke(alice, "session", {"session": "q" * 6000})
    assert session.content is not None
    assert session.content.startswith("I found no session matching")
    assert len(session.content) < 300
    search = await sandbox.invoke(alice, "search", {"query": "@everyone " * 600})
    assert search.content is not None
    assert search.allowed_mentions is not None
    assert search.allowed_mentions["parse"] == []


async def test_search_is_ranked_and_paginated(conference: ConferenceHarness) -> None:
    """/search lists matching sessions (time in the reader's zone), 10 per page."""
    sandbox, alice = conference.sandbox, conference.member("alice")
    first = await sandbox.invoke(alice, "search", {"query": "case study"})
    assert "Search: case study" in shown(first)
    assert "29 results" in shown(first)
    assert "Page 1/" in shown(first)
    second = await sandbox.click(alice, first, "Next")
    assert "Page 2/" in shown(second)


async def test_hostile_titles_ping_nobody(tmp_path: Path) -> None:
    """A session titled "@everyone <@…> [click](…)" is shown inert everywhere."""
    config = generated_config(tmp_path, hostile=True)
    async with ConferenceHarness(config, start=FIRST_START, extensions=MY_EXTENSIONS) as started:
        sandbox, alice = started.sandbox, started.member("alice")
        replies = [
            await sandbox.invoke(alice, "session", {"session": "s0001"}),
            await sandbox.invoke(alice, "schedule"),
            await sandbox.invoke(alice, "now"),
        ]
        for reply in replies:
            raw = str(reply.message)
            assert "@everyone" not in raw
            assert "<@123456789012345678>" not in raw
            assert "[click](http" not in raw
            assert reply.allowed_mentions is not None
            assert reply.allowed_mentions["parse"] == []
        assert sandbox.rejections == []


@pytest.mark.parametrize("offset", [timedelta(hours=-2), timedelta(minutes=20)])
async def test_next_says_next_once(conference: ConferenceHarness, offset: timedelta) -> None:
    """/next is titled "Next" and lists the sessions under it, with no second "Next" heading."""
    conference.clock.set(FIRST_START + offset)
    reply = await conference.sandbox.invoke(conference.member("alice"), "next")
    assert reply.message is not None
    (embed,) = reply.message["embeds"]
    assert embed["title"] == "Next"
    assert "**Next" not in embed["description"]
    assert "starts <t:" in embed["description"]
