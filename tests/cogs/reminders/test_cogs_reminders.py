"""/remind, "Remind me", reminder DMs, /agenda, calendar export, digests and room posts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from bot.rendering.sessions import title_of
from bot.schedule.index import ScheduleIndex
from bot.schedule.native_dump import write_native_schedule
from confbot_dev.harness import ConferenceHarness, harness_config
from confbot_dev.sandbox import InteractionResult, User
from tests.support.generated_conference import generated_config, generated_schedule

# The seed keynote: Wed 24 Feb 2021 16:00-17:45 in New York, 22:00 in Paris.
KEYNOTE_START = datetime(2021, 2, 24, 21, 0, tzinfo=UTC)


async def set_zone(harness: ConferenceHarness, name: str, zone: str) -> None:
    """Set a member's zone through /timezone set, as they would."""
    await harness.sandbox.invoke(harness.member(name), "timezone set", {"zone": zone})


async def keynote_card(harness: ConferenceHarness, name: str = "alice") -> InteractionResult:
    """Open the keynote's card in #general."""
    return await harness.sandbox.invoke(
        harness.member(name),
        "session",
        {"session": "conference"},
        channel=harness.channel("general"),
    )


async def advance_to(harness: ConferenceHarness, instant: datetime) -> None:
    """Move the simulated clock and let every due delivery finish."""
    assert harness.bot is not None
    harness.clock.set(instant)
    await harness.bot.services.scheduler.settle()


async def test_remind_me_then_the_dm_comes_ten_minutes_before_in_my_zone(
    harness: ConferenceHarness,
) -> None:
    """Paris: "Remind me" on the keynote card, and at 21:50 CET a DM says 22:00 CET."""
    await set_zone(harness, "alice", "Europe/Paris")
    card = await keynote_card(harness)
    pressed = await harness.sandbox.click(harness.member("alice"), card, "Remind me")
    assert pressed.ephemeral
    assert "I'll remind you about **Ending forced organ harvesting" in pressed.content
    assert "at Wed 24 Feb 21:50 CET" in pressed.content

    await advance_to(harness, KEYNOTE_START - timedelta(minutes=11))
    assert harness.sandbox.dm_messages(harness.member("alice")) == []
    await advance_to(harness, KEYNOTE_START - timedelta(minutes=10))
    (dm,) = harness.sandbox.dm_messages(harness.member("alice"))
    assert "Wed 24 Feb 22:00-23:45 CET" in dm["content"]
    assert "Starts in 10 min (<t:1614200400:R>)" in dm["content"]
    assert "With Sir Geoffrey Nice QC" in dm["content"]
    assert dm["allowed_mentions"] == {"parse": []}

    await advance_to(harness, KEYNOTE_START + timedelta(minutes=30))
    assert len(harness.sandbox.dm_messages(harness.member("alice"))) == 1


async def test_several_leads_each_send_one_reminder(harness: ConferenceHarness) -> None:
    """With leads 12 and 5, two DMs come: at 12 and at 5 minutes before."""
    alice = harness.member("alice")
    settings = await harness.sandbox.invoke(alice, "reminders settings", {"leads": "5, 12"})
    assert settings.content.startswith("Reminders 12 and 5 minutes before each session")
    await harness.sandbox.invoke(alice, "remind", {"session": "conference"})
    await advance_to(harness, KEYNOTE_START - timedelta(minutes=12))
    assert len(harness.sandbox.dm_messages(alice)) == 1
    await advance_to(harness, KEYNOTE_START - timedelta(minutes=5))
    texts = [m["content"] for m in harness.sandbox.dm_messages(alice)]
    assert ["Starts in 12 min" in texts[0], "Starts in 5 min" in texts[1]] == [True, True]


async def test_forget_stops_the_reminder(harness: ConferenceHarness) -> None:
    """/forget before the lead: no DM ever comes."""
    alice = harness.member("alice")
    await harness.sandbox.invoke(alice, "remind", {"session": "conference"})
    forgot = await harness.sandbox.invoke(alice, "forget", {"session": "conference"})
    assert forgot.content.startswith("Done: no more reminders for **Ending forced")
    await advance_to(harness, KEYNOTE_START)
    assert harness.sandbox.dm_messages(alice) == []


async def test_remind_me_twice_offers_stop_and_stop_works(harness: ConferenceHarness) -> None:
    """A second "Remind me" says so and offers "Stop reminding", which cancels it."""
    alice = harness.member("alice")
    card = await keynote_card(harness)
    await harness.sandbox.click(alice, card, "Remind me")
    again = await harness.sandbox.click(alice, card, "Remind me")
    assert again.content.startswith("You already get reminders for **Ending forced")
    stopped = await harness.sandbox.click(alice, again, "Stop reminding")
    assert stopped.content.startswith("Done: no more reminders")
    await advance_to(harness, KEYNOTE_START)
    assert harness.sandbox.dm_messages(alice) == []


async def test_remind_with_own_lead_and_bad_session(harness: ConferenceHarness) -> None:
    """minutes_before overrides the lead; an unknown session gets one clear sentence."""
    alice = harness.member("alice")
    done = await harness.sandbox.invoke(
        alice, "remind", {"session": "conference", "minutes_before": 3}
    )
    assert "at Wed 24 Feb 15:57 EST" in done.content
    missing = await harness.sandbox.invoke(alice, "remind", {"session": "zzzz-no-such"})
    assert missing.ephemeral
    assert missing.content.startswith("I found no session matching")


async def test_remind_after_the_start_is_refused(harness: ConferenceHarness) -> None:
    """Once a session has started, /remind says there is nothing to remind."""
    await advance_to(harness, KEYNOTE_START + timedelta(minutes=1))
    refused = await harness.sandbox.invoke(
        harness.member("alice"), "remind", {"session": "conference"}
    )
    assert refused.content == "That session has already started, so there is nothing to remind."


async def test_agenda_export_is_a_calendar_with_the_right_instant_and_alarm(
    harness: ConferenceHarness,
) -> None:
    """/agenda export attaches agenda.ics: the keynote at 21:00 UTC with a 10-minute alarm."""
    alice = harness.member("alice")
    await harness.sandbox.invoke(alice, "remind", {"session": "conference"})
    exported = await harness.sandbox.invoke(alice, "agenda export")
    assert exported.files == ["agenda.ics"]
    (attachment,) = (exported.message or {})["attachments"]
    calendar = Calendar.from_ical(harness.sandbox.attachment_bytes(attachment))
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == KEYNOTE_START
    assert event.decoded("dtend") == KEYNOTE_START + timedelta(minutes=105)
    assert str(event["uid"]).startswith("conference@")
    (alarm,) = event.walk("VALARM")
    assert alarm.decoded("trigger") == timedelta(minutes=-10)


async def test_add_to_calendar_button_gives_the_sessions_file(harness: ConferenceHarness) -> None:
    """ "Add to calendar" on a card answers privately with the session's .ics."""
    card = await keynote_card(harness)
    answer = await harness.sandbox.click(harness.member("bob"), card, "Add to calendar")
    assert answer.ephemeral
    assert answer.files == ["conference.ics"]


async def test_agenda_export_of_an_empty_agenda_says_so(harness: ConferenceHarness) -> None:
    """Exporting nothing gets a sentence, not an empty file."""
    empty = await harness.sandbox.invoke(harness.member("bob"), "agenda export")
    assert empty.content == "Your agenda is empty: add sessions with /remind first."


async def test_bad_settings_get_one_sentence_and_change_nothing(
    harness: ConferenceHarness,
) -> None:
    """Unreadable leads or digest times are refused, and the old settings stay."""
    alice = harness.member("alice")
    bad = await harness.sandbox.invoke(alice, "reminders settings", {"leads": "soon"})
    assert bad.content.startswith("I can't read “soon” as a lead")
    bad = await harness.sandbox.invoke(alice, "reminders settings", {"digest": "25:99"})
    assert bad.content.startswith("I can't read “25:99” as a time of day")
    shown = await harness.sandbox.invoke(alice, "reminders settings")
    assert shown.content == (
        "Reminders 10 minutes before each session, by a direct message; no morning digest."
    )


async def test_room_channel_gets_a_starting_soon_post(harness: ConferenceHarness) -> None:
    """Five minutes before the keynote, #main-stage gets one "starting soon" post."""
    await advance_to(harness, KEYNOTE_START - timedelta(minutes=5))
    posts = harness.sandbox.messages(harness.channel("main-stage"))
    assert len(posts) == 1
    assert posts[0]["content"].startswith("🔔 Starting soon: **Ending forced organ harvesting")
    assert posts[0]["allowed_mentions"] == {"parse": []}


async def test_channel_delivery_mentions_the_attendee_in_the_room(
    harness: ConferenceHarness,
) -> None:
    """With delivery "channel", the reminder pings only that attendee, in the room channel."""
    bob = harness.member("bob")
    await harness.sandbox.invoke(bob, "reminders settings", {"delivery": "channel"})
    await harness.sandbox.invoke(bob, "remind", {"session": "conference"})
    await advance_to(harness, KEYNOTE_START - timedelta(minutes=10))
    room = harness.sandbox.messages(harness.channel("main-stage"))
    reminder = next(m for m in room if m["content"].startswith(f"<@{bob.id}>"))
    mentions = reminder["allowed_mentions"]
    assert (mentions["parse"], [int(user) for user in mentions["users"]]) == ([], [bob.id])
    assert harness.sandbox.dm_messages(bob) == []


@pytest.fixture
async def programme(tmp_path: Path) -> AsyncIterator[ConferenceHarness]:
    """The generated two-day, three-track conference (parallel sessions overlap)."""
    async with ConferenceHarness(
        generated_config(tmp_path), start=datetime(2025, 10, 23, 5, 0, tzinfo=UTC)
    ) as started:
        yield started
        assert started.sandbox.rejections == []


async def test_agenda_groups_by_my_day_and_marks_overlaps(programme: ConferenceHarness) -> None:
    """Two parallel sessions on my agenda: grouped under my local day, each marked."""
    assert programme.bot is not None
    alice = programme.member("alice")
    index = programme.bot.services.schedule
    first = index.sessions[0]
    parallel = next(s for s in index.sessions[1:] if s.start < first.end and first.start < s.end)
    await set_zone(programme, "alice", "Australia/Sydney")
    for session in (first, parallel):
        await programme.sandbox.invoke(alice, "remind", {"session": session.id})
    agenda = await programme.sandbox.invoke(alice, "agenda show")
    description = agenda.embeds[0]["description"]
    assert description.startswith("__**Thu 23 Oct**__")
    assert description.count("⚠️ overlaps") == 2
    assert agenda.content.startswith("Next: **")
    assert agenda.embeds[0]["footer"]["text"] == "Times in Australia/Sydney"


async def test_back_to_back_sessions_are_not_marked_as_overlapping(
    programme: ConferenceHarness,
) -> None:
    """One ends exactly when the next starts (half-open spans): no "⚠️ overlaps" on either."""
    assert programme.bot is not None
    alice = programme.member("alice")
    index = programme.bot.services.schedule
    first, following = next(
        (a, b) for a in index.sessions for b in index.sessions if b.start == a.end
    )
    for session in (first, following):
        await programme.sandbox.invoke(alice, "remind", {"session": session.id})
    agenda = await programme.sandbox.invoke(alice, "agenda show")
    description = agenda.embeds[0]["description"]
    assert title_of(following, 80) in description.replace("\\", "")
    assert "overlaps" not in description


async def test_morning_digest_comes_at_eight_my_time(programme: ConferenceHarness) -> None:
    """A digest at 08:00 Berlin time lists that local day's agenda, once."""
    alice = programme.member("alice")
    assert programme.bot is not None
    first = programme.bot.services.schedule.sessions[0]
    await set_zone(programme, "alice", "Europe/Berlin")
    await programme.sandbox.invoke(alice, "remind", {"session": first.id})
    done = await programme.sandbox.invoke(alice, "reminders settings", {"digest": "8am"})
    assert done.content.endswith("a morning digest at 08:00 your time.")
    # Thu 23 Oct 2025 08:00 CEST is 06:00 UTC.
    await advance_to(programme, datetime(2025, 10, 23, 5, 59, tzinfo=UTC))
    before = len(programme.sandbox.dm_messages(alice))
    await advance_to(programme, datetime(2025, 10, 23, 6, 0, tzinfo=UTC))
    digests = [
        m for m in programme.sandbox.dm_messages(alice)[before:] if "Your day" in m["content"]
    ]
    assert len(digests) == 1
    assert digests[0]["content"].startswith("☀️ Your day, Thu 23 Oct (Europe/Berlin): 1 session.")


async def test_reminder_dm_offers_stop_and_open_session(harness: ConferenceHarness) -> None:
    """The DM's "Open session" shows the card; "Stop reminders…" takes it off the agenda."""
    alice = harness.member("alice")
    await harness.sandbox.invoke(alice, "reminders settings", {"leads": "12, 5"})
    await harness.sandbox.invoke(alice, "remind", {"session": "conference"})
    await advance_to(harness, KEYNOTE_START - timedelta(minutes=12))
    (dm,) = harness.sandbox.dm_messages(alice)
    labels = [b["label"] for row in dm["components"] for b in row["components"]]
    assert labels == ["Stop reminders for this session", "Open session"]
    card = await harness.sandbox.click(alice, dm, "Open session")
    assert card.embeds[0]["title"].startswith("Ending forced organ harvesting")
    stopped = await harness.sandbox.click(alice, dm, "Stop reminders for this session")
    assert stopped.content.startswith("Done: no more reminders")
    await advance_to(harness, KEYNOTE_START)
    assert len(harness.sandbox.dm_messages(alice)) == 1


async def test_room_post_carries_the_session_card(harness: ConferenceHarness) -> None:
    """The "starting soon" post shows the session card under its text."""
    await advance_to(harness, KEYNOTE_START - timedelta(minutes=5))
    (post,) = harness.sandbox.messages(harness.channel("main-stage"))
    assert post["embeds"][0]["title"].startswith("Ending forced organ harvesting")


@pytest.fixture
async def tracked(tmp_path: Path) -> AsyncIterator[ConferenceHarness]:
    """The generated conference with room-2 (Security's first session) in #main-stage."""
    config = generated_config(tmp_path)
    guild = config.guild.model_copy(update={"room_channels": {"room-2": "main-stage"}})
    async with ConferenceHarness(
        config.model_copy(update={"guild": guild}), start=datetime(2025, 10, 23, 5, 0, tzinfo=UTC)
    ) as started:
        yield started
        assert started.sandbox.rejections == []


async def test_following_a_track_pings_its_role_and_only_it(tracked: ConferenceHarness) -> None:
    """/tracks follow gives a "Track: Security" role; Security's room post pings that role."""
    assert tracked.server is not None
    alice, general = tracked.member("alice"), tracked.channel("general")
    followed = await tracked.sandbox.invoke(
        alice, "tracks follow", {"track": "Security"}, channel=general
    )
    role = next(r for r in tracked.server.guild.roles if r.name == "Track: Security")
    assert followed.content.startswith("You now follow **Security**")
    assert role in tracked.server.guild.members[alice.id].roles
    # s0001 (Security, room-2) starts at 06:00 UTC; its post comes 5 minutes before.
    await advance_to(tracked, datetime(2025, 10, 23, 5, 55, tzinfo=UTC))
    (post,) = tracked.sandbox.messages(tracked.channel("main-stage"))
    assert post["content"].startswith(f"<@&{role.id}> 🔔 Starting soon")
    mentions = post["allowed_mentions"]
    assert (mentions["parse"], [int(r) for r in mentions["roles"]]) == ([], [role.id])
    assert not mentions.get("users")

    left = await tracked.sandbox.invoke(
        alice, "tracks unfollow", {"track": "Security"}, channel=general
    )
    assert left.content == "You no longer follow **Security**."
    assert role not in tracked.server.guild.members[alice.id].roles
    again = await tracked.sandbox.invoke(
        alice, "tracks unfollow", {"track": "Security"}, channel=general
    )
    assert again.content == "You don't follow **Security**."


async def test_the_track_ping_notifies_its_followers(tracked: ConferenceHarness) -> None:
    """The bot creates the track role mentionable (resources/message "Allowed Mentions
    Object": else a role ping notifies nobody without MENTION_EVERYONE), so followers hear it."""
    alice, general = tracked.member("alice"), tracked.channel("general")
    await tracked.sandbox.invoke(alice, "tracks follow", {"track": "Security"}, channel=general)
    await advance_to(tracked, datetime(2025, 10, 23, 5, 55, tzinfo=UTC))
    (post,) = tracked.sandbox.messages(tracked.channel("main-stage"))
    assert tracked.sandbox.world.notified(post) == {alice.id}


async def test_forget_me_takes_the_track_roles_away(tracked: ConferenceHarness) -> None:
    """/forget-me removes "Track: Security" from alice (resources/guild "Remove Guild Member
    Role"), says so, and Security's next room post no longer notifies her."""
    assert tracked.server is not None
    alice, general = tracked.member("alice"), tracked.channel("general")
    await tracked.sandbox.invoke(alice, "tracks follow", {"track": "Security"}, channel=general)
    role = next(r for r in tracked.server.guild.roles if r.name == "Track: Security")
    ask = await tracked.sandbox.invoke(alice, "forget-me", channel=general)
    assert "takes away the track roles you follow" in ask.content
    done = await tracked.sandbox.click(alice, ask, "Confirm")
    assert done.message is not None
    assert done.message["content"] == (
        "Done: I erased your track role “Track: Security”. I keep nothing else about you."
    )
    assert role not in tracked.server.guild.members[alice.id].roles
    await advance_to(tracked, datetime(2025, 10, 23, 5, 55, tzinfo=UTC))
    (post,) = tracked.sandbox.messages(tracked.channel("main-stage"))
    assert tracked.sandbox.world.notified(post) == set()


async def test_forget_me_from_a_dm_takes_the_track_roles_away_too(
    tracked: ConferenceHarness,
) -> None:
    """Confirmed in a DM with the bot, /forget-me still finds alice in the server."""
    assert tracked.server is not None
    alice = tracked.member("alice")
    await tracked.sandbox.invoke(
        alice, "tracks follow", {"track": "Security"}, channel=tracked.channel("general")
    )
    ask = await tracked.sandbox.invoke(alice, "forget-me")
    await tracked.sandbox.click(alice, ask, "Confirm")
    assert not [
        r for r in tracked.server.guild.members[alice.id].roles if r.name.startswith("Track")
    ]


async def test_forget_me_says_which_track_roles_it_may_not_take(
    tracked: ConferenceHarness,
) -> None:
    """If Discord refuses (the bot lost Manage Roles), the reply says to ask the organisers."""
    assert tracked.server is not None
    alice, general = tracked.member("alice"), tracked.channel("general")
    await tracked.sandbox.invoke(alice, "tracks follow", {"track": "Security"}, channel=general)
    (bot_role,) = tracked.server.guild.members[tracked.sandbox.bot_user.id].roles
    bot_role.permissions &= ~(1 << 28)  # MANAGE_ROLES
    tracked.sandbox.allow_rejection(status=403, code=50013)
    ask = await tracked.sandbox.invoke(alice, "forget-me", channel=general)
    done = await tracked.sandbox.click(alice, ask, "Confirm")
    assert done.message is not None
    assert done.message["content"] == (
        "I had nothing stored about you, so there was nothing to erase. I may not take away "
        "“Track: Security” (my role must be above it and have Manage Roles): please ask the "
        "organisers to remove it."
    )


async def test_following_without_manage_roles_says_what_is_missing(
    tracked: ConferenceHarness,
) -> None:
    """If the bot may not create roles, the attendee reads why, and nothing changes."""
    assert tracked.server is not None
    (bot_role,) = tracked.server.guild.members[tracked.sandbox.bot_user.id].roles
    bot_role.permissions &= ~(1 << 28)  # MANAGE_ROLES
    tracked.sandbox.allow_rejection(status=403, code=50013)
    refused = await tracked.sandbox.invoke(
        tracked.member("bob"),
        "tracks follow",
        {"track": "Science"},
        channel=tracked.channel("general"),
    )
    assert refused.content.startswith("I may not create track roles here")
    assert not any(r.name == "Track: Science" for r in tracked.server.guild.roles)


async def test_agenda_offers_a_stop_button_per_upcoming_session(
    harness: ConferenceHarness,
) -> None:
    """/agenda show has "Stop: <title>" under it, which takes the session off the agenda."""
    alice = harness.member("alice")
    await harness.sandbox.invoke(alice, "remind", {"session": "conference"})
    agenda = await harness.sandbox.invoke(alice, "agenda show")
    (label,) = [b["label"] for row in agenda.components for b in row["components"]]
    assert label.startswith("Stop: Ending forced organ harvesting")
    stopped = await harness.sandbox.click(alice, agenda, label)
    assert stopped.content.startswith("Done: no more reminders")
    emptied = await harness.sandbox.invoke(alice, "agenda show")
    assert emptied.content.startswith("Your agenda is empty.")


async def test_closed_dms_get_a_mention_in_the_room_once_and_no_second_try(
    harness: ConferenceHarness,
) -> None:
    """DMs closed: the reminder becomes a mention in the room; the next one spends no 403."""
    assert harness.server is not None
    shy = harness.sandbox.add_member(harness.server.guild, "shy", dms_open=False)
    harness.sandbox.allow_rejection(status=403, code=50007)
    await harness.sandbox.invoke(
        shy,
        "remind",
        {"session": "conference", "minutes_before": 12},
        channel=harness.channel("general"),
    )
    await advance_to(harness, KEYNOTE_START - timedelta(minutes=12))
    room = harness.sandbox.messages(harness.channel("main-stage"))
    mention = next(m for m in room if f"<@{shy.id}>" in m["content"])
    assert [int(user) for user in mention["allowed_mentions"]["users"]] == [shy.id]
    assert "/reminders settings" in mention["content"]  # how to get them by DM, said once
    refused = [r for r in harness.sandbox.allowed_rejections if r.status == 403]
    await harness.sandbox.invoke(
        shy,
        "remind",
        {"session": "conference", "minutes_before": 6},
        channel=harness.channel("general"),
    )
    await advance_to(harness, KEYNOTE_START - timedelta(minutes=6))
    again = [r for r in harness.sandbox.allowed_rejections if r.status == 403]
    assert len(again) == len(refused)
    assert (
        sum(
            f"<@{shy.id}>" in m["content"]
            for m in harness.sandbox.messages(harness.channel("main-stage"))
        )
        == 2
    )


@pytest.fixture
async def unlinked(tmp_path: Path) -> AsyncIterator[ConferenceHarness]:
    """The generated conference with no speaker linked to Discord (no heads-ups to send)."""
    schedule = generated_schedule()
    speakers = tuple(replace(speaker, discord_user_id=None) for speaker in schedule.speakers)
    path = write_native_schedule(replace(schedule, speakers=speakers), tmp_path / "unlinked.json")
    async with ConferenceHarness(
        harness_config(tmp_path, schedule=path), start=datetime(2025, 10, 23, 5, 0, tzinfo=UTC)
    ) as started:
        yield started
        assert started.sandbox.rejections == []


def remind_select(result: InteractionResult) -> dict[str, Any]:
    """Return the "Remind me of…" select of an answer (it must have one)."""
    assert result.message is not None
    (found,) = [
        component
        for row in result.message.get("components") or []
        for component in row.get("components") or []
        if component.get("custom_id") == "confbot:remind-pick"
    ]
    return found


async def search_the(harness: ConferenceHarness) -> tuple[User, ScheduleIndex, InteractionResult]:
    """Have alice search for "the" (ten sessions a page); return her, the schedule, the page."""
    assert harness.bot is not None
    alice = harness.member("alice")
    results = await harness.sandbox.invoke(alice, "search", {"query": "the"})
    return alice, harness.bot.services.schedule, results


async def test_remind_me_of_on_a_search_page_reminds_of_each_chosen_session(
    unlinked: ConferenceHarness,
) -> None:
    """A search page offers its sessions; choosing two reminds of both, once each."""
    alice, index, results = await search_the(unlinked)
    select = remind_select(results)
    offered = [option["value"] for option in select["options"]]
    listed = results.embeds[0]["description"]
    assert 1 < len(offered) <= 10
    sessions = [index.session(value) for value in offered]
    assert all(title_of(session) in listed for session in sessions if session)
    assert select["max_values"] == len(offered)
    first, second = sessions[:2]
    assert first is not None
    assert second is not None

    chosen = await unlinked.sandbox.select(alice, results, "confbot:remind-pick", offered[:2])
    assert chosen.ephemeral
    assert f"I'll remind you about **{title_of(first)}**" in chosen.content
    assert f"I'll remind you about **{title_of(second)}**" in chosen.content
    again = await unlinked.sandbox.select(alice, results, "confbot:remind-pick", offered[:1])
    assert again.content == f"You already get reminders for **{title_of(first)}**."
    assert [b["label"] for row in again.message["components"] for b in row["components"]] == [  # type: ignore[index]
        f"Stop: {first.title}"
    ]

    await advance_to(unlinked, max(first.start, second.start))
    titles = [m["content"] for m in unlinked.sandbox.dm_messages(alice)]
    assert sum(first.title in text for text in titles) == 1
    assert sum(second.title in text for text in titles) == 1


async def test_speaker_card_offers_only_the_speakers_sessions_ahead(
    unlinked: ConferenceHarness,
) -> None:
    """The speaker card's "Remind me of…" lists their sessions that have not started."""
    assert unlinked.bot is not None
    index = unlinked.bot.services.schedule
    speaker = next(s for s in index.speakers_sorted if len(index.sessions_by_speaker(s.id)) > 1)
    sessions = index.sessions_by_speaker(speaker.id)
    await advance_to(unlinked, sessions[0].start)  # the first has begun
    card = await unlinked.sandbox.invoke(unlinked.member("alice"), "speaker", {"name": speaker.id})
    offered = [option["value"] for option in remind_select(card)["options"]]
    assert offered == [session.id for session in sessions if session.start > sessions[0].start]


async def test_a_list_of_sessions_all_begun_offers_no_remind_select(
    unlinked: ConferenceHarness,
) -> None:
    """Once every session on the page has started there is nothing to choose."""
    assert unlinked.bot is not None
    await advance_to(unlinked, unlinked.bot.services.schedule.sessions[-1].start)
    day = await unlinked.sandbox.invoke(unlinked.member("alice"), "schedule", {"day": "2025-10-23"})
    assert day.message is not None
    assert all(
        component.get("custom_id") != "confbot:remind-pick"
        for row in day.message.get("components") or []
        for component in row.get("components") or []
    )


async def test_remind_me_of_a_session_that_began_since_the_menu_was_sent_says_so(
    unlinked: ConferenceHarness,
) -> None:
    """Chosen after its start, a session gets a sentence; the others are still reminded."""
    alice, index, results = await search_the(unlinked)
    values = [option["value"] for option in remind_select(results)["options"]]
    sessions = sorted((s for v in values if (s := index.session(v))), key=lambda s: s.start)
    begun, later = sessions[0], sessions[-1]
    assert begun.start < later.start
    await advance_to(unlinked, begun.start)
    chosen = await unlinked.sandbox.select(
        alice, results, "confbot:remind-pick", [begun.id, later.id]
    )
    assert f"**{title_of(begun)}** has already started: nothing to remind." in chosen.content
    assert f"I'll remind you about **{title_of(later)}**" in chosen.content
    assert chosen.message is not None
    labels = [b["label"] for row in chosen.message["components"] for b in row["components"]]
    assert labels == [f"Stop: {later.title}"[:80]]


async def test_next_offers_the_sessions_it_lists(unlinked: ConferenceHarness) -> None:
    """/next lists what starts soonest; its "Remind me of…" offers exactly those."""
    assert unlinked.bot is not None
    upcoming = await unlinked.sandbox.invoke(unlinked.member("alice"), "next")
    offered = [option["value"] for option in remind_select(upcoming)["options"]]
    soonest = unlinked.bot.services.schedule.sessions[: len(offered)]
    assert len(offered) == 10
    assert offered == [session.id for session in soonest]
    assert all(title_of(session) in upcoming.embeds[0]["description"] for session in soonest)


async def test_remind_me_of_a_session_gone_from_the_schedule_says_so(
    unlinked: ConferenceHarness,
) -> None:
    """A chosen session no longer in the schedule (a refresh removed it) gets one sentence."""
    alice, index, results = await search_the(unlinked)
    kept = remind_select(results)["options"][0]["value"]
    chosen = await unlinked.sandbox.select(
        alice, results, "confbot:remind-pick", [kept, "removed-since"]
    )
    session = index.session(kept)
    assert session is not None
    assert f"I'll remind you about **{title_of(session)}**" in chosen.content
    assert chosen.content.endswith("1 session you chose is no longer in the schedule.")
