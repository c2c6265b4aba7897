"""Run a standalone sandbox for a bot in another process (``python -m confbot_dev.sandbox``)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys

from confbot_dev.sandbox.server import Sandbox


async def _serve(port: int) -> None:
    sandbox = Sandbox(port=port)
    await sandbox.start()
    guild = sandbox.add_guild("ConfCon")
    sandbox.add_channel(guild, "general")
    sandbox.add_member(guild, "alice")
    for key, value in sandbox.env().items():
        sys.stdout.write(f"export {key}={value}\n")
    sys.stdout.flush()
    try:
        await asyncio.Event().wait()
    finally:
        await sandbox.stop()


def main() -> None:
    """Parse ``--port`` and serve until interrupted."""
    parser = argparse.ArgumentParser(description="Serve a loopback Discord sandbox.")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args.port))


if __name__ == "__main__":
    main()
