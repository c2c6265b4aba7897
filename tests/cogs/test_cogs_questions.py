"""Plain questions to @confbot and in DMs, answered through the same core as commands."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from confbot_dev.harness import ConferenceHarness
from tests.support.generated_conference import HOSTILE_TITLE, MY_EXTENSIONS, generated_config

FIRST_START = datetime(2025, 10, 23, 6, 0, tzinfo=UTC)
KEYNOTE = "Keynote: Building forced-labour audits after ten years"


def shown(message: dict[str, Any]) -> str:
    """Return what a user reads in a bot message, markdown escapes removed."""
    parts = [message.get("content") or ""]
    for embed in message.get("embeds") or []:
        parts += [embed.get("title", ""), embed.get("description", "")]
        parts += [f"{f['name']}: {f['value']}" for f in embed.get("fields", [])]
    return re.sub(r"\\(.)", r"\1", "\n".join(parts))


@pytest.fixture
async def conference(tmp_path: Path) -> AsyncIterator[ConferenceHarness]:
    """Start the bot on the generated conference, 20 minutes into the first session."""
    config = generated_config(tmp_path, hostile=True)
    start = FIRST_START + timedelta(minutes=20)
    async with ConferenceHarness(config, start=start, extensions=MY_EXTENSIONS) as started:
        yield started
        assert started.sandbox.rejections == []


async def ask(harness: ConferenceHarness, text: str, *, dm: bool = False) -> dict[str, Any]:
    """Ask ``text`` as Alice (mentioning the bot in #general, or in a DM); return the reply."""
    sandbox = harness.sandbox
    channel = None if dm else harness.channel("general")
    content = text if dm else f"{sandbox.mention_bot} {text}"
    replies = await sandbox.say(harness.member("alice"), channel, content, expect_reply=True)
    assert len(replies) == 1
    return replies[0]


async def test_when_is_the_keynote_after_timezone_set(harness: ConferenceHarness) -> None:
    """After /timezone set Sydney, "@confbot when is the keynote?" answers in Sydney time."""
    sandbox, alice = harness.sandbox, harness.member("alice")
    await sandbox.invoke(alice, "timezone set", {"zone": "Australia/Sydney"})
    await sandbox.invoke(alice, "timezone clock", {"format": "12h"})
    reply = await ask(harness, "when is the keynote?")
    assert "is on Thu 25 Feb 8:00-9:45 a.m. AEDT (+1 day)" in reply["content"]
    assert "Conference time: Wed 24 Feb 4:00-5:45 p.m. EST" in reply["content"]
    assert reply["message_reference"]["message_id"]
    assert reply["allowed_mentions"]["parse"] == []
    assert reply["allowed_mentions"]["replied_user"] is False


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("when is the keynote?", "is on Thu 23 Oct 08:15-09:00 CEST"),
        ("when is the keynote in Sydney?", "Thu 23 Oct 17:15-18:00 AEDT"),
        ("when is the keynote in Los Angeles?", "Wed 22 Oct 23:15-Thu 00:00 PDT (-1 day)"),
        ("what's on now?", "ends in 40 min"),
        ("what's on now in saal ada?", "On now in Saal Ada"),
        ("what's next?", "starts <t:"),
        ("what's next in the security track?", "Next in the Security track"),
        ("what's on tomorrow morning?", "on Fri 24 Oct morning"),
        ("what's on friday?", "__**Fri 24 Oct**__"),
        ("schedule for 23 oct", "__**Thu 23 Oct**__"),
        ("who is speaking at 9am?", "At Thu 23 Oct 09:00 CEST"),
        ("who gives the keynote?", KEYNOTE),
        ("session keynote building", "Conference time (Europe/Berlin)"),
        ("search case study", "Search: case study"),
        ("tell me about the keynote", "In your Discord client"),
        ("find talks about court transcripts", "court transcripts"),
        ("help", "I answer schedule questions in your own time zone"),
        ("timezone set tokyo", "Your time zone is now **Asia/Tokyo**"),
        ("timezone", "You have not set a time zone"),
        ("about", "Generated Conference 1"),
        ("speakers", "Speakers"),
        ("hello there", "• when is the keynote?"),
        (
            "when is the quantum pastry workshop?",
            "I found no session matching “quantum pastry workshop”",
        ),
        ("timezone set Sydnee", "Did you mean Australia/Sydney?"),
        ("who is speaking at 25pm?", "with am/pm the hour must be 1 to 12"),
        ("who is speaking at midnight?", "At Fri 24 Oct 00:00 CEST"),
        ("what's on at 4am?", "At Fri 24 Oct 04:00 CEST"),
        (
            "when is the keynote in Mars?",
            "I don't know a time zone called “Mars”, so here it is in Europe/Berlin.",
        ),
        ("👋 when is the keynote? 🙏", "is on Thu 23 Oct 08:15-09:00 CEST"),
        ("<:wave:123> when is the keynote <a:pray:456>", "is on Thu 23 Oct 08:15-09:00 CEST"),
        ("<@123> when is the keynote", "is on Thu 23 Oct 08:15-09:00 CEST"),
    ],
)
async def test_plain_questions(conference: ConferenceHarness, question: str, expected: str) -> None:
    """Each plain question gets the answer the matching command would give."""
    reply = await ask(conference, question)
    assert expected in shown(reply)
    assert reply["allowed_mentions"]["parse"] == []


async def test_dm_questions_need_no_mention(conference: ConferenceHarness) -> None:
    """In a DM, a plain question is answered without mentioning the bot."""
    reply = await ask(conference, "what's next?", dm=True)
    assert "starts <t:" in shown(reply)


async def test_messages_not_for_the_bot_get_no_answer(conference: ConferenceHarness) -> None:
    """Without a mention (or with only @everyone) in a channel, the bot stays quiet."""
    sandbox, general = conference.sandbox, conference.channel("general")
    await sandbox.say(conference.member("alice"), general, "@everyone when is the keynote?")
    await sandbox.say(conference.member("bob"), general, "what's on now?")
    reply = await ask(conference, "what's on now?")  # the next bot message answers this one
    assert reply["referenced_message"]["content"].endswith("what's on now?")
    assert reply["referenced_message"]["author"]["username"] == "alice"
    bot_messages = [
        m for m in sandbox.messages(general) if m["author"]["id"] == str(sandbox.bot_user.id)
    ]
    assert len(bot_messages) == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("!next", "starts <t:"),
        ("!now", "ends in 40 min"),
        ("!help", "I answer schedule questions in your own time zone"),
        ("!schedule tomorrow", "__**Fri 24 Oct**__"),
        ("!timezone", "You have not set a time zone"),
    ],
)
async def test_prefixed_text_commands_are_answered(
    conference: ConferenceHarness, text: str, expected: str
) -> None:
    """A message starting with the configured prefix ("!") and a command is answered."""
    sandbox = conference.sandbox
    replies = await sandbox.say(
        conference.member("alice"), conference.channel("general"), text, expect_reply=True
    )
    assert len(replies) == 1
    assert expected in shown(replies[0])


def replies_in(harness: ConferenceHarness, channel_name: str) -> list[dict[str, Any]]:
    """Return the bot's replies (messages referencing another) in a channel."""
    sandbox = harness.sandbox
    return [
        message
        for message in sandbox.messages(harness.channel(channel_name))
        if message["author"]["id"] == str(sandbox.bot_user.id) and message.get("message_reference")
    ]


@pytest.mark.parametrize("dm", [False, True])
async def test_prefixed_chat_that_is_no_command_is_ignored(
    conference: ConferenceHarness, dm: bool
) -> None:
    """ "!foo", "!!!" and "! hello" start with the prefix but are chat: no reply at all."""
    sandbox, alice = conference.sandbox, conference.member("alice")
    channel = None if dm else conference.channel("general")
    for chat in ("!foo", "!!!", "! hello", "!nextweek we meet"):
        await sandbox.say(alice, channel, chat)
    (reply,) = await sandbox.say(alice, channel, "!next", expect_reply=True)
    assert reply["referenced_message"]["content"] == "!next"
    if not dm:
        assert len(replies_in(conference, "general")) == 1


async def test_messages_from_bots_get_no_answer(conference: ConferenceHarness) -> None:
    """Another bot (or confbot itself) mentioning confbot gets no reply: no bot loops."""
    sandbox, general = conference.sandbox, conference.channel("general")
    assert conference.server is not None
    other = sandbox.add_member(conference.server.guild, sandbox.world.add_user("bot2", bot=True))
    question = f"{sandbox.mention_bot} what's on now?"
    await sandbox.say(other, general, question)
    await sandbox.say(other, general, "!next")
    await sandbox.say(sandbox.bot_user, general, question)
    reply = await ask(conference, "what's next?")
    assert reply["referenced_message"]["author"]["username"] == "alice"
    assert len(replies_in(conference, "general")) == 1


@pytest.mark.parametrize(
    "question",
    [
        "when is the quantum\x00 pastry\x07 workshop?",
        "timezone set Sydn\x00ee\x1b",
        "when is the keynote in Ma\x00rs\u202e?",
        "search xylo\x00phone qu\x7fartz",
    ],
)
async def test_control_characters_are_not_echoed(
    conference: ConferenceHarness, question: str
) -> None:
    """NUL and other control characters the asker typed are not quoted back."""
    reply = await ask(conference, question)
    text = shown(reply)
    assert "I answer schedule questions" not in text  # understood, so something is echoed
    assert not any(ord(c) < 32 and c != "\n" for c in text)
    assert "\u202e" not in text


async def test_a_6000_character_question_gets_an_answer(conference: ConferenceHarness) -> None:
    """Six thousand characters of markdown and mentions still get one inert reply."""
    reply = await ask(conference, "when is " + "**@everyone <@1>** " * 300)
    assert reply["allowed_mentions"]["parse"] == []
    assert len(reply["content"]) <= 2000


async def test_hostile_schedule_text_is_inert_in_answers(conference: ConferenceHarness) -> None:
    """A session titled with @everyone and a masked link is quoted harmlessly."""
    reply = await ask(conference, "session s0001")
    raw = str(reply)
    assert HOSTILE_TITLE not in raw
    assert "@everyone" not in reply["embeds"][0]["title"]
    assert "](http" not in reply["embeds"][0]["title"]


async def test_pages_of_a_question_answer_turn_for_the_asker(conference: ConferenceHarness) -> None:
    """A long answer comes with Previous/Next; the asker can turn it."""
    reply = await ask(conference, "schedule")
    turned = await conference.sandbox.click(conference.member("alice"), reply, "Next")
    assert turned.message is not None
    assert "Page 2/" in turned.message["embeds"][0]["footer"]["text"]
