"""The native schedule file: TOML (or its JSON twin) written in local wall-clock time.

Organisers write times as they read them on a clock in the conference's zone; the
loader turns them into aware UTC instants once, here, and nowhere else. The format::

    [conference]
    name = "Example Conf"            # required
    zone = "America/New_York"        # required: the IANA zone every time is written in
    url = "https://example.org"      # optional
    description = "..."              # optional
    organisers = ["..."]             # optional

    [[rooms]]                         # optional, repeatable
    id = "main"                       # required, unique: letters, digits, - _ .
    name = "Main stage"               # required
    stream_url = "https://..."        # optional

    [[tracks]]                        # optional, repeatable
    id = "law"
    name = "Law and evidence"

    [[speakers]]                      # optional, repeatable
    id = "nice"
    name = "Sir Geoffrey Nice QC"
    affiliation = "..."               # optional; so are bio, url, avatar_url
    links = ["https://..."]           # optional
    discord_user_id = 123456789012345678   # optional (an integer or a string of digits)

    [[sessions]]
    id = "keynote"
    title = "..."
    start = "2021-02-24 16:00"        # local wall time in the conference zone
    end = "2021-02-24 17:45"          # or end = "17:45" (same day), or duration
    # duration = "1h45m"              # or "90m", "2h", or an integer of minutes
    room = "main"                     # optional, must name a [[rooms]] id
    track = "law"                     # optional, must name a [[tracks]] id
    kind = "keynote"                  # optional free text: talk, panel, workshop...
    language = "en"                   # optional
    speakers = ["nice"]               # optional, each a [[speakers]] id
    abstract = \"\"\"...\"\"\"              # optional; so are url and stream_url

A time may carry an explicit UTC offset (``"2021-11-07 01:30-05:00"``, or ``Z``); it
is then an exact instant, which is how an organiser says which of the two 01:30s of
a daylight-saving fold they mean. TOML's own date-time values (unquoted
``2021-02-24T16:00:00``) are accepted too. Durations are elapsed time, so a session
that spans a DST change still lasts what it says.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bot.errors import ConfigError
from bot.schedule.model import Schedule
from bot.schedule.native_parser import NativeParser
from bot.schedule.validation import Problems, describe_type
from bot.text_files import read_text_file

__all__ = ["load_native_schedule", "parse_native_text", "parse_schedule"]


def load_native_schedule(path: str | os.PathLike[str]) -> Schedule:
    """Read a native ``.toml`` or ``.json`` schedule file and return the checked schedule.

    :raises ConfigError: the file cannot be read or parsed, or breaks any rule; its
        ``problems`` name the file and list every mistake found, not only the first.
    """
    path = Path(path)
    source = path.name
    suffix = path.suffix.lower()
    if suffix not in (".toml", ".json"):
        raise ConfigError([f"{source}: a schedule file must end in .toml or .json"])
    text = read_text_file(path, what="schedule file", name=source)
    return parse_native_text(text, source=source, toml=suffix == ".toml")


def parse_native_text(text: str, *, source: str, toml: bool) -> Schedule:
    """Return the schedule in native TOML (``toml``) or JSON ``text``.

    :raises ConfigError: ``text`` does not parse, or breaks any rule.
    """
    problems = Problems(source)
    if toml:
        try:
            data: Any = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            # tomllib's message ends "(at line 3, column 5)".
            raise ConfigError([f"{source}: not valid TOML: {error}"]) from None
    else:

        def reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
            # TOML refuses a repeated key; JSON silently keeps the last one.
            seen: dict[str, Any] = {}
            for key, value in pairs:
                if key in seen:
                    problems.add("", f'key "{key}" appears twice in the same object')
                seen[key] = value
            return seen

        try:
            data = json.loads(text, object_pairs_hook=reject_duplicates)
        except json.JSONDecodeError as error:
            raise ConfigError(
                [
                    f"{source}: not valid JSON: {error.msg} (at line {error.lineno}, "
                    f"column {error.colno})"
                ]
            ) from None
    if not isinstance(data, dict):
        raise ConfigError([f"{source}: the file must hold an object, not {describe_type(data)}"])
    return NativeParser(data, problems).schedule()


def parse_schedule(data: Mapping[str, Any], *, source: str) -> Schedule:
    """Return the schedule described by parsed TOML/JSON ``data`` (``source`` names it).

    :raises ConfigError: ``data`` breaks any rule; every problem found is listed.
    """
    return NativeParser(data, Problems(source)).schedule()
