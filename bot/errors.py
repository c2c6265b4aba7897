"""Errors that are part of the interface: each carries the sentence a user sees.

Raise a :class:`UserError` (or a subclass) from anywhere in the core when the user
asked for something that cannot be done; the Discord error handler shows its
message, ephemerally, and logs nothing alarming. Anything else is unexpected and
gets a short error code (see :func:`error_code`) that is shown and also logged.
"""

from __future__ import annotations

import secrets


class UserError(Exception):
    """A problem the user can fix; ``str(error)`` is one clear sentence for them."""

    def __init__(self, message: str, *, suggestions: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.suggestions = suggestions or []


class ConfigError(Exception):
    """The configuration or the schedule file is invalid; ``problems`` lists every one found."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class UnknownZoneError(UserError):
    """The text the user typed is not a time zone we can resolve."""


class AmbiguousZoneError(UserError):
    """The text names several time zones (an abbreviation such as ``CST``)."""


class NonExistentTimeError(UserError):
    """A local wall-clock time that is skipped by a DST change (a spring-forward gap)."""


class AmbiguousTimeError(UserError):
    """A local wall-clock time that happens twice because of a DST change (a fall-back fold)."""


class TimeParseError(UserError):
    """The text the user typed is not a time we understand."""


class NotFoundError(UserError):
    """A session, speaker, room or track the user named does not exist."""


class PermissionDeniedError(UserError):
    """The user may not do this (a moderator-only operation)."""


BUSY_MESSAGE = "The bot is busy; try again in a moment."


class DatabaseBusyError(UserError):
    """The database stayed locked by another process longer than a command may wait.

    Its busy timeout is kept well under Discord's 3 s answer deadline, so the user
    is told to retry instead of seeing "The application did not respond".
    """

    def __init__(self, message: str = BUSY_MESSAGE) -> None:
        super().__init__(message)


class DatabaseUnreachableError(DatabaseBusyError):
    """The database server could not be reached at all (opening it: refused, no answer).

    Busy to whoever asks during a command; at ``confbot run``'s start, ``sentence()``
    says where it looked and why it failed.
    """

    def __init__(self, where: str, reason: str) -> None:
        super().__init__()
        self.where = where
        self.reason = reason

    def sentence(self) -> str:
        """Return the one sentence for the organiser starting the bot."""
        return (
            f"cannot reach PostgreSQL at {self.where} ({self.reason}); "
            "start the server or fix [storage] database, then run confbot again "
            "(exit status 3: worth retrying later)."
        )


class DatabaseVersionError(Exception):
    """The database was written by a newer confbot than this one."""


def error_code() -> str:
    """Return a short random code that ties a user-visible error to its log line."""
    return secrets.token_hex(3).upper()
