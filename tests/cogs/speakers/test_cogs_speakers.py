"""Speakers through the sandbox: cards, lookup, lists, links and heads-up DMs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import Config
from confbot_dev.harness import ConferenceHarness, harness_config
from confbot_dev.sandbox import CommandNotShown
from tests.support.schedule_files import write_schedule

HOSTILE_BIO = (
    "@everyone look <@123456789012345678> and <@&42> [click me](https://evil.example) "
    + "**bold** `code` " * 400
    + "x" * 3000
)
START = datetime(2025, 10, 23, 9, 0, tzinfo=UTC)


async def set_zone(harness: ConferenceHarness, member: str, zone: str) -> None:
    """Store ``zone`` as ``member``'s time zone, as /timezone set would."""
    assert harness.bot is not None
    await harness.bot.services.database.users.set_zone(harness.member(member).id, zone)


def all_text(embed: dict[str, object]) -> str:
    """Return every text part of an embed, joined."""
    parts = [str(embed.get("title", "")), str(embed.get("description", ""))]
    for field in embed.get("fields", []):  # type: ignore[attr-defined]
        parts += [field["name"], field["value"]]
    parts.append(str((embed.get("footer") or {}).get("text", "")))  # type: ignore[union-attr]
    return "\n".join(parts)


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("Australia/Sydney", "Thu 25 Feb 08:00-09:45 AEDT (+1 day)"),
        ("America/New_York", "Wed 24 Feb 16:00-17:45 EST"),
        ("America/Los_Angeles", "Wed 24 Feb 13:00-14:45 PST"),
        ("Europe/Paris", "Wed 24 Feb 22:00-23:45 CET"),
    ],
)
async def test_speaker_card_shows_the_keynote_in_the_readers_zone(
    harness: ConferenceHarness, zone: str, expected: str
) -> None:
    """/speaker name:geoffrey shows Sir Geoffrey Nice QC with the keynote in the reader's zone."""
    await set_zone(harness, "alice", zone)
    reply = await harness.sandbox.invoke(
        harness.member("alice"), "speaker", {"name": "geoffrey"}, channel=harness.channel("general")
    )
    (embed,) = reply.embeds
    assert embed["title"] == "Sir Geoffrey Nice QC"
    assert "Slobodan Milosevic" in embed["description"]
    assert expected in all_text(embed)
    assert "<t:1614200400:F>" in all_text(embed)
    assert reply.allowed_mentions == {"parse": []}


@pytest.mark.parametrize(
    "typed", ["nice", "geoffrey nice", "Sir Geoffrey", "GEOFFREY NICE QC", "geofrey"]
)
async def test_speaker_lookup_ignores_titles_case_and_typos(
    harness: ConferenceHarness, typed: str
) -> None:
    """Honorifics, post-nominals, case and a typo do not stop the lookup."""
    reply = await harness.sandbox.invoke(harness.member("bob"), "speaker", {"name": typed})
    assert reply.embeds[0]["title"] == "Sir Geoffrey Nice QC"


async def test_unset_zone_gets_conference_time_and_a_hint(harness: ConferenceHarness) -> None:
    """A reader with no zone sees conference time and a hint to set theirs."""
    reply = await harness.sandbox.invoke(harness.member("bob"), "speaker", {"name": "nice"})
    text = all_text(reply.embeds[0])
    assert "Wed 24 Feb 16:00-17:45 EST" in text
    assert "/timezone set" in text


async def test_unknown_speaker_offers_the_closest_names(harness: ConferenceHarness) -> None:
    """An unknown name gets one private sentence, not a traceback."""
    reply = await harness.sandbox.invoke(
        harness.member("alice"),
        "speaker",
        {"name": "zzzz qqqq"},
        channel=harness.channel("general"),
    )
    assert reply.ephemeral
    assert reply.content.startswith("I couldn't find a speaker called “zzzz qqqq”.")


async def test_speaker_autocomplete_offers_names(harness: ConferenceHarness) -> None:
    """Typing part of a name offers the speaker, within Discord's limits."""
    choices = await harness.sandbox.autocomplete(
        harness.member("alice"), "speaker", {"name": "nic"}, focused="name"
    )
    assert choices == [{"name": "Sir Geoffrey Nice QC", "value": "nice"}]


@pytest.fixture
async def crowded(tmp_path: Path, example_config: Config) -> AsyncIterator[ConferenceHarness]:
    """A conference with 60 speakers, a hostile bio, namesakes and a linked speaker."""
    speakers = [
        {"id": f"p{number:02d}", "name": f"Speaker {number:02d}", "affiliation": "Uni"}
        for number in range(60)
    ]
    speakers += [
        {
            "id": "hostile",
            "name": "Mallory @everyone",
            "bio": HOSTILE_BIO,
            "url": "https://example.org/m",
        },
        {"id": "alex1", "name": "Alex Kim", "affiliation": "Acme"},
        {"id": "alex2", "name": "Alex Kim", "affiliation": "Globex"},
        {"id": "idle", "name": "Ida Idle"},
    ]
    sessions = [
        {
            "id": f"s{number:02d}",
            "title": f"Talk {number:02d}",
            "start": (START + timedelta(hours=number)).strftime("%Y-%m-%d %H:%M"),
            "duration": 45,
            "room": "main",
            "track": "sec" if number % 2 else "web",
            # Speaker 00 also speaks in Talk 01, in the other track.
            "speakers": {0: ["p00", "hostile"], 1: ["p01", "p00"]}.get(number, [f"p{number:02d}"]),
        }
        for number in range(60)
    ]
    sessions.append(
        {
            "id": "kim",
            "title": "Two Kims",
            "start": "2025-10-26 09:00",
            "duration": 30,
            "speakers": ["alex1", "alex2"],
        }
    )
    sessions.append(
        {"id": "lonely", "title": "Nobody speaks", "start": "2025-10-26 10:00", "duration": 30}
    )
    path = write_schedule(
        tmp_path / "crowded.json",
        sessions=sessions,
        speakers=speakers,
        rooms=[{"id": "main", "name": "Main", "stream_url": "https://stream.example/main"}],
        tracks=[{"id": "sec", "name": "Security"}, {"id": "web", "name": "Web"}],
    )
    config = harness_config(tmp_path, schedule=path, base=example_config)
    async with ConferenceHarness(config, start=START - timedelta(hours=1)) as started:
        yield started
        assert started.sandbox.rejections == []


async def test_hostile_bio_stays_within_limits_and_pings_nobody(crowded: ConferenceHarness) -> None:
    """A 10,000-character bio full of mentions and masked links is cut and defused."""
    reply = await crowded.sandbox.invoke(crowded.member("alice"), "speaker", {"name": "mallory"})
    (embed,) = reply.embeds
    description = embed["description"]
    assert len(description) <= 4096
    assert len(all_text(embed)) <= 6000
    assert "@everyone" not in description.replace("@\u200beveryone", "")
    assert "<@123456789012345678>" not in description
    assert "[click me](https://evil.example)" not in description
    assert "[Full bio](https://example.org/m)" in description
    assert reply.allowed_mentions == {"parse": []}


async def test_namesakes_are_both_offered(crowded: ConferenceHarness) -> None:
    """Two speakers with the same name are told apart by affiliation."""
    choices = await crowded.sandbox.autocomplete(
        crowded.member("alice"), "speaker", {"name": "alex kim"}, focused="name"
    )
    assert {choice["name"] for choice in choices} == {"Alex Kim (Acme)", "Alex Kim (Globex)"}


async def test_speaker_without_sessions_says_so(crowded: ConferenceHarness) -> None:
    """A speaker with no sessions gets a card that says so."""
    reply = await crowded.sandbox.invoke(crowded.member("alice"), "speaker", {"name": "ida idle"})
    assert "No sessions in the schedule." in all_text(reply.embeds[0])


async def test_autocomplete_never_offers_more_than_25(crowded: ConferenceHarness) -> None:
    """With 64 speakers, empty input offers exactly 25 choices."""
    choices = await crowded.sandbox.autocomplete(
        crowded.member("alice"), "speaker", {"name": ""}, focused="name"
    )
    assert len(choices) == 25
    assert all(len(choice["name"]) <= 100 for choice in choices)


async def test_speaker_list_is_paginated_and_sorted(crowded: ConferenceHarness) -> None:
    """/speakers pages through everyone by name; only the invoker can turn pages."""
    alice = crowded.member("alice")
    general = crowded.channel("general")
    first = await crowded.sandbox.invoke(alice, "speakers", channel=general)
    assert first.embeds[0]["footer"]["text"].startswith("Page 1/5 · 64 speakers")
    assert first.embeds[0]["description"].startswith("**Alex Kim** (Acme)")
    second = await crowded.sandbox.click(alice, first, "Next")
    assert second.embeds[0]["footer"]["text"].startswith("Page 2/5")
    refused = await crowded.sandbox.click(crowded.member("bob"), second, "Next")
    assert refused.ephemeral
    assert refused.content == "Only the person who asked can use these buttons."


async def test_speaker_list_by_track(crowded: ConferenceHarness) -> None:
    """/speakers track:Security lists only that track's speakers."""
    reply = await crowded.sandbox.invoke(crowded.member("alice"), "speakers", {"track": "sec"})
    description = reply.embeds[0]["description"]
    assert "Speaker 01" in description
    assert "Speaker 02" not in description


@pytest.mark.parametrize(
    ("track", "expected", "other"),
    [
        ("sec", "**Speaker 00** (Uni)\n  next: Talk 01, ", "Talk 00"),
        ("web", "**Speaker 00** (Uni)\n  next: Talk 00, ", "Talk 01"),
    ],
)
async def test_speaker_list_by_track_shows_the_next_session_in_that_track(
    crowded: ConferenceHarness, track: str, expected: str, other: str
) -> None:
    """/speakers track:Security shows Speaker 00's next Security talk, not an earlier Web one."""
    reply = await crowded.sandbox.invoke(crowded.member("alice"), "speakers", {"track": track})
    description = reply.embeds[0]["description"]
    assert expected in description
    assert f"next: {other}," not in description


async def test_attendees_are_not_shown_speaker_link(crowded: ConferenceHarness) -> None:
    """Discord hides /speaker-link from an attendee without an override (moderators only)."""
    with pytest.raises(CommandNotShown, match="speaker-link"):
        await crowded.sandbox.invoke(
            crowded.member("alice"),
            "speaker-link",
            {"name": "p01", "member": crowded.member("bob")},
            channel=crowded.channel("general"),
        )


async def test_only_moderators_can_link_speakers(crowded: ConferenceHarness) -> None:
    """An attendee an admin let see /speaker-link is still refused on the server side."""
    assert crowded.server is not None
    bob, alice = crowded.member("bob"), crowded.member("alice")
    crowded.sandbox.set_command_permissions(crowded.server.guild, "speaker-link", allow=[alice])
    reply = await crowded.sandbox.invoke(
        alice,
        "speaker-link",
        {"name": "p01", "member": bob},
        channel=crowded.channel("general"),
    )
    assert reply.ephemeral
    assert reply.content == "Only moderators can do that."
    assert reply.type == 4  # answered at once: no "thinking…" first
    assert reply.followups == []
    assert crowded.bot is not None
    assert await crowded.bot.services.database.speaker_links.all() == {}


async def test_only_moderators_can_unlink_speakers(crowded: ConferenceHarness) -> None:
    """An attendee an admin let see /speaker-unlink is refused and the link stays."""
    assert crowded.bot is not None
    assert crowded.server is not None
    bob, general = crowded.member("bob"), crowded.channel("general")
    crowded.sandbox.set_command_permissions(
        crowded.server.guild, "speaker-unlink", allow=[crowded.member("alice")]
    )
    await crowded.sandbox.invoke(
        crowded.member("moderator"), "speaker-link", {"name": "p01", "member": bob}, channel=general
    )
    reply = await crowded.sandbox.invoke(
        crowded.member("alice"), "speaker-unlink", {"name": "p01"}, channel=general
    )
    assert reply.ephemeral
    assert reply.content == "Only moderators can do that."
    assert reply.followups == []
    assert await crowded.bot.services.database.speaker_links.all() == {"p01": bob.id}


async def test_manage_server_makes_a_moderator_without_the_role(
    crowded: ConferenceHarness,
) -> None:
    """A member whose role grants Manage Server (not the Moderator role) may link speakers."""
    assert crowded.bot is not None
    assert crowded.server is not None
    guild = crowded.server.guild
    organiser_role = crowded.sandbox.add_role(guild, "Organiser", permissions=1 << 5)
    organiser = crowded.sandbox.add_member(guild, "organiser", roles=[organiser_role])
    bob = crowded.member("bob")
    reply = await crowded.sandbox.invoke(
        organiser,
        "speaker-link",
        {"name": "p01", "member": bob},
        channel=crowded.channel("general"),
    )
    assert reply.content.startswith("Linked Speaker 01 to")
    assert await crowded.bot.services.database.speaker_links.all() == {"p01": bob.id}


async def heads_up_status(harness: ConferenceHarness, session: str, user_id: int) -> str | None:
    """Return the status of Speaker 00's heads-up row for ``session`` to ``user_id``."""
    assert harness.bot is not None
    item = await harness.bot.services.database.outbox.get(f"speaker_dm:{session}:p00:{user_id}")
    return item.status if item else None


async def test_relinking_names_whom_it_replaced_and_moves_the_heads_ups(
    crowded: ConferenceHarness,
) -> None:
    """Relinking says who was linked before; their pending heads-ups go to the new member."""
    moderator, general = crowded.member("moderator"), crowded.channel("general")
    bob, alice = crowded.member("bob"), crowded.member("alice")
    await crowded.sandbox.invoke(
        moderator, "speaker-link", {"name": "p00", "member": bob}, channel=general
    )
    assert await heads_up_status(crowded, "s01", bob.id) == "pending"
    relinked = await crowded.sandbox.invoke(
        moderator, "speaker-link", {"name": "p00", "member": alice}, channel=general
    )
    assert relinked.content.startswith(
        f"Linked Speaker 00 to <@{alice.id}>, replacing <@{bob.id}>."
    )
    assert relinked.allowed_mentions == {"parse": []}
    assert await heads_up_status(crowded, "s00", bob.id) == "cancelled"
    assert await heads_up_status(crowded, "s01", bob.id) == "cancelled"
    assert await heads_up_status(crowded, "s01", alice.id) == "pending"


async def test_linking_the_same_member_again_replaces_nobody(crowded: ConferenceHarness) -> None:
    """Linking a speaker to the member already linked says nothing about replacing."""
    moderator, general, bob = (
        crowded.member("moderator"),
        crowded.channel("general"),
        crowded.member("bob"),
    )
    for _ in range(2):
        reply = await crowded.sandbox.invoke(
            moderator, "speaker-link", {"name": "p00", "member": bob}, channel=general
        )
    assert "replacing" not in reply.content
    assert await heads_up_status(crowded, "s01", bob.id) == "pending"


async def test_unlinking_cancels_the_pending_heads_ups(crowded: ConferenceHarness) -> None:
    """After /speaker-unlink the speaker's planned heads-ups are cancelled, not sent."""
    moderator, general, bob = (
        crowded.member("moderator"),
        crowded.channel("general"),
        crowded.member("bob"),
    )
    await crowded.sandbox.invoke(
        moderator, "speaker-link", {"name": "p00", "member": bob}, channel=general
    )
    unlinked = await crowded.sandbox.invoke(
        moderator, "speaker-unlink", {"name": "p00"}, channel=general
    )
    assert unlinked.content == "Unlinked Speaker 00."
    assert await heads_up_status(crowded, "s00", bob.id) == "cancelled"
    assert await heads_up_status(crowded, "s01", bob.id) == "cancelled"
    crowded.clock.set(START + timedelta(minutes=5))
    assert crowded.bot is not None
    await crowded.bot.services.delivery.deliver_due()
    assert crowded.sandbox.dm_messages(bob) == []


async def test_linked_speaker_is_mentioned_and_gets_one_heads_up(
    crowded: ConferenceHarness,
) -> None:
    """After a moderator links a speaker, the card mentions them and a DM comes 15 min before."""
    assert crowded.bot is not None
    speaker = crowded.member("bob")
    general = crowded.channel("general")
    linked = await crowded.sandbox.invoke(
        crowded.member("moderator"),
        "speaker-link",
        {"name": "p00", "member": speaker},
        channel=general,
    )
    assert linked.content.startswith("Linked Speaker 00 to")
    card = await crowded.sandbox.invoke(crowded.member("alice"), "speaker", {"name": "p00"})
    assert f"On Discord: <@{speaker.id}>" in card.embeds[0]["description"]
    assert card.allowed_mentions == {"parse": []}

    crowded.clock.set(START - timedelta(minutes=15))
    dm = await crowded.sandbox.wait_for_bot_message(user=speaker)
    assert "your session starts <t:" in dm["content"]
    assert "**Talk 00**" in dm["content"]
    assert f"Room: <#{crowded.channel('main-stage').id}>" in dm["content"]
    assert "Stream: <https://stream.example/main>" in dm["content"]

    crowded.clock.set(START + timedelta(minutes=5))
    await crowded.bot.services.delivery.deliver_due()
    assert len(crowded.sandbox.dm_messages(speaker)) == 1
    item = await crowded.bot.services.database.outbox.get(f"speaker_dm:s00:p00:{speaker.id}")
    assert item is not None
    assert item.status == "sent"


async def test_speaker_with_closed_dms_is_mentioned_in_the_room(crowded: ConferenceHarness) -> None:
    """A linked speaker who closed their DMs is mentioned in their session's room channel.

    The DM is refused once (50007); the heads-up is then a mention pinging exactly them,
    on time, like an attendee's reminder; no DM is tried again.
    """
    assert crowded.bot is not None
    assert crowded.server is not None
    shy = crowded.sandbox.add_member(crowded.server.guild, "shy", dms_open=False)
    crowded.sandbox.allow_rejection(code=50007)  # the refused DM is the point of this test
    await crowded.sandbox.invoke(
        crowded.member("moderator"),
        "speaker-link",
        {"name": "p01", "member": shy},
        channel=crowded.channel("general"),
    )
    crowded.clock.set(START + timedelta(hours=1) - timedelta(minutes=15))
    await crowded.bot.services.delivery.deliver_due()
    item = await crowded.bot.services.database.outbox.get(f"speaker_dm:s01:p01:{shy.id}")
    assert item is not None
    assert (item.status, item.route, item.late) == ("sent", "fallback", False)
    assert crowded.sandbox.dm_messages(shy) == []
    mentions = [
        message
        for channel in crowded.sandbox.world.channels.values()
        if not channel.is_dm
        for message in crowded.sandbox.messages(channel)
        if f"<@{shy.id}>" in message["content"]
    ]
    assert len(mentions) == 1
    assert [str(user) for user in mentions[0]["allowed_mentions"]["users"]] == [str(shy.id)]
    assert item.fallback_channel_id == int(mentions[0]["channel_id"])
    assert len(crowded.sandbox.rejections) + len(crowded.sandbox.allowed_rejections) == 1


def button_labels(result: object) -> list[str]:
    """Return the labels of every button on a reply."""
    return [
        button["label"]
        for row in getattr(result, "components", [])
        for button in row.get("components", [])
        if "label" in button
    ]


async def test_session_card_offers_its_speaker(harness: ConferenceHarness) -> None:
    """/session has a Speaker button that opens the speaker's card in the presser's zone."""
    await set_zone(harness, "bob", "Australia/Sydney")
    card = await harness.sandbox.invoke(
        harness.member("alice"),
        "session",
        {"session": "conference"},
        channel=harness.channel("general"),
    )
    assert button_labels(card) == ["Speaker", "Remind me", "Add to calendar"]
    speaker = await harness.sandbox.click(harness.member("bob"), card, "Speaker")
    assert speaker.ephemeral
    assert speaker.embeds[0]["title"] == "Sir Geoffrey Nice QC"
    assert "Thu 25 Feb 08:00-09:45 AEDT (+1 day)" in all_text(speaker.embeds[0])


async def test_speaker_card_opens_their_sessions(harness: ConferenceHarness) -> None:
    """A speaker card has a button per session that opens the session card."""
    card = await harness.sandbox.invoke(harness.member("alice"), "speaker", {"name": "nice"})
    (label,) = button_labels(card)
    assert label.startswith("Session: Ending forced organ harvesting")
    assert len(label) <= 80
    session = await harness.sandbox.click(harness.member("alice"), card, label)
    assert session.embeds[0]["title"].startswith("Ending forced organ harvesting in China")
    assert button_labels(session) == ["Speaker", "Remind me", "Add to calendar"]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("who is Geoffrey Nice?", "Sir Geoffrey Nice QC"),
        ("what is Nice talking about?", "Sir Geoffrey Nice QC"),
        ("who speaks in the keynote?", "Sir Geoffrey Nice QC speaks in “Ending forced organ"),
        ("tell me about geoffrey nice", "Sir Geoffrey Nice QC"),
    ],
)
async def test_speaker_questions_are_answered_in_the_askers_zone(
    harness: ConferenceHarness, question: str, expected: str
) -> None:
    """Plain questions about the speaker show his card with the keynote in the asker's zone."""
    await set_zone(harness, "alice", "Australia/Sydney")
    (reply,) = await harness.sandbox.say(
        harness.member("alice"),
        harness.channel("general"),
        f"{harness.sandbox.mention_bot} {question}",
        expect_reply=True,
    )
    text = reply["content"] + "\n" + "\n".join(all_text(embed) for embed in reply["embeds"])
    assert expected in text
    assert "Thu 25 Feb 08:00-09:45 AEDT (+1 day)" in text
    assert reply["allowed_mentions"] == {"parse": [], "replied_user": False}
