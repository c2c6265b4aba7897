"""/timezone and /forget-me through the sandbox."""

from __future__ import annotations

from confbot_dev.harness import ConferenceHarness


async def test_timezone_set_confirms_with_local_time(harness: ConferenceHarness) -> None:
    """Setting a zone answers privately with the current time there."""
    reply = await harness.sandbox.invoke(
        harness.member("alice"),
        "timezone set",
        {"zone": "sydney"},
        channel=harness.channel("general"),
    )
    assert reply.content == (
        "Your time zone is now **Australia/Sydney**: it is Thu 25 Feb 07:45 AEDT there. "
        "Every schedule answer will use it."
    )
    assert reply.ephemeral
    assert reply.allowed_mentions is not None
    assert reply.allowed_mentions["parse"] == []


async def test_unknown_zone_offers_suggestions(harness: ConferenceHarness) -> None:
    """A misspelt zone is one private sentence offering close zones."""
    reply = await harness.sandbox.invoke(
        harness.member("alice"), "timezone set", {"zone": "Sydnee"}
    )
    assert reply.content == "I don't know the time zone “Sydnee”. Did you mean Australia/Sydney?"
    assert reply.ephemeral


async def test_a_huge_zone_input_is_refused_in_one_short_sentence(
    harness: ConferenceHarness,
) -> None:
    """6,000 characters of markdown and mentions as a zone get a short, inert sentence."""
    reply = await harness.sandbox.invoke(
        harness.member("alice"), "timezone set", {"zone": "@everyone **x** " * 400}
    )
    assert reply.content is not None
    assert len(reply.content) < 400
    assert "@everyone" not in reply.content


async def test_show_clock_and_clear(harness: ConferenceHarness) -> None:
    """show reports the zone and clock; clock switches to 12h; clear goes back to the default."""
    sandbox, bob = harness.sandbox, harness.member("bob")
    unset = await sandbox.invoke(bob, "timezone show")
    assert unset.content is not None
    assert (
        "You have not set a time zone, so I use the conference's (America/New_York" in unset.content
    )
    await sandbox.invoke(bob, "timezone set", {"zone": "Europe/Paris"})
    clock = await sandbox.invoke(bob, "timezone clock", {"format": "12h"})
    assert (
        clock.content
        == "Times now show on the 12h clock: it is Wed 24 Feb 9:45 p.m. CET in Europe/Paris."
    )
    shown = await sandbox.invoke(bob, "timezone show")
    assert (
        shown.content
        == "Your time zone is **Europe/Paris** (now Wed 24 Feb 9:45 p.m. CET), on the 12h clock."
    )
    cleared = await sandbox.invoke(bob, "timezone clear")
    assert cleared.content is not None
    assert cleared.content.startswith("I forgot your time zone.")
    assert (await harness.bot.services.database.users.get(bob.id)).zone is None  # type: ignore[union-attr]


async def test_forget_me_erases_the_zone(harness: ConferenceHarness) -> None:
    """/forget-me asks first; Confirm erases the zone and says what was erased."""
    sandbox, alice = harness.sandbox, harness.member("alice")
    await sandbox.invoke(alice, "timezone set", {"zone": "Tokyo"})
    ask = await sandbox.invoke(alice, "forget-me")
    assert ask.ephemeral
    done = await sandbox.click(alice, ask, "Confirm")
    assert done.message is not None
    assert done.message["content"] == (
        "Done: I erased your time zone and clock settings. I keep nothing else about you."
    )
    assert done.message["components"] == []
    assert harness.bot is not None
    assert await harness.bot.services.database.users.get(alice.id) is None
    again = await sandbox.invoke(alice, "timezone show")
    assert again.content is not None
    assert again.content.startswith("You have not set a time zone")


async def test_forget_me_cancel_keeps_everything(harness: ConferenceHarness) -> None:
    """Cancel erases nothing."""
    sandbox, alice = harness.sandbox, harness.member("alice")
    await sandbox.invoke(alice, "timezone set", {"zone": "Tokyo"})
    ask = await sandbox.invoke(alice, "forget-me")
    done = await sandbox.click(alice, ask, "Cancel")
    assert done.message is not None
    assert done.message["content"] == "Nothing was erased."
    shown = await sandbox.invoke(alice, "timezone show")
    assert shown.content is not None
    assert "Asia/Tokyo" in shown.content
