"""Reading untyped schedule data (parsed TOML or JSON) while recording every problem.

A schedule file is checked in one pass that never stops at the first mistake: each
reader records a problem and returns ``None`` so the caller can carry on, and the
caller raises one :class:`~bot.errors.ConfigError` listing them all at the end.
Every problem names the file and where in it (``session "keynote": ...``).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from typing import Any

__all__ = ["ID_PATTERN", "Problems", "Table", "describe_type", "did_you_mean"]

# Ids are typed by attendees in Discord commands, so they must be short and space free.
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_URL_PATTERN = re.compile(r"https?://\S+")


class Problems:
    """The problems found in one source file, each a sentence prefixed by the file name."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.messages: list[str] = []

    def add(self, where: str, message: str) -> None:
        """Record ``message`` about ``where`` (``""`` for the file as a whole)."""
        prefix = f"{self.source}: {where}: " if where else f"{self.source}: "
        self.messages.append(prefix + message)

    def __bool__(self) -> bool:
        return bool(self.messages)


def describe_type(value: object) -> str:
    """Return how a parsed TOML/JSON value is named to the person who wrote it."""
    # Order matters: bool is an int, and datetime is a date.
    for kind, name in (
        (bool, "true/false"),
        (int, "an integer"),
        (float, "a number"),
        (str, "a string"),
        (list, "a list"),
        (dict, "a table"),
        (datetime, "a date and time"),
        (date, "a date"),
        (time, "a time of day"),
    ):
        if isinstance(value, kind):
            return name
    return "null" if value is None else type(value).__name__


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """Return `` (did you mean "x"?)`` for the closest of ``choices``, or ``""``."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f' (did you mean "{close[0]}"?)' if close else ""


class Table:
    """The keys of one table (the conference, a room, a session...), read strictly.

    Unknown keys are reported at construction, with the closest known key suggested,
    so a typo such as ``titel`` fails loudly instead of being ignored.
    """

    def __init__(
        self,
        data: Mapping[str, Any],
        where: str,
        problems: Problems,
        allowed: Iterable[str],
    ) -> None:
        self.data = data
        self.where = where
        self.problems = problems
        allowed = tuple(allowed)
        for key in data:
            if key not in allowed:
                problems.add(where, f'unknown key "{key}"{did_you_mean(key, allowed)}')

    def problem(self, message: str) -> None:
        """Record a problem about this table."""
        self.problems.add(self.where, message)

    def _wrong_type(self, key: str, expected: str, value: object) -> None:
        self.problem(f"{key} must be {expected}, not {describe_type(value)} ({value!r})")

    def text(self, key: str, *, required: bool = False) -> str | None:
        """Return the stripped string at ``key``; ``None`` when absent, empty or invalid."""
        value = self.data.get(key)
        if value is None:
            if required:
                self.problem(f'missing required key "{key}"')
            return None
        if not isinstance(value, str):
            self._wrong_type(key, "a string", value)
            return None
        value = value.strip()
        if not value:
            if required:
                self.problem(f"{key} must not be empty")
            return None
        return value

    def identifier(self, key: str = "id") -> str | None:
        """Return the id at ``key`` if it is a valid id, recording why not otherwise."""
        value = self.text(key, required=True)
        if value is not None and not ID_PATTERN.fullmatch(value):
            self.problem(
                f'{key} "{value}" must be 1-64 letters, digits, "-", "_" or "." '
                "(no spaces), starting with a letter or digit"
            )
            return None
        return value

    def url(self, key: str) -> str | None:
        """Return the http(s) URL at ``key``, or ``None``."""
        value = self.text(key)
        if value is not None and not _URL_PATTERN.fullmatch(value):
            self.problem(f'{key} "{value}" must be a web address starting with https://')
            return None
        return value

    def text_list(self, key: str) -> tuple[str, ...] | None:
        """Return the non-empty strings listed at ``key``: ``()`` if absent, ``None`` if invalid."""
        value = self.data.get(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            self._wrong_type(key, "a list of strings", value)
            return None
        items: list[str] = []
        valid = True
        for position, item in enumerate(value, start=1):
            if not isinstance(item, str) or not item.strip():
                self.problem(
                    f"{key} item #{position} must be a non-empty string, "
                    f"not {describe_type(item)} ({item!r})"
                )
                valid = False
            else:
                items.append(item.strip())
        return tuple(items) if valid else None

    def snowflake(self, key: str) -> int | None:
        """Return the Discord id at ``key`` (an integer, or a string of digits), or ``None``."""
        value = self.data.get(key)
        if value is None:
            return None
        # JSON tools often write 64-bit snowflakes as strings to survive JavaScript.
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int):
            self._wrong_type(key, "an integer (a Discord user id)", value)
            return None
        if not 0 < value < 2**63:
            self.problem(f"{key} {value} is not a Discord user id")
            return None
        return value
