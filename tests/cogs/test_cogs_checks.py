"""Moderator commands: every one, across all extensions, carries the shared server-side check."""

from __future__ import annotations

from discord import AppCommandType, app_commands

from bot.harness import ConferenceHarness
from cogs.checks import MODERATOR_PERMISSIONS, moderator_predicate

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
    assert {"speaker-link", "speaker-unlink"} <= names
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
