"""One logging configuration for the whole process.

discord.py's HTTP and gateway chatter is turned down, and a filter scrubs the bot
token from every record, whoever logs it.
"""

from __future__ import annotations

import logging
import sys

_NOISY_LOGGERS = ("discord.http", "discord.gateway", "discord.client", "apscheduler", "aiosqlite")


class RedactSecrets(logging.Filter):
    """Replace each given secret with ``[redacted]`` in messages and arguments."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self._secrets = [secret for secret in secrets if secret]

    def filter(self, record: logging.LogRecord) -> bool:
        """Scrub the record in place; never drop it."""
        if not self._secrets:
            return True
        message = record.getMessage()
        if any(secret in message for secret in self._secrets):
            for secret in self._secrets:
                message = message.replace(secret, "[redacted]")
            record.msg, record.args = message, None
        return True


def configure_logging(level: str = "INFO", *, secrets: list[str] | None = None) -> None:
    """Send log records to stderr in one format, with secrets scrubbed."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s", "%Y-%m-%d %H:%M:%S")
    )
    handler.addFilter(RedactSecrets(secrets or []))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in _NOISY_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLevelName(level)))
