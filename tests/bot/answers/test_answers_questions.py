"""Tests for bot.answers.questions: plain questions and text commands become intents."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.answers.intents import (
    HELP_EXAMPLES,
    About,
    At,
    Command,
    Help,
    Intent,
    Next,
    Now,
    OnDay,
    Search,
    SessionInfo,
    SpeakerTopic,
    WhenIs,
    WhoIs,
    WhoSpeaks,
)
from bot.answers.questions import is_text_command, parse_message

QUESTIONS: list[tuple[str, Intent]] = [
    # WhenIs
    ("when is the keynote?", WhenIs("keynote")),
    ("When is the keynote in Sydney?", WhenIs("keynote", "Sydney")),
    ("when is the keynote in Sydney time?", WhenIs("keynote", "Sydney")),
    ("when is the keynote in AEDT", WhenIs("keynote", "AEDT")),
    ("when is the keynote sydney time", WhenIs("keynote", "sydney")),
    ("when is the keynote in my time?", WhenIs("keynote")),
    ("when is the keynote in UTC+5:30", WhenIs("keynote", "UTC+5:30")),
    ("when is the keynote in America/New_York", WhenIs("keynote", "America/New_York")),
    ("when is the talk in room b", WhenIs("talk in room b")),
    ("what time is Geoffrey Nice's talk", WhenIs("Geoffrey Nice")),
    ("what time is Geoffrey Nice’s talk?", WhenIs("Geoffrey Nice")),
    ("when does the China Tribunal keynote start", WhenIs("China Tribunal keynote")),
    ("whens the keynote", WhenIs("keynote")),
    ("when's the keynote??", WhenIs("keynote")),
    ("<@123> when is the keynote?", WhenIs("keynote")),
    ("<@!123> when is the keynote?", WhenIs("keynote")),
    ("@confbot when is the keynote?", WhenIs("keynote")),
    ("confbot, when is the keynote?", WhenIs("keynote")),
    ("hey confbot when is the keynote please", WhenIs("keynote")),
    ("WHEN IS THE KEYNOTE", WhenIs("KEYNOTE")),
    # Emoji and mentions around a question
    ("👋 when is the keynote? 🙏", WhenIs("keynote")),
    ("<@123> 👋 when is the keynote", WhenIs("keynote")),
    ("<:wave:123> when is the keynote", WhenIs("keynote")),
    ("<a:dance:456> when is the keynote? <:pray:789>", WhenIs("keynote")),
    ("when is the keynote 🙏🏽", WhenIs("keynote")),
    ("👩‍💻 what's on now?", Now()),
    # Now
    ("what's on now?", Now()),
    ("whats on now", Now()),
    ("what is on right now?", Now()),
    ("what is happening right now in room b", Now("room b")),
    ("what’s on now in Room B?", Now("Room B")),
    ("now", Now()),
    ("what's on?", Now()),
    ("who is speaking now", Now()),
    ("now in the security track", Now(None, "security")),
    # Next
    ("what's next?", Next()),
    ("what is next", Next()),
    ("what's next in Room B?", Next("Room B")),
    ("next", Next()),
    ("next in the security track", Next(None, "security")),
    ("what's coming up", Next()),
    ("what's on next?", Next()),
    ("who is speaking next", Next()),
    # OnDay
    ("what's on tomorrow morning?", OnDay("tomorrow", "morning")),
    ("what's on friday?", OnDay("friday")),
    ("what's on this afternoon", OnDay("today", "afternoon")),
    ("what's on tonight", OnDay("today", "evening")),
    ("schedule for 25 feb", OnDay("25 feb")),
    ("today's schedule", OnDay("today")),
    ("tomorrow's schedule in Sydney", OnDay("tomorrow", None, "Sydney")),
    ("schedule", OnDay("today")),
    ("schedule tomorrow", OnDay("tomorrow")),
    ("schedule day 2", OnDay("day 2")),
    ("what is happening on wednesday evening", OnDay("wednesday", "evening")),
    ("!schedule 2021-02-24", OnDay("2021-02-24")),
    # At
    ("who is speaking at 4pm?", At("4pm")),
    ("what's on at 16:30", At("16:30")),
    ("what's at 9am tomorrow", At("tomorrow 9am")),
    ("what's on tomorrow at 9am", At("tomorrow 9am")),
    ("what's on at 4pm in Sydney", At("4pm", "Sydney")),
    ("what's on at 4 pm sydney time", At("4 pm", "sydney")),
    ("who is talking at noon on friday", At("friday noon")),
    ("at 9:30am", At("9:30am")),
    # WhoIs
    ("who is Geoffrey Nice?", WhoIs("Geoffrey Nice")),
    ("who's Sir Geoffrey Nice QC", WhoIs("Sir Geoffrey Nice QC")),
    ("speaker nice", WhoIs("nice")),
    # SpeakerTopic
    ("what is Nice talking about?", SpeakerTopic("Nice")),
    ("what is Geoffrey Nice speaking on", SpeakerTopic("Geoffrey Nice")),
    ("what's Geoffrey Nice talking about", SpeakerTopic("Geoffrey Nice")),
    ("what does Geoffrey Nice talk about", SpeakerTopic("Geoffrey Nice")),
    ("talks by Geoffrey Nice", SpeakerTopic("Geoffrey Nice")),
    # WhoSpeaks
    ("who speaks in the keynote?", WhoSpeaks("keynote")),
    ("who is speaking at the keynote", WhoSpeaks("keynote")),
    ("who gives the keynote", WhoSpeaks("keynote")),
    ("who's giving the keynote?", WhoSpeaks("keynote")),
    ("who is the keynote speaker", WhoSpeaks("keynote")),
    ("who are the speakers of the closing panel", WhoSpeaks("closing panel")),
    # About / SessionInfo
    ("tell me about Geoffrey Nice", About("Geoffrey Nice")),
    ("tell me about the keynote", About("keynote")),
    ("what is the China Tribunal keynote about?", About("China Tribunal keynote")),
    ("session keynote", SessionInfo("keynote")),
    # Search
    ("search organ", Search("organ")),
    ("search for organ harvesting", Search("organ harvesting")),
    ("find talks about China", Search("China")),
    ("are there any talks on organ harvesting?", Search("organ harvesting")),
    ("sessions about law", Search("law")),
    # Commands
    ("about", Command("about")),
    ("help", Command("help")),
    ("sessions", Command("sessions")),
    ("speakers", Command("speakers")),
    ("timezone", Command("timezone")),
    ("tz", Command("timezone")),
    ("timezone set sydney", Command("timezone set", "sydney")),
    ("/timezone set zone:Australia/Sydney", Command("timezone set", "Australia/Sydney")),
    ("timezone sydney", Command("timezone set", "sydney")),
    ("timezone clock 12h", Command("timezone clock", "12h")),
    ("timezone clear", Command("timezone clear")),
    ("set my timezone to Europe/Paris", Command("timezone set", "Europe/Paris")),
    ("my timezone is AEDT", Command("timezone set", "AEDT")),
    # Help
    ("", Help()),
    ("   ", Help()),
    ("<@123>", Help()),
    ("hi", Help()),
    ("hello confbot!", Help()),
    ("thanks", Help()),
    ("asdfghjkl", Help()),
    ("what time is it", Help()),
    ("why?", Help()),
]


@pytest.mark.parametrize(("text", "expected"), QUESTIONS)
def test_parse_message(text: str, expected: Intent) -> None:
    """Each plain question or text command becomes the expected intent."""
    assert parse_message(text) == expected


def test_table_is_large() -> None:
    """The table covers at least thirty questions."""
    assert len(QUESTIONS) >= 30


@pytest.mark.parametrize(
    ("text", "names", "expected"),
    [
        ("schedbot when is the keynote", ("schedbot",), WhenIs("keynote")),
        ("Schedbot: next", ("schedbot", "confbot"), Next()),
    ],
)
def test_custom_bot_names(text: str, names: tuple[str, ...], expected: Intent) -> None:
    """Leading bot names are configurable."""
    assert parse_message(text, bot_names=names) == expected


@pytest.mark.parametrize(
    "text",
    [
        "x" * 6000,
        "when is " + "the " * 1500,
        "what's on at " + "4pm " * 1000,
        "<@" + "1" * 5000 + ">",
        "in in in in in in in in in in in in in in in in in in in in in in in in in in in",
        "\x00\u202e\U0001f600 \u200b",
        "when is ' OR 1=1; -- in ../../etc/passwd",
    ],
)
def test_hostile_input(text: str) -> None:
    """Long or strange input yields an intent, never an exception."""
    assert isinstance(parse_message(text), Intent)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=6000))
def test_never_raises(text: str) -> None:
    """Arbitrary text always parses to some intent."""
    assert isinstance(parse_message(text), Intent)


def test_help_examples_parse() -> None:
    """Every help example is itself understood (none gives Help)."""
    assert HELP_EXAMPLES
    assert all(parse_message(example) != Help() for example in HELP_EXAMPLES)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("next", True),
        ("now", True),
        ("help", True),
        ("NOW", True),
        ("schedule tomorrow", True),
        ("timezone set Sydney", True),
        ("tz", True),
        ("speaker nice", True),
        ("search organ", True),
        ("help?", True),
        ("next!", True),
        ("foo", False),
        ("!!", False),
        (" hello", False),
        ("", False),
        ("nextweek", False),
        ("hello", False),
    ],
)
def test_text_commands_are_only_the_known_ones(text: str, expected: bool) -> None:
    """After the prefix only a known command word counts ("!foo" and "!!!" are chat)."""
    assert is_text_command(text) is expected
