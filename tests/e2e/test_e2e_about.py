"""The whole bot, connected to the sandbox, answers /about."""

from __future__ import annotations

from confbot_dev.harness import ConferenceHarness


async def test_bot_registers_its_commands(harness: ConferenceHarness) -> None:
    """On first start the bot registers its slash commands, /about among them."""
    names = {command["name"] for command in harness.sandbox.commands}
    assert "about" in names


async def test_about_names_the_conference(harness: ConferenceHarness) -> None:
    """/about tells an attendee the conference name, its zone and the version, privately."""
    reply = await harness.sandbox.invoke(
        harness.member("alice"), "about", channel=harness.channel("general")
    )
    assert "Online conference on forced organ harvesting in China" in reply.content
    assert "America/New_York" in reply.content
    assert "confbot" in reply.content
    assert reply.ephemeral
    assert reply.allowed_mentions == {"parse": []}


async def test_about_works_in_a_dm(harness: ConferenceHarness) -> None:
    """/about also answers in a direct message with the bot."""
    reply = await harness.sandbox.invoke(harness.member("bob"), "about")
    assert "Online conference" in reply.content
