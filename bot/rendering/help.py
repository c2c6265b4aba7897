"""The ``/help`` card: every slash command the bot registers, grouped, with its description.

The list comes from the command tree (the Discord layer reads it and passes plain
:class:`CommandEntry` values), so a new command appears here without anyone editing a
help text. Groups are headed by what they are for; moderators' commands (hidden by
default behind Manage Server) come last, in their own group.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.rendering.cards import FIELD_VALUE_LIMIT, Card, CardField
from bot.rendering.text import neutralise

__all__ = ["MODERATORS", "SECTIONS", "CommandEntry", "help_card"]

#: The groups, in the order shown; a command of a group not named here goes under "More".
SECTIONS = (
    "The programme",
    "Reminders and your agenda",
    "Your settings",
    "About confbot",
    "More",
)
MODERATORS = "Moderators (Manage Server or the moderator role)"


@dataclass(frozen=True, slots=True)
class CommandEntry:
    """One slash command as a user types it: "/timezone set", what it does, its group."""

    name: str
    description: str
    section: str
    moderators: bool = False


def _fields(heading: str, lines: list[str]) -> list[CardField]:
    """Return ``lines`` under ``heading``, in as many fields as Discord's 1,024 need."""
    fields: list[CardField] = []
    value = ""
    for line in lines:
        if value and len(value) + 1 + len(line) > FIELD_VALUE_LIMIT:
            fields.append(CardField(heading if not fields else f"{heading} (continued)", value))
            value = ""
        value = f"{value}\n{line}" if value else line
    if value:
        fields.append(CardField(heading if not fields else f"{heading} (continued)", value))
    return fields


def help_card(entries: Sequence[CommandEntry], examples: Sequence[str]) -> Card:
    """Return the card listing every command in ``entries``, grouped, and what to ask."""
    groups: dict[str, list[str]] = {}
    for entry in sorted(entries, key=lambda e: e.name):
        section = MODERATORS if entry.moderators else entry.section
        if section not in SECTIONS and section != MODERATORS:
            section = "More"
        groups.setdefault(section, []).append(f"`/{entry.name}` · {neutralise(entry.description)}")
    fields: list[CardField] = []
    for section in (*SECTIONS, MODERATORS):
        fields += _fields(section, groups.get(section, []))
    asks = " · ".join(f"“{neutralise(example)}”" for example in examples)
    return Card(
        title="confbot: every command",
        description=(
            "Times are in your own zone (/timezone set). You can also mention me or DM me "
            f"a question: {asks}"
        ),
        fields=tuple(fields),
        footer=f"{len(entries)} commands",
    )
