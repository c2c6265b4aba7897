"""Benchmark one big fan-out: N subscribers of one session, DMs due at a 10-minute lead.

Usage: ``python bench/fanout.py [--subscribers 20000] [--scale K] [--dm-closed-share 0.0]
[--cold-dm-channels] [--database postgresql://...|postgresql]``. Prints one JSON object.
With ``--database``, the fan-out runs twice, on SQLite and then on that PostgreSQL
database (which must be empty; its password from ``PGPASSWORD``; the word
``postgresql`` starts a throw-away cluster for the run), and the object has both runs
and ``wall_ratio_postgresql_to_sqlite``.

The sandbox runs in a child process (``bench/sandbox_process.py``) enforcing Discord's
global 50 requests/s (times K); this process runs the real bot on a simulated clock at
real speed with its default delivery budget (40 requests/s, times K). ``--scale K``
also shrinks the lead by K, so every ratio means the same as at full scale. The clock
starts shortly before the engine must begin (N / (0.9 x budget) before the due time), so
no run waits through an idle lead.

What is measured:

* ``delivered_share`` — subscribers who got their DM or, DMs closed, a channel mention;
* ``throughput_ratio_of_limit`` / ``_of_budget`` — the fan-out's requests per second (from
  the first message to the last), over Discord's limit and over the configured budget;
  ``requests_per_dm`` — every REST request the bot made during the fan-out, per DM (DM
  channels are known from earlier messages unless ``--cold-dm-channels``: then opening
  each one costs a request more);
* ``on_time_share`` — share delivered by the due time; ``lateness_p99_ms`` the late tail;
* ``global_429s``, ``invalid_requests`` (the sandbox's counter if it has one, else its
  401/403/429 answers), ``loop_lag_p99_ms`` (this process's event loop, sampled every
  20 ms), ``interaction_p99_ms_during_fanout`` (``/about`` round trips the sandbox makes
  during the fan-out), ``mib_per_10k_subscriptions`` (this process's resident memory
  growth per 10,000 subscriptions while the second half of them is written: the cost
  that grows with the subscribers; the engine holds no row in memory. Bounded caches
  that fill once, SQLite's page cache of 2 MiB a connection first, fill during the
  first half: ``subscribing_rss_growth_mib`` is the growth over all of them), ``db_mib_per_10k``
  (the database file's), and
  ``fanout_rss_growth_mib`` (growth during the fan-out itself: mostly discord.py's
  rate-limit bucket per DM channel, which it drops after 5 idle minutes).

The subscribers are made through the reminders core (:func:`plan_fan_out`: what "Remind
me" does, one subscription and its row per attendee); the reminder text is rendered per
recipient in their zone at send time, as in production.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sandbox_process import SandboxProcess

from bot.app import Confbot, create_bot
from bot.clock import SimulatedClock
from bot.config import Config
from bot.delivery.pacing import PLANNING_SHARE
from bot.endpoints import discord_endpoints
from bot.logging_config import configure_logging
from bot.reminders.kinds import REMINDER
from confbot_dev.harness import harness_config

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "examples" / "seed-conference.toml"
DISCORD_LIMIT = 50.0
DEFAULT_BUDGET = 40.0
LEAD = timedelta(minutes=10)
# The seed keynote starts at 21:00 UTC; its 10-minute reminders are due at 20:50.
KEYNOTE = "conference"
DUE = datetime(2021, 2, 24, 20, 50, tzinfo=UTC)
MARGIN_SECONDS = 3.0
SUBSCRIBED_BEFORE = timedelta(hours=1)


def percentile(samples: list[float], q: float) -> float:
    """Return the ``q``-th percentile (0-100) of ``samples``, nearest-rank (0 when empty)."""
    if not samples:
        return 0.0
    ordered = sorted(samples)
    return ordered[max(1, math.ceil(q / 100 * len(ordered))) - 1]


def resident_mib() -> float:
    """Return this process's resident memory in MiB."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def bench_config(
    data_dir: Path, *, budget: float, lead: timedelta, database: str | None = None
) -> Config:
    """Return the seed config with its database in ``data_dir`` (or ``database``)."""
    base = harness_config(data_dir, schedule=SEED)
    if database is not None:
        storage = base.storage.model_copy(update={"database": database, "data_dir": data_dir})
        base = base.model_copy(update={"storage": storage})
    delivery = base.delivery.model_copy(
        update={
            "requests_per_second": budget,
            "max_head_start_minutes": lead.total_seconds() / 60,
            "fallback_channel": "general",
        }
    )
    return base.model_copy(update={"delivery": delivery})


async def plan_fan_out(
    bot: Confbot, users: list[int], now: datetime, memory: list[float] | None = None
) -> int:
    """Subscribe every user to the keynote through the reminders core (10-minute lead).

    Each subscription is what "Remind me" does: the subscription row and its reminder row
    in one transaction, planned by :class:`~bot.reminders.planner.ReminderPlanner`.
    ``memory`` gets the resident memory when half of them are subscribed.
    """
    planner = bot.services.reminders.planner
    session = bot.services.schedule.session(KEYNOTE)
    if session is None:
        raise RuntimeError("the seed keynote is needed")
    lead = int(LEAD.total_seconds() // 60)
    half = len(users) // 2
    for number, user in enumerate(users):
        if number == half and memory is not None:
            memory.append(resident_mib())
        await planner.subscribe(user, session, lead=lead, now=now, room_channel_id=None)
    return await bot.services.database.subscriptions.count(KEYNOTE)


@contextlib.asynccontextmanager
async def connected_bot(
    config: Config, clock: SimulatedClock, env: dict[str, str]
) -> AsyncIterator[Confbot]:
    """Run the real bot against the sandbox process ``env`` names, ready, then close it.

    The bot tunes this process's collector as ``confbot run`` does.
    """
    with discord_endpoints(env["CONFBOT_API_BASE"], env["CONFBOT_GATEWAY_URL"]):
        bot = create_bot(config, clock=clock, guild_ready_timeout=0.1, tune_collector=True)
        await bot.login(env["DISCORD_TOKEN"])
        running = asyncio.create_task(bot.connect())
        await bot.wait_until_ready()
        try:
            yield bot
        finally:
            await bot.close()
            await running


async def sample_loop_lag(lags: list[float], stop: asyncio.Event) -> None:
    """Record how late a 20 ms sleep wakes up, until ``stop`` is set."""
    while not stop.is_set():
        started = time.perf_counter()
        await asyncio.sleep(0.02)
        lags.append((time.perf_counter() - started - 0.02) * 1000)


async def wait_until_done(bot: Confbot, kind: str) -> None:
    """Poll the delivery counts until no row of ``kind`` is pending or sending."""
    while True:
        counts = (await bot.services.delivery.delivery_counts()).get(kind)
        if counts is not None and counts.pending == 0 and counts.sending == 0:
            return
        await asyncio.sleep(0.25)


async def _database_bytes(database: str | Path) -> int:
    if isinstance(database, str):  # PostgreSQL: the whole database, indexes included
        import asyncpg

        conn = await asyncpg.connect(database)
        try:
            size: int = await conn.fetchval("SELECT pg_database_size(current_database())")
        finally:
            await conn.close()
        return size
    # The WAL is transient: checkpointed into the file.
    return database.stat().st_size if database.exists() else 0


async def run(args: argparse.Namespace, database_url: str | None = None) -> dict[str, Any]:
    """Run the fan-out once (on SQLite, or on PostgreSQL at ``database_url``); return figures."""
    scale = args.scale
    budget = (args.budget or DEFAULT_BUDGET) * scale
    limit = DISCORD_LIMIT * scale
    lead = LEAD / scale
    sandbox = SandboxProcess()
    world = await sandbox.start(
        subscribers=args.subscribers,
        closed_share=args.dm_closed_share,
        global_per_second=limit,
        seed=args.seed,
    )
    users: list[int] = world["users"]
    head_start = min(len(users) / (budget * PLANNING_SHARE) + MARGIN_SECONDS, lead.total_seconds())
    # The attendees subscribe an hour before (however long planning takes, no send can
    # begin during it and mix the fan-out's memory and requests into the planning's).
    clock = SimulatedClock(DUE - timedelta(seconds=head_start) - SUBSCRIBED_BEFORE, speed=1.0)
    with tempfile.TemporaryDirectory() as data_dir:
        config = bench_config(Path(data_dir), budget=budget, lead=lead, database=database_url)
        env = world["env"]
        async with connected_bot(config, clock, env) as bot:
            before = await sandbox.call("stats")
            database = bot.services.database
            if not args.cold_dm_channels:  # known from earlier messages to them
                for user, channel in world["dm_channels"].items():
                    await database.recipients.set_dm_channel(int(user), channel)
            # Measured from here: the subscriptions and their rows, not the seeded channels.
            memory_before = resident_mib()
            halfway: list[float] = []
            planned = await plan_fan_out(bot, users, clock.now(), halfway)
            memory_planned = resident_mib()
            # The clock moves on to the head start: the fan-out runs from here.
            clock.set(DUE - timedelta(seconds=head_start))
            due_real = time.time() + head_start
            lags: list[float] = []
            stop = asyncio.Event()
            sampler = asyncio.create_task(sample_loop_lag(lags, stop))
            await sandbox.call("probe_start", interval=0.1)
            started = time.time()
            await wait_until_done(bot, REMINDER)
            finished = time.time()
            probes = (await sandbox.call("probe_stop"))["latencies_ms"]
            stop.set()
            await sampler
            memory_after = resident_mib()
            after = await sandbox.call("stats")
            counts = (await bot.services.delivery.delivery_counts())[REMINDER]
            db_bytes = await _database_bytes(config.storage.database)
        await sandbox.stop()
    received: dict[str, list[float]] = after["received"]
    first_times = sorted(times[0] for times in received.values())
    dms = [times[0] for user, times in received.items() if int(user) not in set(world["closed"])]
    window = (max(first_times) - min(first_times)) if len(first_times) > 1 else 0.0
    requests = after["requests"] - before["requests"]
    # Every request the fan-out made (DMs, refused DMs, mentions) over its duration.
    throughput = (requests - 1) / window if window > 0 else 0.0
    lateness = [(moment - due_real) * 1000 for moment in first_times]
    per_10k = len(users) / 10_000
    half_10k = (len(users) // 2) / 10_000 if halfway else 0.0
    refused = after["refused_dms"] - before["refused_dms"]
    mention_posts = after["mention_posts"] - before["mention_posts"]
    return {
        "database": "postgresql" if database_url else "sqlite",
        "subscribers": len(users),
        "scale": scale,
        "budget_requests_per_second": budget,
        "sandbox_limit_per_second": limit,
        "planned": planned,
        "delivered_share": round(len(received) / len(users), 4),
        "duplicates": sum(len(times) - 1 for times in received.values()),
        "dm_closed": len(world["closed"]),
        "throughput_requests_per_second": round(throughput, 2),
        "throughput_ratio_of_limit": round(throughput / limit, 3),
        "throughput_ratio_of_budget": round(throughput / budget, 3),
        "global_429s": after["ratelimit_hits"]["global"] - before["ratelimit_hits"]["global"],
        "ratelimit_hits": after["ratelimit_hits"],
        "invalid_requests": after["invalid_requests"] - before["invalid_requests"],
        "invalid_requests_source": after["invalid_requests_source"],
        "on_time_share": round(sum(1 for late in lateness if late <= 0) / len(users), 4),
        "lateness_p99_ms": round(percentile(lateness, 99), 1),
        "first_send_before_due_s": round(due_real - min(first_times), 2) if first_times else None,
        "loop_lag_p99_ms": round(percentile(lags, 99), 2),
        "interaction_p99_ms_during_fanout": round(percentile(probes, 99), 2),
        "interaction_probes": len(probes),
        "mib_per_10k_subscriptions": round(
            (memory_planned - (halfway or [memory_before])[0]) / (per_10k - half_10k), 3
        ),
        "subscribing_rss_growth_mib": round(memory_planned - memory_before, 2),
        "fanout_rss_growth_mib": round(memory_after - memory_planned, 2),
        "db_mib_per_10k": round(db_bytes / 2**20 / per_10k, 3),
        # Requests spent on people reachable by DM, per DM delivered (refused DMs and the
        # fallback mentions are the invalid requests and the mention posts, counted apart).
        "requests_per_dm": round((requests - refused - mention_posts) / max(len(dms), 1), 3),
        "requests_per_subscriber": round(requests / len(users), 3),
        "requests_by_route": {
            route: count - before["requests_by_route"].get(route, 0)
            for route, count in after["requests_by_route"].items()
            if count - before["requests_by_route"].get(route, 0)
        },
        "counts": {"sent": counts.sent, "late": counts.late, "failed": counts.failed},
        "wall_seconds": round(finished - started, 2),
        "cold_dm_channels": args.cold_dm_channels,
    }


def main(argv: list[str] | None = None) -> int:
    """Parse the flags, run the fan-out, print one JSON object."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=20_000)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--budget", type=float, help="requests/s before scaling (default 40)")
    parser.add_argument("--dm-closed-share", type=float, default=0.0)
    parser.add_argument("--cold-dm-channels", action="store_true")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--database",
        help="also run on this empty PostgreSQL database (a URL; 'postgresql': a throw-away one)",
    )
    args = parser.parse_args(argv)
    configure_logging("WARNING", secrets=[])
    if args.database is None:
        print(json.dumps(asyncio.run(run(args)), sort_keys=False))
        return 0
    with contextlib.ExitStack() as stack:
        url = args.database
        if url == "postgresql":
            from confbot_dev.postgres import ThrowawayCluster

            url = stack.enter_context(ThrowawayCluster()).create_database("fanout")
        sqlite = asyncio.run(run(args))
        postgresql = asyncio.run(run(args, url))
    ratio = postgresql["wall_seconds"] / sqlite["wall_seconds"] if sqlite["wall_seconds"] else None
    print(
        json.dumps(
            {
                "sqlite": sqlite,
                "postgresql": postgresql,
                "wall_ratio_postgresql_to_sqlite": round(ratio, 3) if ratio else None,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
