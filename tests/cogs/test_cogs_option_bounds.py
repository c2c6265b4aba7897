"""Option values outside a command's declared bounds get one sentence, never an error code.

Discord's client keeps values within ``min_value``/``max_value``, ``min_length``/``max_length``
and ``choices`` (interactions/application-commands, "Application Command Option Structure"),
so these values come only from a modified client or a replayed payload: the tests forge them.
"""

from __future__ import annotations

from typing import Any

import pytest

from confbot_dev.harness import ConferenceHarness
from confbot_dev.sandbox import OptionValueRefused

MINUTES_BEFORE = "minutes_before: choose a whole number from 0 to 1,440."
HOURS = "hours: choose a whole number from 1 to 72."


def first_session(harness: ConferenceHarness) -> str:
    """Return the id of the seed conference's first session."""
    assert harness.bot is not None
    return harness.bot.services.schedule.sessions[0].id


@pytest.mark.parametrize(
    ("who", "command", "options", "sentence"),
    [
        ("alice", "remind", {"minutes_before": -5}, MINUTES_BEFORE),
        ("alice", "remind", {"minutes_before": 99999}, MINUTES_BEFORE),
        ("alice", "remind", {"minutes_before": "soon"}, MINUTES_BEFORE),
        ("moderator", "conference upcoming", {"hours": -3}, HOURS),
        ("moderator", "conference upcoming", {"hours": 73}, HOURS),
        ("alice", "timezone clock", {"format": "13h"}, "format: choose 12h or 24h."),
        (
            "alice",
            "reminders settings",
            {"delivery": "pigeon"},
            "delivery: choose Direct message or Mention in the room's channel.",
        ),
    ],
)
async def test_out_of_bounds_value_gets_one_sentence(
    harness: ConferenceHarness, who: str, command: str, options: dict[str, Any], sentence: str
) -> None:
    """A forged value outside the bounds is answered privately with the bounds, not a code."""
    if command == "remind":
        options = {"session": first_session(harness), **options}
    reply = await harness.sandbox.driver.invoke_forged(
        harness.member(who), command, options, channel=harness.channel("general")
    )
    assert reply.content == sentence
    assert reply.ephemeral


async def test_refused_reminder_is_not_planned(harness: ConferenceHarness) -> None:
    """/remind minutes_before:-5 adds nothing to the agenda."""
    alice = harness.member("alice")
    await harness.sandbox.driver.invoke_forged(
        alice, "remind", {"session": first_session(harness), "minutes_before": -5}
    )
    export = await harness.sandbox.invoke(alice, "agenda export")
    assert export.content == "Your agenda is empty: add sessions with /remind first."


@pytest.mark.parametrize("minutes", [0, 1440])
async def test_values_on_the_bounds_are_accepted(harness: ConferenceHarness, minutes: int) -> None:
    """/remind minutes_before:0 and :1440 plan the reminder."""
    reply = await harness.sandbox.invoke(
        harness.member("alice"),
        "remind",
        {"session": first_session(harness), "minutes_before": minutes},
    )
    assert "I'll remind you" in reply.content


async def test_the_client_does_not_send_an_out_of_bounds_value(harness: ConferenceHarness) -> None:
    """The ordinary driver refuses minutes_before:-5, as Discord's client's number box does."""
    with pytest.raises(OptionValueRefused, match="from 0 to 1440"):
        await harness.sandbox.invoke(
            harness.member("alice"),
            "remind",
            {"session": first_session(harness), "minutes_before": -5},
        )
