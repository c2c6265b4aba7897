"""The progress bar ``confbot import`` draws while it reads and parses a large export.

Only a terminal sees it (stdout and stderr both terminals), and only for inputs of
:data:`LARGE_INPUT_BYTES` or more: a smaller file is read and parsed before a bar
could say anything, and a pipe gets exactly the plain report it always had. The bar
is drawn on stderr and erased when done, so what is left on screen is the report.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

__all__ = ["LARGE_INPUT_BYTES", "ImportProgress", "read_file"]

#: From this size on (1 MiB) reading and parsing take long enough to be worth a bar.
LARGE_INPUT_BYTES = 1024 * 1024
# Read a file in pieces this large, so the bar moves (and memory is read once).
_CHUNK_BYTES = 256 * 1024


class _BytesColumn(DownloadColumn):
    """ "1.2/2.0 MB" for the reading row; nothing for parsing, which counts no bytes."""

    def render(self, task: Task) -> Text:
        """Return the bytes read of the total, or nothing for a row that counts none."""
        return super().render(task) if task.fields.get("counts_bytes") else Text("")


class ImportProgress:
    """A bar for reading (bytes, when the size is known) then parsing; nothing if not wanted.

    ``console`` is where it is drawn; ``None`` (a pipe) draws nothing at all.
    """

    def __init__(self, console: Console | None, *, threshold: int = LARGE_INPUT_BYTES) -> None:
        self._console = console
        self._threshold = threshold
        self._progress: Progress | None = None
        self._reading: TaskID | None = None

    @classmethod
    def for_terminal(cls) -> ImportProgress:
        """Return the bar for this process: on stderr if stdout and stderr are terminals."""
        console = Console(stderr=True)
        shown = sys.stdout.isatty() and console.is_terminal
        return cls(console if shown else None)

    def shows(self, size: int | None) -> bool:
        """Return whether an input of ``size`` bytes (``None``: not known yet) gets a bar."""
        return self._console is not None and size is not None and size >= self._threshold

    def _started(self) -> Progress:
        if self._progress is None:
            self._progress = Progress(
                TextColumn("{task.description:<8}"),
                BarColumn(),
                _BytesColumn(),
                TimeElapsedColumn(),
                console=self._console,
                transient=True,
            )
            self._progress.start()
        return self._progress

    def received(self, done: int, total: int | None) -> None:
        """Move the reading bar to ``done`` bytes of ``total`` (``None``: size unknown).

        Without a known size the bar appears once ``done`` passes the threshold.
        """
        if self._reading is None and not self.shows(done if total is None else total):
            return
        progress = self._started()
        if self._reading is None:
            self._reading = progress.add_task("Reading", total=total, counts_bytes=True)
        progress.update(self._reading, completed=done, total=total, refresh=True)

    @contextmanager
    def parsing(self, size: int) -> Iterator[None]:
        """Show "Parsing" (no end known: the bar pulses) while a ``size``-byte body is read.

        The bar is erased when the body is parsed, whether that succeeded or not.
        """
        if not self.shows(size):
            yield
            return
        progress = self._started()
        if self._reading is not None:
            progress.update(self._reading, completed=size, total=size)
        task = progress.add_task("Parsing", total=None)
        progress.refresh()
        try:
            yield
        finally:
            progress.update(task, total=size, completed=size, refresh=True)
            self.close()

    def close(self) -> None:
        """Erase the bar (if one was drawn); safe to call more than once."""
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
            self._reading = None


def read_file(path: Path, progress: ImportProgress) -> bytes:
    """Return the bytes of ``path``, moving ``progress`` as they are read.

    :raises OSError: the file cannot be read.
    """
    size = path.stat().st_size
    if not progress.shows(size):
        return path.read_bytes()
    body = bytearray()
    with path.open("rb") as file:
        while chunk := file.read(_CHUNK_BYTES):
            body += chunk
            progress.received(len(body), size)
    return bytes(body)
