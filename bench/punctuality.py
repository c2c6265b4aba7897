"""Benchmark punctuality: many sessions, a few recipients each; how late does each DM land?

Usage: ``python bench/punctuality.py [--sessions 500] [--recipients 10] [--parallel 10]
[--speed 100]``. Prints one JSON object.

Sessions run ``--parallel`` at a time (tracks), a new slot every 5 simulated minutes; the
bot runs on a simulated clock ``--speed`` times real time against the sandbox in a child
process (Discord's 50 requests/s, the default 40/s budget). Each recipient has one DM
due at their session's lead; DM channels are known from earlier messages.

``lateness_p50_ms`` / ``lateness_p99_ms``: when the sandbox stored each DM minus its due
instant, in real milliseconds (negative: early; a fan-out starts before its due time so
that its last DM lands by it). ``on_time_share``: share stored by the due instant.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from fanout import DUE, bench_config, connected_bot, percentile, wait_until_done
from sandbox_process import SandboxProcess

from bot.clock import SimulatedClock
from bot.delivery import TEXT_KIND
from bot.delivery.pacing import PLANNING_SHARE
from bot.logging_config import configure_logging

BUDGET = 40.0
LIMIT = 50.0
SLOT = timedelta(minutes=5)
LEAD = timedelta(minutes=10)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    """Run every session's reminders once and return the lateness figures."""
    total = args.sessions * args.recipients
    sandbox = SandboxProcess()
    world = await sandbox.start(subscribers=total, global_per_second=LIMIT, seed=args.seed)
    users: list[int] = world["users"]
    slot_rows = args.parallel * args.recipients
    # Start just before the first slot's fan-out must begin.
    head_start = timedelta(seconds=slot_rows / (BUDGET * PLANNING_SHARE) * args.speed + 5)
    start = DUE - head_start
    clock = SimulatedClock(start, speed=args.speed)
    anchor = time.time()
    due_of: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as data_dir:
        config = bench_config(Path(data_dir), budget=BUDGET, lead=LEAD)
        env = world["env"]
        async with connected_bot(config, clock, env) as bot:
            database = bot.services.database
            for user, channel in world["dm_channels"].items():
                await database.recipients.set_dm_channel(int(user), channel)
            engine = bot.services.delivery
            rows = []
            for session in range(args.sessions):
                due = DUE + SLOT * (session // args.parallel)
                for offset in range(args.recipients):
                    user = users[session * args.recipients + offset]
                    due_of[user] = anchor + (due - start).total_seconds() / args.speed
                    rows.append(
                        engine.message(
                            f"bench:session{session}:{user}",
                            TEXT_KIND,
                            due,
                            {"content": f"Session {session} starts in 10 minutes."},
                            deadline_at=due + LEAD,
                            target_user_id=user,
                            session_id=f"session{session}",
                        )
                    )
            await engine.enqueue_many(rows)
            await wait_until_done(bot, TEXT_KIND)
            stats = await sandbox.call("stats")
            counts = (await engine.delivery_counts())[TEXT_KIND]
        await sandbox.stop()
    received: dict[str, list[float]] = stats["received"]
    lateness = [(times[0] - due_of[int(user)]) * 1000 for user, times in received.items()]
    return {
        "sessions": args.sessions,
        "recipients_per_session": args.recipients,
        "parallel_sessions": args.parallel,
        "clock_speed": args.speed,
        "delivered_share": round(len(received) / total, 4),
        "duplicates": sum(len(times) - 1 for times in received.values()),
        "lateness_p50_ms": round(percentile(lateness, 50), 1),
        "lateness_p99_ms": round(percentile(lateness, 99), 1),
        "lateness_max_ms": round(max(lateness, default=0.0), 1),
        "on_time_share": round(sum(1 for late in lateness if late <= 0) / total, 4),
        "global_429s": stats["ratelimit_hits"]["global"],
        "counts": {"sent": counts.sent, "late": counts.late, "skipped": counts.skipped},
    }


def main(argv: list[str] | None = None) -> int:
    """Parse the flags, run, print one JSON object."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=500)
    parser.add_argument("--recipients", type=int, default=10)
    parser.add_argument("--parallel", type=int, default=10)
    parser.add_argument("--speed", type=float, default=100.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    configure_logging("WARNING", secrets=[])
    print(json.dumps(asyncio.run(run(args))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
