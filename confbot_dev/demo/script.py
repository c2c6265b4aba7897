"""Parse one line the demo user typed into an action.

Line forms::

    /name sub opt:value with spaces opt2:"x: y"   a slash command (a value runs to the next opt:)
    :complete /name opt:partial                    autocomplete the last option
    :as NAME | :dm | :channel NAME                 who you are, where you type
    :click LABEL | :submit LABEL="value" ...       buttons and modals
    :choose OPTION | OPTION ...                    options of a select menu
    :wait 1h30m | :time | :help | :quit            the clock and the session
    :events | :interested NAME | :uninterested NAME  the event list and Interested
    # a comment                                    ignored
    anything else                                  a chat message (@confbot mentions the bot)
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TypeAlias

# The span the simulated clock may show: every zone's local time stays a valid datetime,
# and Discord's timestamps (seconds since 1970) stay positive.
EARLIEST = datetime(1970, 1, 2, tzinfo=UTC)
LATEST = datetime(9999, 1, 1, tzinfo=UTC)


class ScriptError(ValueError):
    """A line the demo cannot understand; ``str(error)`` is one line for the user."""


@dataclass(frozen=True)
class Command:
    """Run a slash command: ``path`` is the command and its subcommands."""

    path: tuple[str, ...]
    options: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Complete:
    """Ask for autocomplete choices for the last option given."""

    path: tuple[str, ...]
    options: dict[str, str]
    focused: str


@dataclass(frozen=True)
class Say:
    """Post a chat message where the user is."""

    text: str


@dataclass(frozen=True)
class SwitchUser:
    """Act as another member from now on."""

    name: str


@dataclass(frozen=True)
class ShowEvents:
    """Show the server's event list (Discord's scheduled events)."""


@dataclass(frozen=True)
class Interested:
    """Press (or un-press) Interested on the event whose name contains ``name``."""

    name: str
    pressed: bool = True


@dataclass(frozen=True)
class GoToDm:
    """Type in the direct-message channel with the bot from now on."""


@dataclass(frozen=True)
class GoToChannel:
    """Type in a server channel from now on."""

    name: str


@dataclass(frozen=True)
class Click:
    """Press a button on the latest bot message that has it."""

    label: str


@dataclass(frozen=True)
class Choose:
    """Choose options (by label) in the select of the latest bot message that has them."""

    labels: tuple[str, ...]


@dataclass(frozen=True)
class Submit:
    """Fill in and submit the modal the bot opened last."""

    values: dict[str, str]


@dataclass(frozen=True)
class Wait:
    """Advance the simulated clock and show what the bot did because of it."""

    delta: timedelta


@dataclass(frozen=True)
class ShowTime:
    """Print the simulated now."""


@dataclass(frozen=True)
class ShowHelp:
    """Print the line forms and the registered commands."""


@dataclass(frozen=True)
class Quit:
    """End the session."""


Action: TypeAlias = (
    Command
    | Complete
    | Say
    | SwitchUser
    | GoToDm
    | GoToChannel
    | Click
    | Choose
    | Submit
    | Wait
    | ShowTime
    | ShowEvents
    | Interested
    | ShowHelp
    | Quit
)

# An option's name starts with a letter, so "9:30" or "12:00" in a value is not one.
_OPTION = re.compile(r"^([^\W\d_][\w-]*):(.*)$", re.DOTALL)
_NAME = re.compile(r"^[\w.-]+$")
# Up to 15 digits a unit: enough to overflow any calendar, few enough for int() to read.
_DURATION = re.compile(r"^(?:(\d{1,15})d)?(?:(\d{1,15})h)?(?:(\d{1,15})m)?(?:(\d{1,15})s)?$")
_DURATION_HINT = "use d, h, m and s, e.g. 30s, 10m, 2h, 1h30m or 3d"


def parse_line(line: str) -> Action | None:
    """Return the action ``line`` asks for, or ``None`` for a blank line or a comment.

    :raises ScriptError: the line is malformed.
    """
    text = line.strip()
    if not text or text.startswith("#"):
        return None
    if text.startswith("/"):
        path, options = parse_command(text)
        return Command(path, options)
    if text.startswith(":"):
        return _parse_directive(text)
    return Say(text)


def parse_command(text: str) -> tuple[tuple[str, ...], dict[str, str]]:
    """Split ``/name sub opt:value ...`` into the command path and its options.

    As in Discord's client, a value runs to the next ``opt:``: ``leads:60, 10`` is
    ``"60, 10"``; double quotes keep an ``x:`` inside a value (``query:"rust: intro"``).
    """
    words = _split(text.removeprefix("/"))
    path: list[str] = []
    options: dict[str, str] = {}
    for word in words:
        match = _OPTION.match(word)
        if match is None:
            if options:
                last = list(options)[-1]
                options[last] = f"{options[last]} {word}" if options[last] else word
            else:
                path.append(word)
            continue
        name, value = match.groups()
        if name in options:
            raise ScriptError(f"option {name!r} is given twice")
        options[name] = value
    if not path:
        raise ScriptError("no command name after '/'; try /about")
    return tuple(path), options


def parse_duration(text: str) -> timedelta:
    """Return the span ``text`` names: ``30s``, ``10m``, ``2h``, ``1h30m``, ``1d``.

    :raises ScriptError: ``text`` is not a duration, is negative or is too long to exist.
    """
    typed = text.strip()
    compact = "".join(typed.lower().split())  # "1h 30m" reads as "1h30m"
    if compact.startswith("-"):
        raise ScriptError(f"{typed!r}: the simulated clock only moves forward")
    match = _DURATION.match(compact.removeprefix("+"))
    if not compact or match is None:
        raise ScriptError(f"{typed!r} is not a duration; {_DURATION_HINT}")
    days, hours, minutes, seconds = (int(part or 0) for part in match.groups())
    try:
        return timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
    except OverflowError:
        raise ScriptError(f"{typed!r} is longer than any calendar goes") from None


def reachable(now: datetime, delta: timedelta) -> datetime:
    """Return ``now + delta`` if the simulated clock may show it.

    :raises ScriptError: it would pass :data:`LATEST`.
    """
    if delta > LATEST - now:
        raise ScriptError(
            f"waiting {format_duration(delta)} would pass {LATEST:%Y-%m-%d}, the latest time "
            f"the demo can show; at most {format_duration(LATEST - now)} is left"
        )
    return now + delta


def format_duration(delta: timedelta) -> str:
    """Return ``delta`` the way :func:`parse_duration` reads it: ``1d2h30m``."""
    seconds = int(delta.total_seconds())
    days, seconds = divmod(seconds, 86400)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    parts = [(days, "d"), (hours, "h"), (minutes, "m"), (seconds, "s")]
    return "".join(f"{value}{unit}" for value, unit in parts if value) or "0s"


def _split(text: str) -> list[str]:
    """Split at spaces outside double quotes; an apostrophe is a letter ("what's on")."""
    lexer = shlex.shlex(text, posix=True)
    lexer.whitespace_split = True
    lexer.quotes = '"'
    lexer.commenters = ""
    try:
        return list(lexer)
    except ValueError as error:
        raise ScriptError(f'{error}: a value in double quotes needs its closing "') from None


def _parse_directive(text: str) -> Action:
    name, rest = [*text[1:].split(None, 1), "", ""][:2]  # split at any whitespace
    rest = rest.strip()
    name = name.lower()
    simple: dict[str, Action] = {
        "dm": GoToDm(),
        "time": ShowTime(),
        "events": ShowEvents(),
        "help": ShowHelp(),
        "quit": Quit(),
        "exit": Quit(),
    }
    if name in simple:
        if rest:
            raise ScriptError(f":{name} takes no argument")
        return simple[name]
    if name == "as":
        return SwitchUser(_one_name(rest, ":as NAME"))
    if name in ("interested", "uninterested"):
        if not rest:
            raise ScriptError(f"usage: :{name} EVENT NAME (part of it is enough)")
        return Interested(rest, pressed=name == "interested")
    if name == "channel":
        return GoToChannel(_one_name(rest.removeprefix("#"), ":channel NAME"))
    if name == "click":
        label = " ".join(_split(rest))
        if not label:
            raise ScriptError("usage: :click LABEL")
        return Click(label)
    if name == "choose":
        labels = tuple(label.strip() for label in rest.split("|") if label.strip())
        if not labels:
            raise ScriptError("usage: :choose OPTION | OPTION ... (the start of a label is enough)")
        return Choose(labels)
    if name == "submit":
        return Submit(_parse_fields(rest))
    if name == "wait":
        delta = parse_duration(rest)
        if not delta:
            raise ScriptError(":wait needs a positive duration, e.g. :wait 10m")
        return Wait(delta)
    if name == "complete":
        return _parse_complete(rest)
    raise ScriptError(f"unknown directive :{name}; type :help for the list")


def _one_name(text: str, usage: str) -> str:
    if not _NAME.match(text):
        raise ScriptError(f"usage: {usage} (one word)")
    return text


def _parse_fields(text: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for word in _split(text):
        label, equals, value = word.partition("=")
        if not equals or not label:
            raise ScriptError(f'expected LABEL="value", got {word!r}')
        values[label] = value
    if not values:
        raise ScriptError('usage: :submit LABEL="value" LABEL2="value"')
    return values


def _parse_complete(text: str) -> Complete:
    if not text.startswith("/"):
        raise ScriptError("usage: :complete /command opt:partial (completes the last option)")
    path, options = parse_command(text)
    if not options:
        raise ScriptError(":complete needs an option to complete, e.g. zone:syd")
    return Complete(path, options, focused=list(options)[-1])
