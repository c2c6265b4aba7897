"""The demo's log records: stamped with the simulated time, kept out of the chat by default.

Records from INFO up go to ``demo.log`` in the data directory; with ``--verbose``
they are also printed, dimmed, above the prompt. Each carries the simulated time,
which is the time the bot believes it is.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.clock import Clock
from bot.logging_config import RedactSecrets, configure_logging
from confbot_dev.demo.console import Output
from confbot_dev.demo.render import Style

LOG_FILE = "demo.log"
FORMAT = "%(simulated)s %(levelname)s %(name)s: %(message)s"


class SimulatedTime(logging.Filter):
    """Stamp each record with the simulated time (``record.simulated``) it happened at."""

    def __init__(self, clock: Clock) -> None:
        super().__init__()
        self._clock = clock

    def filter(self, record: logging.LogRecord) -> bool:
        """Add the stamp; never drop the record."""
        record.simulated = f"[{self._clock.now():%Y-%m-%d %H:%M:%S} UTC, simulated]"
        return True


class ChatHandler(logging.Handler):
    """Print records into the transcript, dimmed, without clobbering the prompt."""

    def __init__(self, output: Output, style: Style) -> None:
        super().__init__()
        self._output = output
        self._style = style

    def emit(self, record: logging.LogRecord) -> None:
        """Print the formatted record."""
        try:
            self._output.print(self._style.dim(self.format(record)))
        except Exception:  # a log line must never break the demo
            self.handleError(record)


@contextmanager
def demo_logging(
    clock: Clock,
    data_dir: Path,
    output: Output,
    style: Style,
    *,
    verbose: bool,
    secrets: list[str],
) -> Iterator[None]:
    """Route log records to the data directory's log (and the chat if ``verbose``)."""
    configure_logging("INFO", secrets=secrets)
    handlers: list[logging.Handler] = [logging.FileHandler(data_dir / LOG_FILE, encoding="utf-8")]
    if verbose:
        handlers.append(ChatHandler(output, style))
    for handler in handlers:
        handler.setFormatter(logging.Formatter(FORMAT))
        handler.addFilter(RedactSecrets(secrets))
        handler.addFilter(SimulatedTime(clock))
    root = logging.getLogger()
    root.handlers[:] = handlers
    try:
        yield
    finally:
        root.handlers[:] = [logging.NullHandler()]  # not Python's last resort: stderr
        for handler in handlers:
            handler.close()
