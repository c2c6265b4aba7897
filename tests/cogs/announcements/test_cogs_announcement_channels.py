"""Announcements to several channels, crossposted in announcement channels, with a session card."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.announcements.planning import ANNOUNCEMENT
from bot.config import Config
from confbot_dev.harness import ConferenceHarness
from confbot_dev.sandbox import Channel
from confbot_dev.sandbox.permissions import SEND_MESSAGES
from confbot_dev.sandbox.state import CROSSPOSTED, InteractionResult
from tests.support.announcing import (
    announcing,
    attendees_role,
    invoke,
    preview,
    settle_at,
)

DUE = datetime(2021, 2, 24, 20, 55, tzinfo=UTC)  # typed as "2021-02-25 07:55" in Sydney
TEXT = "📣 **Keynote soon**\nJoin the main stage."
CROSSPOST = "/channels/{channel_id}/messages/{message_id}/crosspost"
SESSION_TITLE = "Ending forced organ harvesting in China, with a keynote by Sir Geoffrey Nice QC"


@pytest.fixture
async def conference(seed_config: Config) -> AsyncIterator[ConferenceHarness]:
    """The harness with a pingable "Attendees" role, a #news announcement channel, a Sydney mod."""

    def channels(started: ConferenceHarness) -> None:
        assert started.server is not None
        started.sandbox.add_channel(started.server.guild, "news", announcement=True)
        started.sandbox.add_channel(started.server.guild, "hallway")

    async with announcing(seed_config, channels) as started:
        yield started


def added(harness: ConferenceHarness, name: str) -> Channel:
    """Return a channel the fixture added."""
    assert harness.server is not None
    return next(c for c in harness.server.guild.channels if c.name == name)


def news(harness: ConferenceHarness) -> Channel:
    """Return the announcement channel the fixture added."""
    return added(harness, "news")


def three_channels(harness: ConferenceHarness) -> dict[str, Any]:
    """Return the options naming #announcements, #news and #hallway."""
    return {
        "channel": harness.channel("announcements"),
        "channel_2": news(harness),
        "channel_3": added(harness, "hallway"),
    }


def messages_in(harness: ConferenceHarness, channel: Channel) -> list[dict[str, Any]]:
    """Return the messages members see in ``channel``, oldest first."""
    return harness.sandbox.world.channel_messages(channel.id)


def contents_in(harness: ConferenceHarness, channel: Channel) -> list[str]:
    """Return the texts members see in ``channel``, oldest first."""
    return [str(message["content"]) for message in messages_in(harness, channel)]


def crossposts(harness: ConferenceHarness) -> list[str]:
    """Return the paths of every crosspost request the bot made."""
    return [r.path for r in harness.sandbox.transcript.requests() if r.route == CROSSPOST]


async def settle(harness: ConferenceHarness) -> None:
    """Let everything due now run."""
    assert harness.bot is not None
    await harness.bot.services.scheduler.settle()


async def send_now(harness: ConferenceHarness, options: dict[str, Any]) -> InteractionResult:
    """Preview with ``options``, press Send now, let it post."""
    shown = await preview(harness, options)
    done = await harness.sandbox.click(harness.member("moderator"), shown, "Send now")
    await settle(harness)
    return done


async def schedule(harness: ConferenceHarness, options: dict[str, Any]) -> InteractionResult:
    """Preview at 07:55 Sydney with ``options`` and press Schedule."""
    shown = await preview(harness, {**options, "when": "2021-02-25 07:55"})
    done = await harness.sandbox.click(harness.member("moderator"), shown, "Schedule")
    await settle(harness)
    return done


# -- several channels ----------------------------------------------------------------------


async def test_the_preview_names_every_channel(conference: ConferenceHarness) -> None:
    """The preview says it goes to the three channels chosen, in the order chosen."""
    shown = await preview(conference, three_channels(conference))
    (info,) = shown.embeds
    ids = [channel.id for channel in three_channels(conference).values()]
    assert info["description"].startswith(f"Goes to <#{ids[0]}>, <#{ids[1]}> and <#{ids[2]}> now")


async def test_every_chosen_channel_gets_the_announcement_once(
    conference: ConferenceHarness,
) -> None:
    """Send now: each of the three channels shows the announcement once, and it says where."""
    done = await send_now(conference, three_channels(conference))
    ids = [channel.id for channel in three_channels(conference).values()]
    assert done.content == (
        f"Posting announcement #1 in <#{ids[0]}>, <#{ids[1]}> and <#{ids[2]}> now."
    )
    for channel in three_channels(conference).values():
        assert contents_in(conference, channel) == [TEXT], channel.name
    assert contents_in(conference, conference.channel("general")) == []


async def test_each_channel_is_one_outbox_row_keyed_by_announcement_and_channel(
    conference: ConferenceHarness,
) -> None:
    """Scheduling writes one pending row per channel, keyed announcement:<id>:<channel>."""
    await schedule(conference, three_channels(conference))
    assert conference.bot is not None
    pending = await conference.bot.services.database.outbox.pending()
    keys = sorted(row.key for row in pending if row.kind == ANNOUNCEMENT)
    channels = three_channels(conference).values()
    assert keys == sorted(f"announcement:1:{channel.id}" for channel in channels)


async def test_restarts_across_the_time_post_each_copy_exactly_once(
    conference: ConferenceHarness,
) -> None:
    """Scheduled for three channels, restarted before and after its time: once in each."""
    await schedule(conference, three_channels(conference))
    await conference.restart_bot()
    await settle_at(conference, DUE)
    await conference.restart_bot()
    await settle_at(conference, DUE + timedelta(minutes=5))
    for channel in three_channels(conference).values():
        assert contents_in(conference, channel) == [TEXT], channel.name


async def test_one_channel_that_denies_the_bot_stops_all_of_them_before_the_form(
    conference: ConferenceHarness,
) -> None:
    """#hallway denies Send Messages: the moderator is told which, and nothing is drafted."""
    closed = added(conference, "hallway")
    conference.sandbox.add_overwrite(closed, conference.sandbox.world.bot_user, deny=SEND_MESSAGES)
    reply = await invoke(conference, "announce new", three_channels(conference))
    assert reply.modal is None
    assert reply.ephemeral
    assert reply.content == (
        f"I may not post that in <#{closed.id}>: I lack Send Messages there. Nothing was queued."
    )
    assert conference.bot is not None
    assert await conference.bot.services.database.announcements.list_for_guild(0) == []


async def test_a_channel_closed_after_the_preview_stops_every_copy_at_schedule(
    conference: ConferenceHarness,
) -> None:
    """Permission lost between preview and Schedule: refused, and no channel gets a row."""
    shown = await preview(conference, {**three_channels(conference), "when": "2021-02-25 07:55"})
    closed = added(conference, "hallway")
    conference.sandbox.add_overwrite(closed, conference.sandbox.world.bot_user, deny=SEND_MESSAGES)
    refused = await conference.sandbox.click(conference.member("moderator"), shown, "Schedule")
    assert refused.content.startswith(f"I may not post that in <#{closed.id}>")
    assert conference.bot is not None
    pending = await conference.bot.services.database.outbox.pending()
    assert [row.key for row in pending if row.kind == ANNOUNCEMENT] == []
    await settle_at(conference, DUE)
    for channel in three_channels(conference).values():
        assert contents_in(conference, channel) == [], channel.name


async def test_list_shows_every_channel(conference: ConferenceHarness) -> None:
    """/announce list names the channels of a scheduled announcement with its state."""
    await schedule(conference, three_channels(conference))
    reply = await invoke(conference, "announce list")
    ids = [channel.id for channel in three_channels(conference).values()]
    assert (
        f"#1 **Keynote soon** in <#{ids[0]}>, <#{ids[1]}> and <#{ids[2]}>: scheduled, "
        "Thu 25 Feb 07:55 AEDT"
    ) in reply.content


async def test_list_shows_a_channel_that_failed_apart(conference: ConferenceHarness) -> None:
    """One channel refused the post at its time: the list says posted here, failed there."""
    await schedule(conference, three_channels(conference))
    closed = added(conference, "hallway")
    conference.sandbox.allow_rejection(code=50013)
    conference.sandbox.add_overwrite(closed, conference.sandbox.world.bot_user, deny=SEND_MESSAGES)
    await settle_at(conference, DUE)
    reply = await invoke(conference, "announce list")
    announcements, channel_2 = conference.channel("announcements"), news(conference)
    assert (
        f"posted in <#{announcements.id}>, posted in <#{channel_2.id}>, failed in <#{closed.id}>"
    ) in reply.content


async def test_edit_after_sending_edits_every_posted_copy(conference: ConferenceHarness) -> None:
    """/announce edit of a posted announcement edits its message in each channel, adds none."""
    await send_now(conference, three_channels(conference))
    opened = await invoke(conference, "announce edit", {"announcement": 1})
    assert opened.modal is not None
    reply = await conference.sandbox.submit_modal(
        conference.member("moderator"), opened.modal, {"Text": "Typo fixed."}
    )
    assert reply.content.startswith("Edited the posted announcement #1 in <#")
    for channel in three_channels(conference).values():
        (message,) = messages_in(conference, channel)
        assert message["content"] == "📣 **Keynote soon**\nTypo fixed.", channel.name
        assert message["edited_timestamp"] is not None


async def test_cancel_cancels_every_copy(conference: ConferenceHarness) -> None:
    """/announce cancel before its time: no channel gets it, and every row is cancelled."""
    await schedule(conference, three_channels(conference))
    reply = await invoke(conference, "announce cancel", {"announcement": 1})
    assert reply.content == "Cancelled announcement #1; nothing will be posted."
    await settle_at(conference, DUE + timedelta(minutes=1))
    assert conference.bot is not None
    outbox = conference.bot.services.database.outbox
    for channel in three_channels(conference).values():
        assert contents_in(conference, channel) == [], channel.name
        row = await outbox.get(f"announcement:1:{channel.id}")
        assert row is not None
        assert row.status == "cancelled"


async def test_the_moderation_log_names_every_channel(conference: ConferenceHarness) -> None:
    """Scheduling and cancelling each log one line ending with the three channels."""
    await schedule(conference, three_channels(conference))
    await invoke(conference, "announce cancel", {"announcement": 1})
    await settle(conference)
    ids = [channel.id for channel in three_channels(conference).values()]
    where = f"in <#{ids[0]}>, <#{ids[1]}> and <#{ids[2]}>"
    scheduled, cancelled = contents_in(conference, conference.channel("mod-log"))
    assert "scheduled announcement #1 “Keynote soon”" in scheduled
    assert scheduled.endswith(where)
    assert "cancelled announcement #1" in cancelled
    assert cancelled.endswith(where)


async def test_nobody_beyond_the_chosen_role_is_pinged_in_any_channel(
    conference: ConferenceHarness,
) -> None:
    """Hostile text to three channels: each post may ping the chosen role and nobody else."""
    role = attendees_role(conference)
    hostile = "Join @everyone and @here, <@123456789012345678> and <@&987654321098765432>!"
    shown = await preview(
        conference, {**three_channels(conference), "ping": str(role.id)}, body=hostile
    )
    await conference.sandbox.click(conference.member("moderator"), shown, "Send now")
    await settle(conference)
    targets = {str(channel.id) for channel in three_channels(conference).values()}
    posts = [
        record
        for record in conference.sandbox.transcript.requests()
        if record.method == "POST"
        and record.route == "/channels/{channel_id}/messages"
        and record.path.split("/")[2] in targets
    ]
    assert len(posts) == 3
    for record in posts:
        assert isinstance(record.body, dict)
        allowed = record.body["allowed_mentions"]
        assert allowed.get("parse", []) == []
        assert allowed.get("users", []) == []
        assert [str(each) for each in allowed["roles"]] == [str(role.id)]
        assert record.body["content"].startswith(f"<@&{role.id}> 📣 **Keynote soon**")


async def test_an_attendee_cannot_announce_to_several_channels(
    conference: ConferenceHarness,
) -> None:
    """Shown /announce by an admin, an attendee still gets "Only moderators", and no form."""
    assert conference.server is not None
    alice = conference.member("alice")
    conference.sandbox.set_command_permissions(conference.server.guild, "announce", allow=[alice])
    reply = await conference.sandbox.invoke(
        alice,
        "announce new",
        {**three_channels(conference), "session": "conference"},
        channel=conference.channel("general"),
    )
    assert reply.modal is None
    assert reply.ephemeral
    assert reply.content == "Only moderators can do that."


async def test_an_attendee_cannot_press_send_on_a_preview(conference: ConferenceHarness) -> None:
    """An attendee pressing the moderator's Send now is refused; no channel gets anything."""
    shown = await preview(conference, three_channels(conference))
    refused = await conference.sandbox.click(conference.member("alice"), shown, "Send now")
    assert refused.content == "Only moderators can do that."
    await settle(conference)
    for channel in three_channels(conference).values():
        assert contents_in(conference, channel) == [], channel.name


# -- crossposting ----------------------------------------------------------------------------


async def test_a_post_in_an_announcement_channel_is_crossposted_once(
    conference: ConferenceHarness,
) -> None:
    """#announcements and #news are announcement channels: their copies are published once."""
    await send_now(conference, three_channels(conference))
    published = []
    for channel in (conference.channel("announcements"), news(conference)):
        (message,) = messages_in(conference, channel)
        assert int(message["flags"]) & CROSSPOSTED
        published.append(f"/channels/{channel.id}/messages/{message['id']}/crosspost")
    assert sorted(crossposts(conference)) == sorted(published)
    (plain,) = messages_in(conference, added(conference, "hallway"))
    assert not int(plain["flags"]) & CROSSPOSTED


async def test_a_refused_crosspost_is_reported_and_never_reposts(
    conference: ConferenceHarness,
) -> None:
    """Send Messages lost right after posting: the log says so; no repost, no retry."""
    channel = news(conference)
    conference.sandbox.allow_rejection(status=403, code=50013)

    def close_after_posting(message: dict[str, Any], edited: bool) -> None:
        if message["channel_id"] == str(channel.id) and not edited:
            conference.sandbox.add_overwrite(
                channel, conference.sandbox.world.bot_user, deny=SEND_MESSAGES
            )

    stop = conference.sandbox.on_bot_message(close_after_posting)
    await send_now(conference, {"channel": channel})
    stop()
    (message,) = messages_in(conference, channel)
    assert not int(message["flags"]) & CROSSPOSTED
    line = contents_in(conference, conference.channel("mod-log"))[-1]
    assert (
        "could not crosspost announcement #1 “Keynote soon” to the servers following "
        f"<#{channel.id}>" in line
    )
    assert "Discord said 403 Missing Permissions (50013)" in line
    await conference.restart_bot()
    await settle_at(conference, conference.clock.now() + timedelta(minutes=5))
    assert contents_in(conference, channel) == [TEXT]
    assert len(crossposts(conference)) == 1


async def test_a_copy_posted_just_before_a_stop_is_crossposted_at_the_next_start_once(
    conference: ConferenceHarness,
) -> None:
    """Posted but not yet crossposted when the bot stopped: the next start publishes it, once."""
    assert conference.bot is not None
    engine = conference.bot.services.delivery
    engine.unregister(ANNOUNCEMENT)  # as if the process stopped right after the post
    engine.register(ANNOUNCEMENT, conference.bot.services.announcements.render)
    await send_now(conference, {"channel": news(conference)})
    (message,) = messages_in(conference, news(conference))
    assert not int(message["flags"]) & CROSSPOSTED
    await conference.restart_bot()
    await settle(conference)
    (message,) = messages_in(conference, news(conference))
    assert int(message["flags"]) & CROSSPOSTED
    await conference.restart_bot()
    await settle(conference)
    assert len(crossposts(conference)) == 1
    assert len(messages_in(conference, news(conference))) == 1


# -- the session card ------------------------------------------------------------------------


async def test_the_session_card_goes_to_every_channel_in_the_conference_zone(
    conference: ConferenceHarness,
) -> None:
    """session: names the keynote: each copy carries its /session card in New York time only."""
    await send_now(conference, {**three_channels(conference), "session": "conference"})
    for channel in three_channels(conference).values():
        (message,) = messages_in(conference, channel)
        assert message["content"] == TEXT
        (card,) = message["embeds"]
        assert card["title"] == SESSION_TITLE
        names = [field["name"] for field in card["fields"]]
        assert names[0] == "Conference time (America/New_York)"
        assert not any(name.startswith("Your time") for name in names)  # not the mod's Sydney


async def test_the_preview_shows_the_card_as_it_will_be_posted(
    conference: ConferenceHarness,
) -> None:
    """The preview shows the session card above its information, and names the session."""
    shown = await preview(conference, {"session": "conference"})
    card, info = shown.embeds
    assert card["title"] == SESSION_TITLE
    assert f"with the card of “{SESSION_TITLE}”" in info["description"]


async def test_the_session_option_autocompletes_from_the_schedule(
    conference: ConferenceHarness,
) -> None:
    """Typing "organ" in session: offers the keynote, its value the session id."""
    offered = await conference.sandbox.autocomplete(
        conference.member("moderator"),
        "announce new",
        {"session": "organ"},
        focused="session",
        channel=conference.channel("general"),
    )
    assert [choice["value"] for choice in offered] == ["conference"]


async def test_an_unknown_session_is_refused_before_the_form(
    conference: ConferenceHarness,
) -> None:
    """A session that is not in the schedule gets one private sentence and no form."""
    reply = await invoke(conference, "announce new", {"session": "zzzz qqqq"})
    assert reply.modal is None
    assert reply.ephemeral
    assert reply.content.startswith("I found no session matching “zzzz qqqq”")


async def test_edit_after_sending_keeps_the_card_on_every_copy(
    conference: ConferenceHarness,
) -> None:
    """Editing the posted text keeps the session card on each copy."""
    await send_now(conference, {**three_channels(conference), "session": "conference"})
    opened = await invoke(conference, "announce edit", {"announcement": 1})
    assert opened.modal is not None
    await conference.sandbox.submit_modal(
        conference.member("moderator"), opened.modal, {"Text": "Starting now."}
    )
    for channel in three_channels(conference).values():
        (message,) = messages_in(conference, channel)
        assert message["content"] == "📣 **Keynote soon**\nStarting now."
        assert [card["title"] for card in message["embeds"]] == [SESSION_TITLE]


async def test_the_channel_picker_offers_text_and_announcement_channels_only(
    conference: ConferenceHarness,
) -> None:
    """Discord's picker for channel_2 offers #news, never a DM channel (the sandbox refuses it)."""
    dm = conference.sandbox.world.dm_channel(conference.member("alice"))
    with pytest.raises(AssertionError, match="Discord would not offer"):
        await invoke(conference, "announce new", {"channel_2": dm})
    assert (await invoke(conference, "announce new", {"channel_2": news(conference)})).modal


async def test_a_long_list_stays_within_one_message(conference: ConferenceHarness) -> None:
    """Ten long-titled announcements to five channels each: one message, the rest counted."""
    assert conference.bot is not None
    database = conference.bot.services.database
    assert conference.server is not None
    guild = conference.server.guild
    channels = [conference.sandbox.add_channel(guild, f"room-{n}").id for n in range(5)]
    for number in range(10):
        found = await database.announcements.create(
            guild.id,
            channels[0],
            conference.member("moderator").id,
            "Body",
            DUE,
            title=f"{number} " + "Very long title " * 10,
            status="draft",
        )
        await database.announcements.set_copies(
            found.id, [(channel, f"announcement:{found.id}:{channel}") for channel in channels]
        )
        await database.announcements.mark_scheduled(found.id, DUE, f"announcement:{found.id}")
    reply = await invoke(conference, "announce list")
    assert len(reply.content) <= 2000
    shown = sum(line.startswith("#") for line in reply.content.splitlines())
    assert 0 < shown < 10
    assert reply.content.endswith(f"…and {10 - shown} older announcements")
