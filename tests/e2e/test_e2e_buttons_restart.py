"""Buttons survive a restart: every kind is pressed on a message the previous bot sent."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.config import Config
from cogs.views import DIALOG_EXPIRED
from confbot_dev.harness import ConferenceHarness, harness_config
from confbot_dev.sandbox import InteractionResult
from tests.support.schedule_files import write_schedule

START = datetime(2025, 10, 23, 8, 0, tzinfo=UTC)
# The longest ids a schedule may have (64 characters) must fit in the buttons' custom_ids.
LONG_SPEAKER = "speaker-" + "x" * 56
LONG_SESSION = "session-" + "y" * 56


def buttons(message: InteractionResult | dict[str, Any]) -> list[dict[str, Any]]:
    """Return the buttons of a message, in order."""
    data = message.message if isinstance(message, InteractionResult) else message
    assert data is not None
    return [
        button
        for row in data.get("components") or []
        for button in row.get("components") or []
        if button.get("type") == 2
    ]


def button(message: InteractionResult | dict[str, Any], label: str) -> dict[str, Any]:
    """Return the button labelled ``label``."""
    return next(b for b in buttons(message) if b.get("label") == label)


def footer(result: InteractionResult | dict[str, Any]) -> str:
    """Return the footer of the message's (first) embed: "Page n/m ..."."""
    data = result.message if isinstance(result, InteractionResult) else result
    assert data is not None
    return str(data["embeds"][0]["footer"]["text"])


def page_of(result: InteractionResult | dict[str, Any]) -> tuple[int, int]:
    """Return (page, pages) from the footer."""
    found = re.search(r"Page (\d+)/(\d+)", footer(result))
    assert found is not None, footer(result)
    return int(found[1]), int(found[2])


def assert_components_acceptable(harness: ConferenceHarness) -> None:
    """Fail if any message carries a custom_id Discord would refuse (too long, repeated)."""
    for message in harness.sandbox.world.messages.values():
        custom_ids = [b["custom_id"] for b in buttons(message) if "custom_id" in b]
        assert all(len(custom_id) <= 100 for custom_id in custom_ids), custom_ids
        assert len(custom_ids) == len(set(custom_ids)), custom_ids


@pytest.fixture
async def conference(tmp_path: Path, example_config: Config) -> AsyncIterator[ConferenceHarness]:
    """Forty sessions over two days (several pages), some with very long ids."""
    speakers = [{"id": f"p{number:02d}", "name": f"Speaker {number:02d}"} for number in range(40)]
    speakers.append({"id": LONG_SPEAKER, "name": "Lena Longname"})
    sessions = [
        {
            "id": f"s{number:02d}",
            "title": f"Evidence talk {number:02d}",
            "start": (START + timedelta(minutes=50 * number)).strftime("%Y-%m-%d %H:%M"),
            "duration": 45,
            "room": "main",
            "track": "sec",
            "speakers": [f"p{number:02d}"],
        }
        for number in range(40)
    ]
    sessions.append(
        {
            "id": LONG_SESSION,
            "title": "Long identifiers in practice",
            "start": "2025-10-25 09:00",
            "duration": 30,
            "room": "main",
            "speakers": [LONG_SPEAKER],
        }
    )
    path = write_schedule(
        tmp_path / "restart.json",
        sessions=sessions,
        speakers=speakers,
        rooms=[{"id": "main", "name": "Main"}],
        tracks=[{"id": "sec", "name": "Security"}],
    )
    config = harness_config(tmp_path, schedule=path, base=example_config)
    async with ConferenceHarness(config, start=START - timedelta(hours=1)) as started:
        yield started
        assert started.sandbox.rejections == []
        assert_components_acceptable(started)


async def test_the_picture_button_draws_after_a_restart(conference: ConferenceHarness) -> None:
    """ "Picture" on a /schedule answer the previous bot sent still sends the day's PNG."""
    sandbox, alice = conference.sandbox, conference.member("alice")
    answer = await sandbox.invoke(
        alice, "schedule", {"day": START.date().isoformat()}, channel=conference.channel("general")
    )
    await conference.restart_bot()
    pressed = await sandbox.click(alice, answer, "Picture")
    assert pressed.message is not None
    (attachment,) = pressed.message["attachments"]
    assert attachment["filename"] == f"schedule-{START.date().isoformat()}.png"
    assert sandbox.attachment_bytes(attachment).startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("command", "options"),
    [("schedule", {}), ("search", {"query": "evidence"}), ("speakers", {})],
)
async def test_page_buttons_turn_after_a_restart(
    conference: ConferenceHarness, command: str, options: dict[str, str]
) -> None:
    """Next and Previous on a list the previous bot sent still turn its pages."""
    sandbox, alice = conference.sandbox, conference.member("alice")
    first = await sandbox.invoke(alice, command, options, channel=conference.channel("general"))
    assert page_of(first)[0] == 1
    old_bot = conference.bot
    await conference.restart_bot()
    assert conference.bot is not old_bot
    second = await sandbox.click(alice, first, "Next")
    assert page_of(second)[0] == 2
    assert second.message is not None
    assert first.message is not None
    assert second.message["id"] == first.message["id"]  # the same message turned its page
    await conference.restart_bot()
    back = await sandbox.click(alice, second, "Previous")
    assert page_of(back) == (1, page_of(first)[1])
    assert back.message is not None
    assert back.message["embeds"] == first.embeds


async def test_question_pages_turn_after_a_restart(conference: ConferenceHarness) -> None:
    """The pages of an answer to a plain question turn after a restart."""
    sandbox, alice, general = (
        conference.sandbox,
        conference.member("alice"),
        conference.channel("general"),
    )
    [answer] = await sandbox.say(
        alice, general, f"{sandbox.mention_bot} search evidence", expect_reply=True
    )
    assert page_of(answer)[0] == 1
    await conference.restart_bot()
    turned = await sandbox.click(alice, answer, "Next")
    assert page_of(turned)[0] == 2


async def test_question_deleted_before_the_press_expires_its_list(
    conference: ConferenceHarness,
) -> None:
    """When the question is gone, a page press says privately that the list expired."""
    sandbox, alice, general = (
        conference.sandbox,
        conference.member("alice"),
        conference.channel("general"),
    )
    [answer] = await sandbox.say(
        alice, general, f"{sandbox.mention_bot} search evidence", expect_reply=True
    )
    await conference.restart_bot()
    question = sandbox.world.messages[int(answer["message_reference"]["message_id"])]
    await sandbox.rest.remove(question)
    # Discord sends ``referenced_message: null`` once the question is deleted.
    sandbox.world.messages[int(answer["id"])]["referenced_message"] = None
    expired = await sandbox.click(alice, answer, "Next")
    assert expired.ephemeral
    assert expired.content is not None
    assert expired.content.startswith("This list has expired.")


async def test_session_button_opens_the_card_after_a_restart(
    conference: ConferenceHarness,
) -> None:
    """A speaker card's "Session" button opens the session card after a restart (long ids)."""
    sandbox, alice = conference.sandbox, conference.member("alice")
    card = await sandbox.invoke(alice, "speaker", {"name": LONG_SPEAKER})
    assert card.embeds[0]["title"] == "Lena Longname"
    await conference.restart_bot()
    session = await sandbox.click(alice, card, "Session: Long identifiers in practice")
    assert session.ephemeral
    assert session.embeds[0]["title"].startswith("Long identifiers in practice")


async def test_speaker_button_opens_the_card_after_a_restart(
    conference: ConferenceHarness,
) -> None:
    """A session card's "Speaker" button opens the speaker card after a restart, for anyone."""
    sandbox = conference.sandbox
    card = await sandbox.invoke(
        conference.member("alice"),
        "session",
        {"session": LONG_SESSION},
        channel=conference.channel("general"),
    )
    assert [b["label"] for b in buttons(card)] == ["Speaker", "Remind me", "Add to calendar"]
    await conference.restart_bot()
    speaker = await sandbox.click(conference.member("bob"), card, "Speaker")
    assert speaker.ephemeral
    assert speaker.embeds[0]["title"] == "Lena Longname"


async def test_reminder_buttons_work_after_a_restart(conference: ConferenceHarness) -> None:
    """ "Remind me", "Stop reminding" and "Add to calendar" answer on the old bot's messages."""
    sandbox, bob = conference.sandbox, conference.member("bob")
    card = await sandbox.invoke(
        bob, "session", {"session": LONG_SESSION}, channel=conference.channel("general")
    )
    await conference.restart_bot()
    reminded = await sandbox.click(bob, card, "Remind me")
    assert reminded.content.startswith("I'll remind you about **Long")
    await conference.restart_bot()
    stopped = await sandbox.click(bob, reminded, "Stop reminding")
    assert stopped.content.startswith("Done: no more reminders for **Long")
    calendar = await sandbox.click(bob, card, "Add to calendar")
    (name,) = calendar.files
    assert name.startswith("session-yyy")
    assert name.endswith(".ics")


async def test_remind_me_of_on_a_search_page_works_after_a_restart(
    conference: ConferenceHarness,
) -> None:
    """ "Remind me of…" under search results answers on the old bot's message."""
    sandbox, bob = conference.sandbox, conference.member("bob")
    results = await sandbox.invoke(
        bob, "search", {"query": "long identifiers"}, channel=conference.channel("general")
    )
    await conference.restart_bot()
    reminded = await sandbox.select(bob, results, "confbot:remind-pick", [LONG_SESSION])
    assert reminded.content.startswith("I'll remind you about **Long identifiers in practice**")
    agenda = await sandbox.invoke(bob, "agenda show")
    assert "Long identifiers in practice" in agenda.embeds[0]["description"]


async def test_first_page_disables_previous_and_last_page_disables_next(
    conference: ConferenceHarness,
) -> None:
    """Previous is disabled on the first page, Next on the last; both work in between."""
    sandbox, alice = conference.sandbox, conference.member("alice")
    page = await sandbox.invoke(alice, "schedule")
    assert button(page, "Previous").get("disabled") is True
    assert not button(page, "Next").get("disabled")
    current, pages = page_of(page)
    while current < pages:
        page = await sandbox.click(alice, page, "Next")
        current = page_of(page)[0]
        if current < pages:
            assert not button(page, "Next").get("disabled")
            assert not button(page, "Previous").get("disabled")
    assert button(page, "Next").get("disabled") is True
    assert not button(page, "Previous").get("disabled")


async def test_someone_else_is_refused_after_a_restart(conference: ConferenceHarness) -> None:
    """After a restart the pages still turn only for the person who asked."""
    sandbox, general = conference.sandbox, conference.channel("general")
    [answer] = await sandbox.say(
        conference.member("alice"),
        general,
        f"{sandbox.mention_bot} search evidence",
        expect_reply=True,
    )
    await conference.restart_bot()
    refused = await sandbox.click(conference.member("bob"), answer, "Next")
    assert refused.ephemeral
    assert refused.content == "Only the person who asked can use these buttons."
    assert page_of(sandbox.world.messages[int(answer["id"])])[0] == 1


async def test_list_too_long_for_its_buttons_turns_then_expires_on_restart(
    conference: ConferenceHarness,
) -> None:
    """A search too long for a custom_id turns pages until a restart, then says it expired."""
    sandbox, alice = conference.sandbox, conference.member("alice")
    query = "evidence talk " + " ".join(f"{number:02d}" for number in range(40))
    first = await sandbox.invoke(alice, "search", {"query": query})
    second = await sandbox.click(alice, first, "Next")
    assert page_of(second)[0] == 2
    await conference.restart_bot()
    expired = await sandbox.click(alice, second, "Previous")
    assert expired.ephemeral
    assert expired.content is not None
    assert expired.content.startswith("This list has expired.")


async def test_pages_after_a_restart_belong_to_the_list_first_answered(
    conference: ConferenceHarness,
) -> None:
    """Page 2 of "tomorrow's" schedule, pressed days later after a restart, is still that day."""
    sandbox, alice = conference.sandbox, conference.member("alice")
    first = await sandbox.invoke(alice, "schedule", {"day": "tomorrow"})
    assert first.embeds[0]["title"].endswith("on Fri 24 Oct")
    assert page_of(first)[1] > 1
    conference.clock.advance(timedelta(days=2))
    await conference.restart_bot()
    second = await sandbox.click(alice, first, "Next")
    assert second.embeds[0]["title"] == first.embeds[0]["title"]
    assert page_of(second) == (2, page_of(first)[1])


async def test_dialog_pressed_after_a_restart_says_it_expired(harness: ConferenceHarness) -> None:
    """/forget-me's Confirm, pressed after a restart, says it expired and erases nothing."""
    sandbox, alice = harness.sandbox, harness.member("alice")
    await sandbox.invoke(alice, "timezone set", {"zone": "Tokyo"})
    ask = await sandbox.invoke(alice, "forget-me")
    await harness.restart_bot()
    expired = await sandbox.click(alice, ask, "Confirm")
    assert expired.ephemeral
    assert expired.content == DIALOG_EXPIRED
    shown = await sandbox.invoke(alice, "timezone show")
    assert shown.content is not None
    assert "Asia/Tokyo" in shown.content


async def test_dialog_that_times_out_disables_its_buttons(harness: ConferenceHarness) -> None:
    """When /forget-me's dialog times out, its buttons are disabled on the message."""
    sandbox, alice = harness.sandbox, harness.member("alice")
    ask = await sandbox.invoke(alice, "forget-me")
    assert harness.bot is not None
    [dialog] = harness.bot.answer_hooks.live_dialogs.values()
    await dialog.on_timeout()  # what discord.py calls when the timeout passes
    assert ask.message is not None
    shown = sandbox.world.messages[int(ask.message["id"])]
    assert [b.get("disabled") for b in buttons(shown)] == [True, True]
    assert harness.bot.answer_hooks.live_dialogs == {}


async def test_session_button_for_a_session_that_left_the_schedule_says_so(
    conference: ConferenceHarness,
) -> None:
    """A "Session" button whose session is no longer scheduled answers privately, in words."""
    sandbox, alice = conference.sandbox, conference.member("alice")
    card = await sandbox.invoke(alice, "speaker", {"name": LONG_SPEAKER})
    assert card.message is not None
    # The message as Discord keeps it, from a schedule that had a session "gone".
    stored = sandbox.world.messages[int(card.message["id"])]
    stored["components"][0]["components"][0]["custom_id"] = "confbot:session:gone"
    await conference.restart_bot()
    answer = await sandbox.click(alice, card, "Session: Long identifiers in practice")
    assert answer.ephemeral
    assert answer.content == "That session is no longer in the schedule."
