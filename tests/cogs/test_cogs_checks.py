"""Moderator commands: every one, across all extensions, carries the shared server-side check."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial

from discord import AppCommandOptionType, AppCommandType, app_commands

from cogs.checks import MODERATOR_PERMISSIONS, moderator_predicate
from confbot_dev.harness import ConferenceHarness
from confbot_dev.sandbox.rest import Upload
from confbot_dev.sandbox.state import InteractionResult

AnyCommand = app_commands.Command | app_commands.ContextMenu  # type: ignore[type-arg]


def every_command(harness: ConferenceHarness) -> list[AnyCommand]:
    """Return every slash subcommand and context menu the loaded extensions registered."""
    assert harness.bot is not None
    tree = harness.bot.tree
    found: list[AnyCommand] = [
        command for command in tree.walk_commands() if isinstance(command, app_commands.Command)
    ]
    for kind in (AppCommandType.user, AppCommandType.message):
        found += [
            c for c in tree.get_commands(type=kind) if isinstance(c, app_commands.ContextMenu)
        ]
    return found


def root_of(command: AnyCommand) -> AnyCommand | app_commands.Group:
    """Return the top-level command (Discord reads default permissions only there)."""
    if isinstance(command, app_commands.Command) and command.root_parent is not None:
        return command.root_parent
    return command


def looks_like_a_moderator_command(command: AnyCommand) -> bool:
    """Return whether anything marks ``command`` as a moderator's (hidden, described, checked)."""
    root = root_of(command)
    described = getattr(command, "description", "").startswith("Moderators") or getattr(
        root, "description", ""
    ).startswith("Moderators")
    return (
        root.default_permissions is not None or described or moderator_predicate in command.checks
    )


async def test_every_moderator_command_has_the_moderator_check(
    harness: ConferenceHarness,
) -> None:
    """A command hidden from members, or described as for moderators, is checked server side."""
    commands = every_command(harness)
    moderator = [c for c in commands if looks_like_a_moderator_command(c)]
    names = {command.qualified_name for command in moderator}
    assert {
        "speaker-link",
        "speaker-unlink",
        "announce new",
        "announce list",
        "announce edit",
        "announce cancel",
        "conference status",
        "conference upcoming",
    } <= names
    assert len(moderator) < len(commands)  # attendees' commands are not swept in
    unchecked = sorted(c.qualified_name for c in moderator if moderator_predicate not in c.checks)
    assert unchecked == []


async def test_moderator_commands_are_hidden_behind_manage_server(
    harness: ConferenceHarness,
) -> None:
    """Discord shows moderator commands by default to members who can Manage Server."""
    moderator = [c for c in every_command(harness) if looks_like_a_moderator_command(c)]
    wrong = sorted(
        c.qualified_name
        for c in moderator
        if root_of(c).default_permissions != MODERATOR_PERMISSIONS
    )
    assert wrong == []
    registered = {c["name"]: c for c in await harness.sandbox.commands_registered()}
    for command in moderator:
        entry = registered[root_of(command).name]
        assert int(entry["default_member_permissions"]) == MODERATOR_PERMISSIONS.value


def _value_for(harness: ConferenceHarness, parameter: app_commands.Parameter) -> object:
    """Return a plausible value for a required option (the check runs before any is used)."""
    kind = parameter.type
    if kind is AppCommandOptionType.user:
        return harness.member("bob")
    if kind is AppCommandOptionType.channel:
        return harness.channel("general")
    if kind is AppCommandOptionType.integer:
        return int(parameter.min_value or 1)
    if kind is AppCommandOptionType.attachment:
        return Upload("file", "schedule.toml", b"[conference]\n", "text/plain")
    return "x"


async def assert_refused_alone(
    harness: ConferenceHarness, action: Callable[[], Awaitable[InteractionResult]]
) -> None:
    """Run ``action`` as a non-moderator: one private sentence, no other request."""
    before = len(harness.sandbox.transcript.requests())
    result = await action()
    made = harness.sandbox.transcript.requests()[before:]
    assert result.content == "Only moderators can do that."
    assert result.ephemeral
    assert [(r.method, r.route) for r in made] == [
        ("POST", "/interactions/{interaction_id}/{webhook_token}/callback")
    ]


async def test_every_moderator_command_refuses_an_attendee_with_nothing_else(
    harness: ConferenceHarness,
) -> None:
    """An admin shows every moderator command to an attendee: each refuses, and does nothing."""
    assert harness.server is not None
    alice, general = harness.member("alice"), harness.channel("general")
    moderator = [c for c in every_command(harness) if looks_like_a_moderator_command(c)]
    for command in moderator:
        if not isinstance(command, app_commands.Command):
            continue
        harness.sandbox.set_command_permissions(
            harness.server.guild, root_of(command).name, allow=[alice]
        )
        options = {p.name: _value_for(harness, p) for p in command.parameters if p.required}
        await assert_refused_alone(
            harness,
            partial(
                harness.sandbox.invoke, alice, command.qualified_name, options, channel=general
            ),
        )


async def test_every_moderator_button_and_modal_refuses_an_attendee(
    harness: ConferenceHarness,
) -> None:
    """Preview buttons and the announcement modal, pressed by an attendee: refused, nothing done."""
    moderator, alice = harness.member("moderator"), harness.member("alice")
    general = harness.channel("general")
    opened = await harness.sandbox.invoke(moderator, "announce new", channel=general)
    await assert_refused_alone(
        harness,
        lambda: harness.sandbox.submit_modal(alice, opened.modal, {"Text": "x"}, channel=general),
    )
    preview = await harness.sandbox.submit_modal(moderator, opened.modal, {"Text": "Hello"})
    for label in ("Send now", "Edit", "Cancel"):
        await assert_refused_alone(harness, partial(harness.sandbox.click, alice, preview, label))
    labels = {b["label"] for row in preview.components for b in row["components"]}
    assert labels == {"Send now", "Edit", "Cancel"}  # no time given: no Schedule
    assert harness.sandbox.world.channel_messages(harness.channel("announcements").id) == []
