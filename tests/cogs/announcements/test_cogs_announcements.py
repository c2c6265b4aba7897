"""Announcements through the sandbox: preview, schedule in the moderator's zone, once, safely."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.config import Config
from confbot_dev.demo.console import Output
from confbot_dev.demo.render import Style
from confbot_dev.demo.session import DemoSession
from confbot_dev.harness import ConferenceHarness
from confbot_dev.sandbox.permissions import SEND_MESSAGES
from confbot_dev.sandbox.state import InteractionResult
from tests.support.announcing import (
    announcing,
    attendees_role,
    invoke,
    preview,
    settle_at,
)

DUE = datetime(2021, 2, 24, 20, 55, tzinfo=UTC)  # typed as "2021-02-25 07:55" in Sydney
HOSTILE = "Join @everyone and @here, <@123456789012345678> and <@&987654321098765432>!"


@pytest.fixture
async def conference(seed_config: Config) -> AsyncIterator[ConferenceHarness]:
    """The harness with an "Attendees" role that announcements may ping, and a Sydney moderator."""
    async with announcing(seed_config) as started:
        yield started


def posted(harness: ConferenceHarness, channel: str) -> list[str]:
    """Return the contents of the messages in ``channel``, oldest first."""
    messages = harness.sandbox.world.channel_messages(harness.channel(channel).id)
    return [str(message["content"]) for message in messages]


async def schedule(harness: ConferenceHarness, when: str = "2021-02-25 07:55") -> InteractionResult:
    """Preview an announcement at ``when`` (Sydney) and press Schedule."""
    shown = await preview(harness, {"when": when})
    done = await harness.sandbox.click(harness.member("moderator"), shown, "Schedule")
    assert harness.bot is not None
    await harness.bot.services.scheduler.settle()
    return done


async def test_preview_reads_the_time_back_in_the_moderators_zone(
    conference: ConferenceHarness,
) -> None:
    """The preview is the exact text, privately, with the Sydney time and <t:…:F> read back."""
    shown = await preview(conference, {"when": "2021-02-25 07:55"})
    assert shown.ephemeral
    assert shown.content == "📣 **Keynote soon**\nJoin the main stage."
    (info,) = shown.embeds
    assert "Thu 25 Feb 07:55 AEDT (<t:1614200100:F>)" in info["description"]
    labels = [b["label"] for row in shown.components for b in row["components"]]
    assert labels == ["Send now", "Schedule", "Edit", "Cancel"]
    assert posted(conference, "announcements") == []


async def test_a_sydney_time_fires_at_the_right_utc_instant(conference: ConferenceHarness) -> None:
    """ "07:55" typed in Sydney is posted at 20:55 UTC, not a second earlier."""
    done = await schedule(conference, "07:55")
    assert "Scheduled announcement #1 for Thu 25 Feb 07:55 AEDT" in done.content
    await settle_at(conference, DUE - timedelta(seconds=1))
    assert posted(conference, "announcements") == []
    await settle_at(conference, DUE)
    assert posted(conference, "announcements") == ["📣 **Keynote soon**\nJoin the main stage."]


async def test_a_restart_across_the_time_sends_it_once(conference: ConferenceHarness) -> None:
    """Scheduled, restarted before and after its time: it appears exactly once."""
    await schedule(conference)
    await conference.restart_bot()
    await settle_at(conference, DUE)
    await conference.restart_bot()
    await settle_at(conference, DUE + timedelta(minutes=5))
    assert posted(conference, "announcements") == ["📣 **Keynote soon**\nJoin the main stage."]


async def test_the_moderation_log_records_who_what_when_where(
    conference: ConferenceHarness,
) -> None:
    """Scheduling writes one line naming the moderator, the announcement, the time and channel."""
    await schedule(conference)
    moderator = conference.member("moderator")
    announcements = conference.channel("announcements")
    (line,) = posted(conference, "mod-log")
    assert line.startswith(f"🛡️ <@{moderator.id}> scheduled announcement #1 “Keynote soon”")
    assert "for <t:1614200100:F>" in line
    assert "Wed 24 Feb 15:45 EST (<t:1614199500:F>)" in line  # when: conference zone
    assert line.endswith(f"in <#{announcements.id}>")


async def test_send_now_posts_at_once(conference: ConferenceHarness) -> None:
    """Send now posts the announcement immediately and says so."""
    shown = await preview(conference)
    done = await conference.sandbox.click(conference.member("moderator"), shown, "Send now")
    assert done.content.startswith("Posting announcement #1 in <#")
    assert conference.bot is not None
    await conference.bot.services.scheduler.settle()
    assert posted(conference, "announcements") == ["📣 **Keynote soon**\nJoin the main stage."]


async def test_cancel_stops_a_scheduled_announcement(conference: ConferenceHarness) -> None:
    """/announce cancel before its time: nothing is posted, and the log says who cancelled."""
    await schedule(conference)
    reply = await invoke(conference, "announce cancel", {"announcement": 1})
    assert reply.content == "Cancelled announcement #1; nothing will be posted."
    await settle_at(conference, DUE + timedelta(minutes=1))
    assert posted(conference, "announcements") == []
    assert "cancelled announcement #1" in posted(conference, "mod-log")[-1]
    assert conference.bot is not None
    channel = conference.channel("announcements")
    row = await conference.bot.services.database.outbox.get(f"announcement:1:{channel.id}")
    assert row is not None
    assert row.status == "cancelled"


async def test_pressing_schedule_twice_queues_it_once(conference: ConferenceHarness) -> None:
    """A second press on Schedule says it is already scheduled; one message goes out."""
    shown = await preview(conference, {"when": "2021-02-25 07:55"})
    moderator = conference.member("moderator")
    await conference.sandbox.click(moderator, shown, "Schedule")
    again = await conference.sandbox.click(moderator, shown, "Schedule")
    assert again.content == "Announcement #1 is already scheduled."
    await settle_at(conference, DUE)
    assert posted(conference, "announcements") == ["📣 **Keynote soon**\nJoin the main stage."]


async def test_the_cancel_button_drops_a_draft(conference: ConferenceHarness) -> None:
    """Cancel on the preview: the draft is gone and nothing is queued."""
    shown = await preview(conference, {"when": "2021-02-25 07:55"})
    reply = await conference.sandbox.click(conference.member("moderator"), shown, "Cancel")
    assert "nothing will be posted" in reply.content
    await settle_at(conference, DUE + timedelta(minutes=1))
    assert posted(conference, "announcements") == []


async def test_the_edit_button_reopens_the_form_and_shows_a_new_preview(
    conference: ConferenceHarness,
) -> None:
    """Edit on a preview opens the form filled in; submitting shows the changed preview."""
    shown = await preview(conference, {"when": "2021-02-25 07:55"})
    moderator = conference.member("moderator")
    opened = await conference.sandbox.click(moderator, shown, "Edit")
    assert opened.modal is not None
    fields = {
        row["components"][0]["label"]: row["components"][0].get("value")
        for row in opened.modal["components"]
    }
    assert fields == {
        "Title": "Keynote soon",
        "Text": "Join the main stage.",
        "When (your time zone), or now": "2021-02-25 07:55",
    }
    again = await conference.sandbox.submit_modal(moderator, opened.modal, {"Title": "Keynote now"})
    assert again.content == "📣 **Keynote now**\nJoin the main stage."
    assert "Preview of announcement #1" in again.embeds[0]["title"]


async def test_edit_before_sending_changes_what_is_posted(conference: ConferenceHarness) -> None:
    """/announce edit of a scheduled announcement: the new text and time are what goes out."""
    await schedule(conference)
    moderator = conference.member("moderator")
    opened = await invoke(conference, "announce edit", {"announcement": 1})
    assert opened.modal is not None
    reply = await conference.sandbox.submit_modal(
        moderator,
        opened.modal,
        {"Text": "Moved: join in ten minutes.", "When (your time zone), or now": "08:05"},
    )
    assert "Thu 25 Feb 08:05 AEDT" in reply.content
    await settle_at(conference, DUE)
    assert posted(conference, "announcements") == []
    await settle_at(conference, DUE + timedelta(minutes=10))
    assert posted(conference, "announcements") == [
        "📣 **Keynote soon**\nMoved: join in ten minutes."
    ]


async def test_edit_after_sending_edits_the_posted_message(conference: ConferenceHarness) -> None:
    """/announce edit of a posted announcement edits that message; no second one appears."""
    await schedule(conference)
    await settle_at(conference, DUE)
    moderator = conference.member("moderator")
    opened = await invoke(conference, "announce edit", {"announcement": 1})
    assert opened.modal is not None
    reply = await conference.sandbox.submit_modal(moderator, opened.modal, {"Text": "Typo fixed."})
    assert reply.content.startswith("Edited the posted announcement #1")
    (message,) = conference.sandbox.world.channel_messages(conference.channel("announcements").id)
    assert message["content"] == "📣 **Keynote soon**\nTypo fixed."
    assert message["edited_timestamp"] is not None


@pytest.mark.parametrize(
    ("when", "sentence"),
    [
        ("2021-02-25 07:00", "has already passed"),
        ("yesterday 9am", "has already passed"),
        ("2021-10-03 02:30", "does not exist in Australia/Sydney"),  # DST starts: 02:00 → 03:00
        ("whenever suits", "I can't read “whenever suits” as a time"),
        ("x" * 6000, f"I can't read “{'x' * 59}…” as a time"),  # cut: a message has 2,000
    ],
)
async def test_bad_times_are_refused_before_anything_is_written(
    conference: ConferenceHarness, when: str, sentence: str
) -> None:
    """A past, non-existent or unreadable time gets one private sentence; no modal, no draft."""
    reply = await invoke(conference, "announce new", {"when": when})
    assert reply.modal is None
    assert reply.ephemeral
    assert sentence in reply.content
    assert conference.bot is not None
    assert await conference.bot.services.database.announcements.recent(0) == []


WHEN = "When (your time zone), or now"


async def test_a_refused_form_can_be_reopened_with_its_text(
    conference: ConferenceHarness,
) -> None:
    """A form refused for its time offers "Edit and try again": the form comes back as typed."""
    moderator = conference.member("moderator")
    opened = await invoke(conference, "announce new")
    assert opened.modal is not None
    typed = {"Title": "Room change", "Text": "The panel moves to Hall B.", WHEN: "whenever"}
    refused = await conference.sandbox.submit_modal(moderator, opened.modal, typed)
    assert refused.ephemeral
    assert "I can't read “whenever” as a time" in refused.content
    again = await conference.sandbox.click(moderator, refused, "Edit and try again")
    assert again.modal is not None
    fields = {
        field["label"]: field.get("value")
        for row in again.modal["components"]
        for field in row["components"]
    }
    assert fields == typed
    shown = await conference.sandbox.submit_modal(moderator, again.modal, {WHEN: "now"})
    assert shown.embeds[0]["title"] == "Preview of announcement #1"
    assert "Room change" in shown.content
    assert "The panel moves to Hall B." in shown.content


async def test_a_channel_that_denies_the_bot_is_refused_at_preview(
    conference: ConferenceHarness,
) -> None:
    """Overwrites deny the bot Send Messages: the moderator is told at once, nothing is queued."""
    closed = conference.channel("main-stage")
    assert conference.bot is not None
    assert conference.bot.user is not None
    bot_member = conference.sandbox.world.bot_user
    conference.sandbox.add_overwrite(closed, bot_member, deny=SEND_MESSAGES)
    reply = await invoke(conference, "announce new", {"channel": closed})
    assert reply.modal is None
    assert reply.content == (
        f"I may not post that in <#{closed.id}>: I lack Send Messages there. Nothing was queued."
    )
    pending = await conference.bot.services.database.outbox.pending()
    assert [row.kind for row in pending if row.kind == "announcement"] == []


@pytest.mark.parametrize("ping", ["Moderator", "@everyone", "here"])
async def test_pings_outside_the_allow_list_are_refused(
    conference: ConferenceHarness, ping: str
) -> None:
    """A role not on the allow-list, and @everyone/@here when not allowed, are refused."""
    reply = await invoke(conference, "announce new", {"ping": ping})
    assert reply.modal is None
    assert "may not ping" in reply.content or "not a role announcements may ping" in reply.content


async def test_the_ping_option_offers_only_allowed_roles(conference: ConferenceHarness) -> None:
    """Autocomplete on ping offers the allow-listed role, not @everyone (not allowed here)."""
    offered = await conference.sandbox.autocomplete(
        conference.member("moderator"),
        "announce new",
        {"ping": ""},
        focused="ping",
        channel=conference.channel("general"),
    )
    assert [choice["name"] for choice in offered] == ["@Attendees"]


async def test_an_announcement_later_than_the_grace_is_skipped_and_reported(
    conference: ConferenceHarness,
) -> None:
    """The bot was busy past the 10-minute grace: nothing stale is posted; the log says so."""
    await schedule(conference)
    await settle_at(conference, DUE + timedelta(minutes=11))
    assert posted(conference, "announcements") == []
    assert "skipped announcement #1 “Keynote soon”" in posted(conference, "mod-log")[-1]


async def test_list_shows_scheduled_announcements_in_the_viewers_zone(
    conference: ConferenceHarness,
) -> None:
    """/announce list shows the scheduled announcement with its Sydney time."""
    await schedule(conference)
    reply = await invoke(conference, "announce list")
    assert reply.ephemeral
    assert "#1 **Keynote soon**" in reply.content
    assert "scheduled, Thu 25 Feb 07:55 AEDT (<t:1614200100:F>)" in reply.content


async def test_every_payload_pings_only_what_was_intended(conference: ConferenceHarness) -> None:
    """Across a whole session of announcements, only the chosen role is ever pingable."""
    role = attendees_role(conference)
    moderator = conference.member("moderator")
    shown = await preview(conference, {"ping": str(role.id)}, body=HOSTILE)
    assert shown.content.startswith(f"<@&{role.id}> 📣 **Keynote soon**")
    await conference.sandbox.click(moderator, shown, "Send now")
    assert conference.bot is not None
    await conference.bot.services.scheduler.settle()
    quiet = await preview(conference, {"when": "in 10 minutes"}, title="Quiet", body=HOSTILE)
    await conference.sandbox.click(moderator, quiet, "Schedule")
    await settle_at(conference, conference.clock.now() + timedelta(minutes=10))
    opened = await invoke(conference, "announce edit", {"announcement": 1})
    assert opened.modal is not None
    await conference.sandbox.submit_modal(moderator, opened.modal, {"Text": HOSTILE + " edited"})
    assert len(posted(conference, "announcements")) == 2
    payloads = [
        record.body
        for record in conference.sandbox.transcript.requests()
        if record.method in ("POST", "PATCH")
        and isinstance(record.body, dict)
        and ("content" in record.body or "content" in (record.body.get("data") or {}))
    ]
    assert len(payloads) >= 8
    for body in payloads:
        message = body.get("data", body) if "type" in body else body
        allowed = message.get("allowed_mentions")
        assert allowed is not None, message
        assert allowed.get("parse", []) == [], message
        assert allowed.get("users", []) == [], message
        assert {str(each) for each in allowed.get("roles", [])} <= {str(role.id)}, message
    announced = [
        p
        for p in payloads
        if str(role.id) in {str(each) for each in p.get("allowed_mentions", {}).get("roles", [])}
    ]
    assert announced  # the chosen role was pinged, on its announcement only
    assert all(p.get("content", "").startswith(f"<@&{role.id}>") for p in announced)


async def test_preview_buttons_still_work_after_a_restart(conference: ConferenceHarness) -> None:
    """A preview shown before a restart: Schedule still schedules it (the draft is a row)."""
    shown = await preview(conference, {"when": "2021-02-25 07:55"})
    await conference.restart_bot()
    done = await conference.sandbox.click(conference.member("moderator"), shown, "Schedule")
    assert done.content.startswith("Scheduled announcement #1 for Thu 25 Feb 07:55 AEDT")
    await settle_at(conference, DUE)
    assert posted(conference, "announcements") == ["📣 **Keynote soon**\nJoin the main stage."]


async def test_the_demo_schedules_for_15_50_and_posts_it_once_on_time(
    harness: ConferenceHarness,
) -> None:
    """In the demo a moderator schedules 15:50 (their zone); :wait 5m shows it, and the log."""
    buffer = io.StringIO()
    session = DemoSession(harness, Output(buffer), Style(enabled=False), timeout=5)
    try:
        for line in (
            ":as moderator",
            "/announce new when:15:50",
            ':submit Title="Keynote in 10 minutes" Text="Join us on the main stage."',
            ":click Schedule",
            ":wait 5m",
            ":as alice",
            "/announce new",
        ):
            await session.run_line(line)
    finally:
        await session.close()
    out = buffer.getvalue()
    assert "Scheduled announcement #1 for Wed 24 Feb 15:50 EST" in out
    assert "waited 5m: now Wed 24 Feb 2021 20:50:00 UTC" in out
    assert out.count("confbot in #announcements:\n  📣 Keynote in 10 minutes") == 1
    assert "confbot in #mod-log:\n  🛡️ @moderator scheduled announcement #1" in out
    assert "Discord would not show /announce to alice" in out
    # #announcements is an announcement channel: the post is published, not shown as an edit.
    assert "confbot published its message in #announcements: following servers get it" in out
    assert "edited a message in #announcements" not in out
    assert harness.bot is not None
    counts = await harness.bot.services.delivery.delivery_counts()
    assert (counts["announcement"].sent, counts["announcement"].late) == (1, 0)


async def test_announce_new_has_a_cooldown(conference: ConferenceHarness) -> None:
    """A sixth announcement started within a minute is refused with a sentence; later, fine."""
    for number in range(5):
        shown = await preview(conference, title=f"Note {number}")
        assert shown.embeds, shown.content
    refused = await invoke(conference, "announce new")
    assert refused.modal is None
    assert refused.content == "Slow down a little: try again in 60 s."
    conference.clock.advance(timedelta(seconds=61))
    assert (await invoke(conference, "announce new")).modal is not None


async def test_refused_forms_do_not_count_toward_the_cooldown(
    conference: ConferenceHarness,
) -> None:
    """Six forms refused for their time, then a good one: it is previewed, not "Slow down"."""
    moderator = conference.member("moderator")
    for _ in range(6):
        opened = await invoke(conference, "announce new")
        assert opened.modal is not None, opened.content
        refused = await conference.sandbox.submit_modal(
            moderator, opened.modal, {"Text": "Hello", WHEN: "soonish"}
        )
        assert not refused.embeds
    shown = await preview(conference)
    assert shown.embeds, shown.content


async def test_two_moderators_forms_open_at_once_stay_apart(
    conference: ConferenceHarness,
) -> None:
    """Two moderators open /announce new for different channels: each form keeps its own."""
    assert conference.server is not None
    other = conference.sandbox.add_member(
        conference.server.guild, "second", roles=[conference.server.moderator_role]
    )
    first = await invoke(conference, "announce new")
    second = await conference.sandbox.invoke(
        other,
        "announce new",
        {"channel": conference.channel("main-stage")},
        channel=conference.channel("general"),
    )
    assert first.modal is not None
    assert second.modal is not None
    shown = await conference.sandbox.submit_modal(
        conference.member("moderator"), first.modal, {"Text": "Hello"}
    )
    assert f"Goes to <#{conference.channel('announcements').id}>" in shown.embeds[0]["description"]
