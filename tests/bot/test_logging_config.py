"""Logging: the token never reaches a log line."""

from __future__ import annotations

import logging

from bot.logging_config import RedactSecrets


def record(message: str, *args: object) -> logging.LogRecord:
    """Return a log record as a logger would make it."""
    return logging.LogRecord("confbot", logging.INFO, __file__, 1, message, args, None)


def test_token_in_the_message_is_redacted() -> None:
    """A token inside the message text is replaced."""
    line = record("connecting with Bot abc.def.ghi now")
    RedactSecrets(["abc.def.ghi"]).filter(line)
    assert line.getMessage() == "connecting with Bot [redacted] now"


def test_token_in_the_arguments_is_redacted() -> None:
    """A token passed as a %-argument is replaced too."""
    line = record("headers: %s", {"Authorization": "Bot abc.def.ghi"})
    RedactSecrets(["abc.def.ghi"]).filter(line)
    assert "abc.def.ghi" not in line.getMessage()
    assert "[redacted]" in line.getMessage()


def test_other_lines_are_untouched() -> None:
    """Lines without a secret keep their message and arguments."""
    line = record("synced %d commands", 12)
    assert RedactSecrets(["abc.def.ghi"]).filter(line)
    assert line.getMessage() == "synced 12 commands"
    assert line.args == (12,)
