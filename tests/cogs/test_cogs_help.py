"""/help lists every slash command the bot registers; the other help texts agree with it."""

from __future__ import annotations

import re

from discord import app_commands

from bot.answers.intents import HELP_EXAMPLES
from bot.rendering.about import about_text
from bot.rendering.cards import EMBED_TOTAL_LIMIT, FIELD_VALUE_LIMIT
from bot.rendering.help import MODERATORS, CommandEntry, help_card
from bot.rendering.sessions import help_text
from confbot_dev.harness import ConferenceHarness


def registered(harness: ConferenceHarness) -> set[str]:
    """Return every slash command as typed: "/schedule", "/timezone set", …"""
    assert harness.bot is not None
    return {
        f"/{command.qualified_name}"
        for command in harness.bot.tree.walk_commands()
        if isinstance(command, app_commands.Command)
    }


async def test_help_lists_every_command_privately(harness: ConferenceHarness) -> None:
    """/help is private, one embed within Discord's limits, naming each registered command."""
    reply = await harness.sandbox.invoke(harness.member("alice"), "help")
    assert reply.ephemeral
    (embed,) = reply.embeds
    listed = {
        name
        for field in embed["fields"]
        for name in re.findall(r"^`(/[^`]+)`", field["value"], flags=re.MULTILINE)
    }
    assert listed == registered(harness)
    assert len(listed) >= 30  # the 19 top-level commands, with each group's subcommands
    assert not any("…" in field["value"] for field in embed["fields"])  # nothing cut


async def test_help_groups_moderator_commands_last(harness: ConferenceHarness) -> None:
    """Attendees' commands come first, grouped; /announce and /conference under moderators."""
    reply = await harness.sandbox.invoke(harness.member("alice"), "help")
    fields = {field["name"]: field["value"] for field in reply.embeds[0]["fields"]}
    assert list(fields)[-1] == MODERATORS
    assert "`/announce new`" in fields[MODERATORS]
    assert "`/conference status`" in fields[MODERATORS]
    assert "`/remind` · Get a reminder before a session" in fields["Reminders and your agenda"]
    assert "`/help`" in fields["About confbot"]
    assert "`/remind`" not in fields[MODERATORS]


def test_a_long_group_is_split_across_fields() -> None:
    """A group longer than a field's 1,024 characters continues in another field."""
    entries = [CommandEntry(f"command-{n:02d}", "x" * 80, "The programme") for n in range(40)]
    card = help_card(entries, HELP_EXAMPLES[:3])
    assert [field.name for field in card.fields][:2] == [
        "The programme",
        "The programme (continued)",
    ]
    assert all(len(field.value) <= FIELD_VALUE_LIMIT for field in card.fields)
    assert card.length() <= EMBED_TOTAL_LIMIT


async def test_the_short_help_names_only_registered_commands(harness: ConferenceHarness) -> None:
    """The plain-question help and /about point at /help and name no command that is missing."""
    short = help_text(HELP_EXAMPLES)
    assert "/help lists every one" in short
    named = set(re.findall(r"/[a-z-]+(?: (?:set|show))?", short))
    assert named <= registered(harness)
    assert harness.bot is not None
    about = about_text(harness.bot.services.schedule.conference, "UTC", "1.0")
    assert "/help lists every command" in about
