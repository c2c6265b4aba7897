"""The terminal side of the demo: read lines off the event loop, print without clobbering.

Lines are read in a daemon thread, one per request, so the bot keeps running (and
its scheduled messages keep arriving) while the user types, and an unfinished
``input()`` never holds up the process's exit.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import sys
import threading
from typing import TextIO

try:  # line editing and history at the prompt, where available
    import readline
except ImportError:  # pragma: no cover - Windows
    readline = None  # type: ignore[assignment]


class LineReader:
    """Read one line at a time from stdin in a daemon thread; ``None`` means end of input."""

    def __init__(self, *, interactive: bool, stdin: TextIO | None = None) -> None:
        self.interactive = interactive
        self._stdin = stdin or sys.stdin
        self._requests: queue.Queue[tuple[str, asyncio.Future[str | None]] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._serve, name="demo-stdin", daemon=True)
        self._thread.start()

    async def read(self, prompt: str) -> str | None:
        """Return the next line (without its newline), showing ``prompt`` in a terminal."""
        future: asyncio.Future[str | None] = asyncio.get_running_loop().create_future()
        self._requests.put((prompt, future))
        return await future

    def close(self) -> None:
        """Let the thread end once the line it may be waiting for arrives."""
        self._requests.put(None)

    def _serve(self) -> None:
        while (request := self._requests.get()) is not None:
            prompt, future = request
            line = self._read_one(prompt)
            loop = future.get_loop()
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(_resolve, future, line)

    def _read_one(self, prompt: str) -> str | None:
        if self.interactive:
            try:
                return input(prompt)
            except EOFError:
                return None
        line = self._stdin.readline()
        return line.rstrip("\r\n") if line else None


def _resolve(future: asyncio.Future[str | None], line: str | None) -> None:
    if not future.done():
        future.set_result(line)


class Output:
    """Print transcript text; in a terminal, redraw the prompt a message interrupted."""

    def __init__(self, stream: TextIO | None = None, *, interactive: bool = False) -> None:
        self._stream = stream or sys.stdout
        self._interactive = interactive
        self.prompt: str | None = None  # set while the user is typing at a prompt

    def print(self, text: str) -> None:
        """Write ``text`` and a newline, above the prompt if one is showing."""
        if self._interactive and self.prompt is not None:
            typed = readline.get_line_buffer() if readline is not None else ""
            self._stream.write(f"\r\x1b[K{text}\n{self.prompt}{typed}")
        else:
            self._stream.write(text + "\n")
        self._stream.flush()
