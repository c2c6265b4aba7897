"""``confbot demo`` as a subcommand of the ``confbot`` command line.

The product's CLI finds it through the ``confbot.commands`` entry point (see
``pyproject.toml``), so ``bot`` never imports the development tooling. This module
imports nothing heavy: the sandbox and the demo load only when the command runs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    with_config: Callable[[argparse.ArgumentParser], argparse.ArgumentParser],
) -> None:
    """Add ``demo`` and its options to the ``confbot`` command line."""
    demo = with_config(sub.add_parser("demo", help="chat with the bot offline, in a sandbox"))
    demo.add_argument("--schedule", type=Path, help="schedule file (default: the config's)")
    demo.add_argument("--at", help="start the simulated clock at this ISO time (UTC if no offset)")
    # Read as text: the demo explains a bad value in one line (argparse prints its usage).
    demo.add_argument("--speed", default="1", help="run the clock N times faster (0: stopped)")
    demo.add_argument("--data-dir", type=Path, help="keep the demo database here")
    demo.add_argument("--transcript", action="store_true", help="print every request at the end")
    demo.add_argument(
        "--verbose", action="store_true", help="show the bot's log records in the chat"
    )
    demo.set_defaults(handler=command_demo)


def command_demo(args: argparse.Namespace) -> int:
    """Start the sandbox and the real bot in one process and chat with it."""
    try:
        from confbot_dev.demo.run import run_demo
    except ImportError as error:  # installed without the dev extra
        print(
            f"confbot: the demo needs the development tools ({error.name} is missing): "
            "install with pip install -e '.[dev]' (make demo does).",
            file=sys.stderr,
        )
        return 2
    return run_demo(args)
