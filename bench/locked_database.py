"""Benchmark answers while another process holds the database's write lock.

Usage: ``python bench/locked_database.py [--reads 500] [--writes 5]``. Prints one JSON object.

A second sqlite3 connection (standing in for another process: a backup, a second bot,
an admin's shell) takes the write lock with ``BEGIN IMMEDIATE`` and an uncommitted
write, and keeps it for the whole run. The bot runs with its default busy timeout.

* ``read_*`` — ``/schedule`` round trips (invoke to reply) made while a ``/timezone set``
  waits for the lock; they read the invoker's profile through the read connection, so
  they should not notice the lock. At most ``--reads`` of them, spread over the writes.
* ``write_ack_*`` — ``/timezone set``: from invoke to the "thinking…" defer, the answer
  that must arrive within Discord's 3 s deadline.
* ``write_reply_*`` — ``/timezone set``: from invoke to the busy follow-up, about the
  busy timeout (real time, as SQLite's busy handler sleeps).
* ``busy_replies`` — how many write replies were the busy sentence; ``unknown_interactions``
  — how many requests Discord (the sandbox) refused with 10062 (must be 0).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bot.config import load_config
from bot.errors import BUSY_MESSAGE
from bot.storage.database import BUSY_TIMEOUT_MS
from confbot_dev.harness import ConferenceHarness, harness_config

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "examples" / "seed-conference.toml"


def summary(prefix: str, samples: list[float]) -> dict[str, float]:
    """Return the median and maximum of ``samples`` (milliseconds), keys prefixed."""
    return {
        f"{prefix}p50_ms": round(statistics.median(samples), 3),
        f"{prefix}max_ms": round(max(samples), 3),
    }


async def measure(reads: int, writes: int) -> dict[str, object]:
    """Run the invocations with the lock held; return the figures."""
    with tempfile.TemporaryDirectory() as data_dir:
        config = harness_config(
            Path(data_dir), schedule=SEED, base=load_config(REPO / "config.example.toml")
        )
        async with ConferenceHarness(config) as harness:
            sandbox, alice = harness.sandbox, harness.member("alice")
            general = harness.channel("general")
            await sandbox.invoke(alice, "schedule", channel=general)  # warm up
            holder = sqlite3.connect(config.storage.database, isolation_level=None, timeout=0)
            holder.execute("BEGIN IMMEDIATE")
            holder.execute("INSERT INTO meta (key, value) VALUES ('bench', 'lock')")
            read_ms: list[float] = []
            ack_ms: list[float] = []
            reply_ms: list[float] = []
            busy = 0
            try:
                for _ in range(writes):
                    acked = sandbox.bus.expect("interaction_ack", lambda record: True)
                    started = time.perf_counter()
                    write = asyncio.create_task(
                        sandbox.invoke(alice, "timezone set", {"zone": "Sydney"}, channel=general)
                    )
                    await acked
                    ack_ms.append((time.perf_counter() - started) * 1000)
                    # The write now waits for the lock on the write connection; reads go on.
                    while not write.done() and len(read_ms) < reads:
                        read_started = time.perf_counter()
                        await sandbox.invoke(alice, "schedule", channel=general)
                        read_ms.append((time.perf_counter() - read_started) * 1000)
                    reply = await write
                    reply_ms.append((time.perf_counter() - started) * 1000)
                    busy += reply.content == BUSY_MESSAGE
            finally:
                holder.execute("ROLLBACK")
                holder.close()
            unknown = [
                record
                for record in sandbox.transcript.requests()
                if isinstance(record.response, dict) and record.response.get("code") == 10062
            ]
    return {
        "busy_timeout_ms": BUSY_TIMEOUT_MS,
        "reads": len(read_ms),
        **summary("read_", read_ms),
        "writes": writes,
        **summary("write_ack_", ack_ms),
        **summary("write_reply_", reply_ms),
        "busy_replies": busy,
        "unknown_interactions": len(unknown),
    }


def main() -> None:
    """Parse the options, run the benchmark, print one JSON object."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reads", type=int, default=500)
    parser.add_argument("--writes", type=int, default=5)
    args = parser.parse_args()
    # The busy warnings are expected here; keep stdout to the one JSON object.
    logging.basicConfig(level=logging.ERROR, stream=sys.stderr)
    print(json.dumps(asyncio.run(measure(args.reads, args.writes))))


if __name__ == "__main__":
    main()
