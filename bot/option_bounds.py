"""Refuse, in one sentence, an option value outside what its command declared.

A command declares its options' bounds once (``app_commands.Range[int, 0, 1440]``,
``Range[str, 1, 100]``, ``Literal[...]``, ``@app_commands.choices``) and Discord's client
keeps what a user sends within them (interactions/application-commands, "Application Command
Option Structure": ``min_value``, ``max_value``, ``min_length``, ``max_length``, ``choices``).
discord.py does not check them again: a ``Range`` only declares its bounds and passes any
value through, so a modified client or a replayed payload would reach the callback with
``minutes_before=-5``. The command tree (``bot/interaction_errors.py``) calls
:func:`check_options` before every slash command, so every command, new ones included, gets
the check with nothing to write.
"""

from __future__ import annotations

import math
from typing import Any

import discord
from discord import app_commands

from bot.rendering.text import human_join

OptionType = discord.AppCommandOptionType


class OptionOutOfBounds(app_commands.AppCommandError):
    """An option's value is outside its declared bounds; ``str(error)`` is the sentence."""

    def __init__(self, sentence: str) -> None:
        super().__init__(sentence)
        self.sentence = sentence


def check_options(interaction: discord.Interaction[Any]) -> None:
    """Raise :class:`OptionOutOfBounds` for the first option outside its command's bounds.

    Only slash commands are checked: an autocomplete carries what is being typed.
    """
    if interaction.type is not discord.InteractionType.application_command:
        return
    command = interaction.command
    if not isinstance(command, app_commands.Command):
        return
    given = dict(iter(interaction.namespace))
    for parameter in command.parameters:
        value = given.get(parameter.display_name)
        if value is None:
            continue
        sentence = refusal(parameter, value)
        if sentence is not None:
            raise OptionOutOfBounds(sentence)


def refusal(parameter: app_commands.Parameter, value: Any) -> str | None:
    """Return the sentence refusing ``value`` for ``parameter``, or ``None`` if it fits."""
    name = parameter.display_name
    if parameter.choices:
        # True == 1 in Python; a boolean is never one of a command's choices.
        if any(
            value == choice.value and not isinstance(value, bool) for choice in parameter.choices
        ):
            return None
        names = [choice.name for choice in parameter.choices]
        return f"{name}: choose {human_join(names, conjunction='or')}."
    if parameter.type is OptionType.string:
        return _length_refusal(name, parameter, value)
    if parameter.type in (OptionType.integer, OptionType.number):
        return _number_refusal(name, parameter, value)
    return None


def _length_refusal(name: str, parameter: app_commands.Parameter, value: Any) -> str | None:
    low, high = parameter.min_value, parameter.max_value
    if isinstance(value, str) and _within(len(value), low, high):
        return None
    if low is not None and high is not None:
        wanted = f"{_figure(low)} to {_figure(high)} characters"
    elif high is not None:
        wanted = f"at most {_figure(high)} characters"
    elif low is not None:
        wanted = f"at least {_figure(low)} characters"
    else:
        wanted = "some text"
    return f"{name}: type {wanted}."


def _number_refusal(name: str, parameter: app_commands.Parameter, value: Any) -> str | None:
    whole = parameter.type is OptionType.integer
    low, high = parameter.min_value, parameter.max_value
    if _is_number(value, whole=whole) and _within(value, low, high):
        return None
    kind = "a whole number" if whole else "a number"
    if low is not None and high is not None:
        return f"{name}: choose {kind} from {_figure(low)} to {_figure(high)}."
    if low is not None:
        return f"{name}: choose {kind} of at least {_figure(low)}."
    if high is not None:
        return f"{name}: choose {kind} of at most {_figure(high)}."
    return f"{name}: choose {kind}."


def _within(number: float, low: float | None, high: float | None) -> bool:
    return (low is None or number >= low) and (high is None or number <= high)


def _is_number(value: Any, *, whole: bool) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return not whole and isinstance(value, float) and math.isfinite(value)


def _figure(number: float) -> str:
    """Return 1,440 or 0.5: thousands separated, no trailing ".0"."""
    if float(number).is_integer():
        return f"{int(number):,}"
    return f"{number:,}"
