"""Turn typed ``opt:value`` text into the values a registered command expects."""

from __future__ import annotations

import mimetypes
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from confbot_dev.demo.script import ScriptError
from confbot_dev.harness import ConferenceHarness
from confbot_dev.sandbox import Channel, Role, User
from confbot_dev.sandbox.rest import Upload

SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER = 3, 4, 5, 6, 7, 8, 9, 10
ATTACHMENT = 11
# The upload limit the sandbox announces in every interaction (attachment_size_limit).
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
_TRUE = {"true", "yes", "y", "on", "1"}
_FALSE = {"false", "no", "n", "off", "0"}


def command_names(harness: ConferenceHarness) -> list[str]:
    """Return the names of every registered slash command, sorted."""
    return sorted({str(c["name"]) for c in harness.sandbox.commands if c.get("type", 1) == 1})


def option_definitions(
    harness: ConferenceHarness, path: tuple[str, ...], channel: Channel | None
) -> list[dict[str, Any]]:
    """Return the option definitions of command ``path`` as registered.

    :raises ScriptError: there is no such command or subcommand.
    """
    guild_id = channel.guild_id if channel is not None else None
    command = harness.sandbox.world.find_command(path[0], guild_id)
    if command is None:
        known = ", ".join(f"/{name}" for name in command_names(harness)) or "none yet"
        raise ScriptError(f"unknown command /{path[0]}; registered commands: {known}")
    definitions: list[dict[str, Any]] = list(command.get("options") or [])
    for word in path[1:]:
        subs = [o for o in definitions if o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP)]
        sub = next((o for o in subs if o["name"] == word), None)
        if sub is None:
            names = ", ".join(o["name"] for o in subs) or "none"
            raise ScriptError(f"/{' '.join(path)}: no subcommand {word!r} (has: {names})")
        definitions = list(sub.get("options") or [])
    needed = [o["name"] for o in definitions if o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP)]
    if needed:
        raise ScriptError(f"/{' '.join(path)} needs a subcommand: {', '.join(needed)}")
    return definitions


def convert_options(
    harness: ConferenceHarness,
    path: tuple[str, ...],
    typed: Mapping[str, str],
    channel: Channel | None,
    *,
    focused: str | None = None,
) -> dict[str, Any]:
    """Return ``typed`` converted per the registered definitions (``focused`` stays text).

    :raises ScriptError: an option is unknown, missing or not of its type.
    """
    definitions = {o["name"]: o for o in option_definitions(harness, path, channel)}
    shown = f"/{' '.join(path)}"
    converted: dict[str, Any] = {}
    for name, text in typed.items():
        definition = definitions.get(name)
        if definition is None:
            names = ", ".join(definitions) or "no options"
            raise ScriptError(f"{shown} has no option {name!r} (has: {names})")
        converted[name] = text if name == focused else _convert(harness, definition, text)
    if focused is None:
        missing = [n for n, o in definitions.items() if o.get("required") and n not in typed]
        if missing:
            raise ScriptError(f"{shown} needs {', '.join(f'{n}:...' for n in missing)}")
    return converted


def static_choices(
    harness: ConferenceHarness, path: tuple[str, ...], focused: str, channel: Channel | None
) -> list[dict[str, Any]] | None:
    """Return the fixed choices of option ``focused``, or ``None`` if the bot suggests them.

    A Discord client filters fixed choices itself and asks the bot only for options
    with autocomplete; an option with neither offers nothing to complete.

    :raises ScriptError: the option does not exist or has no suggestions at all.
    """
    definitions = {o["name"]: o for o in option_definitions(harness, path, channel)}
    definition = definitions.get(focused)
    shown = f"/{' '.join(path)}"
    if definition is None:
        names = ", ".join(definitions) or "no options"
        raise ScriptError(f"{shown} has no option {focused!r} (has: {names})")
    if definition.get("autocomplete"):
        return None
    if definition.get("choices"):
        return [dict(choice) for choice in definition["choices"]]
    raise ScriptError(f"{shown} {focused}: that option has no suggestions; type any value")


def _convert(harness: ConferenceHarness, definition: Mapping[str, Any], text: str) -> Any:
    kind = int(definition["type"])
    name = definition["name"]
    choices = definition.get("choices") or []
    for choice in choices:
        if text.casefold() in (str(choice["name"]).casefold(), str(choice["value"]).casefold()):
            return choice["value"]
    if choices:
        listed = ", ".join(str(c["name"]) for c in choices)
        raise ScriptError(f"option {name!r} must be one of: {listed}")
    try:
        if kind == INTEGER:
            return int(text)
        if kind == NUMBER:
            return float(text)
    except ValueError:
        raise ScriptError(f"option {name!r} needs a number, got {text!r}") from None
    if kind == BOOLEAN:
        if text.lower() in _TRUE | _FALSE:
            return text.lower() in _TRUE
        raise ScriptError(f"option {name!r} needs true or false, got {text!r}")
    if kind in (USER, ROLE, MENTIONABLE, CHANNEL):
        return _entity(harness, kind, name, text)
    if kind == ATTACHMENT:
        return attachment(name, text)
    return text


def attachment(name: str, text: str) -> Upload:
    """Return the file ``@path`` names, uploaded as a Discord client attaches it.

    :raises ScriptError: the text is not ``@path``, or the file cannot be read or is too big.
    """
    if not text.startswith("@") or len(text) < 2:
        raise ScriptError(f"option {name!r} takes a file: {name}:@path/to/file")
    path = Path(text[1:]).expanduser()
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ScriptError(f"option {name!r}: cannot read {path}: {error.strerror}") from None
    if len(data) > MAX_UPLOAD_BYTES:
        raise ScriptError(
            f"option {name!r}: {path.name} is {len(data):,} bytes; Discord takes at most "
            f"{MAX_UPLOAD_BYTES:,} here"
        )
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return Upload(name, path.name, data, content_type)


def _entity(harness: ConferenceHarness, kind: int, name: str, text: str) -> User | Role | Channel:
    server = harness.server
    if server is None:
        raise ScriptError("the conference server is not running")
    key = text.lstrip("@#")
    if kind == CHANNEL:
        if key in server.channels:
            return server.channels[key]
        raise ScriptError(f"option {name!r}: no channel #{key} (has: {', '.join(server.channels)})")
    if kind in (USER, MENTIONABLE) and key in server.members:
        return server.members[key]
    role = next((r for r in server.guild.roles if r.name == key), None)
    if kind in (ROLE, MENTIONABLE) and role is not None:
        return role
    people = ", ".join(server.members)
    raise ScriptError(f"option {name!r}: nobody called {key!r} (members: {people})")
