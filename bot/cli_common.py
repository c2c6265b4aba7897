"""What every ``confbot`` subcommand shares: which config file to read, and its output.

Output nobody reads (``| head`` closed the pipe) is dropped quietly; problems go to
stderr as sentences.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = [
    "DEFAULT_CONFIG",
    "FALLBACK_CONFIG",
    "config_path",
    "emit",
    "print_problems",
    "silence_stdout",
]

DEFAULT_CONFIG = Path("config.toml")
FALLBACK_CONFIG = Path("config.example.toml")


def config_path(explicit: Path | None) -> Path | None:
    """Return the config to read: the one given, else ./config.toml, else the example."""
    if explicit is not None:
        return explicit
    for candidate in (DEFAULT_CONFIG, FALLBACK_CONFIG):
        if candidate.exists():
            return candidate
    return None


def emit(text: str) -> None:
    """Print ``text`` on stdout; a reader gone (``| head`` closed the pipe) silences the rest.

    The command goes on (an import is still applied): only the output nobody reads is lost.
    """
    try:
        print(text)
        sys.stdout.flush()
    except BrokenPipeError:
        silence_stdout()


def silence_stdout() -> None:
    """Send whatever is still to be printed (and the flush at exit) to /dev/null."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no file descriptor (a test's captured stdout)
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - stays open until exit


def print_problems(problems: list[str]) -> None:
    if len(problems) == 1:  # e.g. a file that cannot be read at all: one line says it
        print(f"confbot: {problems[0]}", file=sys.stderr)
        return
    print(f"Found {len(problems)} problem{'s' if len(problems) != 1 else ''}:", file=sys.stderr)
    for problem in problems:
        print(f"  - {problem}", file=sys.stderr)
