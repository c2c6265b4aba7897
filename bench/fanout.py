"""Benchmark one big fan-out: N subscribers of one session, DMs due at a 10-minute lead.

Usage: ``python bench/fanout.py [--subscribers 20000] [--scale K] [--dm-closed-share 0.0]
[--cold-dm-channels] [--locked-seconds S] [--database postgresql://...|postgresql]``, or the
live scenario ``python bench/fanout.py --live [--subscribers 2000] [--arrival-minutes 10]
[--scale K] [--warm-dm-channels] [--bot-dm-opens-per-minute N]``. Prints one JSON object.
With ``--database``, the fan-out runs twice, on SQLite and then on that PostgreSQL
database (which must be empty; its password from ``PGPASSWORD``; the word
``postgresql`` starts a throw-away cluster for the run), and the object has both runs
and ``wall_ratio_postgresql_to_sqlite``.

**The live scenario** (``--live``, :func:`run_live`): the attendees press "Remind me"
during the last M minutes before the reminders are due, and their DM channels do not
exist yet in the sandbox (``--cold-dm-channels`` makes the sandbox not create them for
the warm scenario too): each open counts towards the sandbox's limit (30 a minute, times
K) and is refused with 40003 beyond it. It reports the share reminded by the due time as
the sandbox saw it (arrival vs due time), the share by route (DM, mention), DM opens,
40003 refusals, invalid requests, requests per reminded person, and the engine's "late"
count beside the sandbox's (arrivals more than a minute after the due time).
``--bot-dm-opens-per-minute N`` gives the bot a wrong first guess at the open pace (the
default is 25, under the sandbox's 30): above 30 it meets 40003s, long ones that
discord.py hands over and short ones it waits out unseen, and must learn the pace
(``learnt_dm_opens_per_minute``: the bot's pace at the end).

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
import random
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sandbox_process import SandboxProcess

from bot.app import Confbot, create_bot
from bot.clock import SimulatedClock
from bot.config import Config
from bot.delivery.pacing import PLANNING_SHARE
from bot.delivery.policy import LATE_AFTER
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
# The sandbox's DM-open limit (Limits.dm_channels_per_minute) and the bot's default pace.
SANDBOX_DM_OPENS_PER_MINUTE = 30
DEFAULT_DM_OPENS_PER_MINUTE = 25


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


async def hold_write_lock(path: Path, after: float, seconds: float) -> None:
    """Take the database's write lock ``after`` seconds from now and hold it ``seconds``.

    A second sqlite3 connection stands in for another process (a backup, an admin's
    shell), as in ``bench/locked_database.py``; taking the lock is retried at once if
    the bot is writing at that instant.
    """
    await asyncio.sleep(after)
    holder = sqlite3.connect(path, isolation_level=None, timeout=0)
    try:
        while True:
            try:
                holder.execute("BEGIN IMMEDIATE")
                break
            except sqlite3.OperationalError:
                await asyncio.sleep(0.001)
        holder.execute("INSERT INTO meta (key, value) VALUES ('bench', 'lock')")
        await asyncio.sleep(seconds)
        holder.execute("ROLLBACK")
    finally:
        holder.close()


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
        dm_channels_per_minute=round(SANDBOX_DM_OPENS_PER_MINUTE * scale),
        cold=args.cold_dm_channels,
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
            locker = None
            if args.locked_seconds and database_url is None:  # another process holds SQLite's lock
                locker = asyncio.create_task(
                    hold_write_lock(config.storage.database, head_start / 2, args.locked_seconds)
                )
            await wait_until_done(bot, REMINDER)
            if locker is not None:
                await locker
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
        "locked_seconds": args.locked_seconds,
        # Every confirmed message recorded sent, none counted failed (a busy database).
        "sent_equals_delivered": counts.sent == len(received),
        "wall_seconds": round(finished - started, 2),
        "cold_dm_channels": args.cold_dm_channels,
    }


async def run_live(args: argparse.Namespace) -> dict[str, Any]:
    """Run the live scenario: subscribers arrive during the last minutes, DM channels cold.

    N attendees press "Remind me" at random instants over the last M minutes before the
    reminders are due (what ``/remind`` does: the subscription and its row, then the DM
    channel opened in the background); none of their DM channels exists in the sandbox,
    so each open counts towards its limit (30 a minute, times K; 40003 beyond). Everything
    runs on a clock at real speed from M minutes before the due time.
    """
    scale = args.scale
    budget = (args.budget or DEFAULT_BUDGET) * scale
    limit = DISCORD_LIMIT * scale
    lead = LEAD / scale
    arrivals = timedelta(minutes=args.arrival_minutes) / scale
    sandbox = SandboxProcess()
    world = await sandbox.start(
        subscribers=args.subscribers,
        closed_share=args.dm_closed_share,
        global_per_second=limit,
        dm_channels_per_minute=round(SANDBOX_DM_OPENS_PER_MINUTE * scale),
        cold=not args.warm_dm_channels,
        seed=args.seed,
    )
    users: list[int] = world["users"]
    chooser = random.Random(args.seed)
    # Arrival offsets from the start, in real seconds, earliest first; the last one a
    # second before the due time (a later one could not be reminded on time).
    window = max(arrivals.total_seconds() - 1.0, 0.0)
    offsets = sorted(chooser.uniform(0.0, window) for _ in users)
    clock = SimulatedClock(DUE - arrivals, speed=1.0)
    with tempfile.TemporaryDirectory() as data_dir:
        config = bench_config(Path(data_dir), budget=budget, lead=lead)
        delivery = config.delivery.model_copy(
            update={"dm_opens_per_minute": round(args.bot_dm_opens_per_minute * scale)}
        )
        config = config.model_copy(update={"delivery": delivery})
        async with connected_bot(config, clock, world["env"]) as bot:
            database = bot.services.database
            for user, channel in world["dm_channels"].items():  # warm only
                await database.recipients.set_dm_channel(int(user), channel)
            before = await sandbox.call("stats")
            planner = bot.services.reminders.planner
            engine = bot.services.delivery
            session = bot.services.schedule.session(KEYNOTE)
            if session is None:
                raise RuntimeError("the seed keynote is needed")
            started = time.monotonic()
            due_real = time.time() + arrivals.total_seconds()
            minutes = int(LEAD.total_seconds() // 60)
            arrival_lag: list[float] = []  # how long after their instant each subscribed
            for user, offset in zip(users, offsets, strict=True):
                await asyncio.sleep(max(started + offset - time.monotonic(), 0.0))
                await planner.subscribe(
                    user, session, lead=minutes, now=clock.now(), room_channel_id=None
                )
                engine.open_dm_channel_soon(user)  # what /remind does after its answer
                arrival_lag.append((time.monotonic() - started - offset) * 1000)
            subscribed_real = time.time()
            await wait_until_done(bot, REMINDER)
            finished = time.time()
            after = await sandbox.call("stats")
            counts = (await engine.delivery_counts())[REMINDER]
            learnt = round(engine.dm_open_budget.rate * 60 / scale, 1)
        await sandbox.stop()
    received: dict[str, list[float]] = after["received"]
    routes: dict[str, str] = after["routes"]
    first = {user: times[0] for user, times in received.items()}
    reminded_by_due = sum(1 for moment in first.values() if moment <= due_real)
    late_after = LATE_AFTER.total_seconds()
    sandbox_late = sum(1 for moment in first.values() if moment - due_real > late_after)
    requests = after["requests"] - before["requests"]
    by_route = {"dm": 0, "mention": 0}
    for route in routes.values():
        by_route[route] = by_route.get(route, 0) + 1
    lateness = [(moment - due_real) * 1000 for moment in first.values()]
    return {
        "scenario": "live",
        "subscribers": len(users),
        "arrival_minutes": round(arrivals.total_seconds() / 60, 3),
        "scale": scale,
        "cold_dm_channels": not args.warm_dm_channels,
        "dm_closed": len(world["closed"]),
        "delivered_share": round(len(received) / len(users), 4),
        "on_time_share": round(reminded_by_due / len(users), 4),
        "share_by_route": {
            route: round(count / len(users), 4) for route, count in by_route.items()
        },
        "lateness_p99_ms": round(percentile(lateness, 99), 1),
        "on_time_share_by_route": {
            route: round(
                sum(1 for user, way in routes.items() if way == route and first[user] <= due_real)
                / max(count, 1),
                4,
            )
            for route, count in by_route.items()
        },
        # Who arrived after the due time: their route and how late, in ms (at most 20).
        "late_ms": sorted(
            (routes.get(user, "?"), round((moment - due_real) * 1000, 1))
            for user, moment in first.items()
            if moment > due_real
        )[:20],
        # The mention messages of the last 10 s: when (seconds from the due time), how many
        # people each.
        "mentions_last_10s": sorted(
            Counter(
                round(first[user] - due_real, 3)
                for user, way in routes.items()
                if way == "mention" and first[user] > due_real - 10
            ).items()
        ),
        "duplicates": sum(len(times) - 1 for times in received.values()),
        "dm_opens": after["dm_opens"] - before["dm_opens"],
        "dm_open_refusals_40003": after["dm_open_refusals"] - before["dm_open_refusals"],
        "learnt_dm_opens_per_minute": learnt,
        "mention_posts": after["mention_posts"] - before["mention_posts"],
        "invalid_requests": after["invalid_requests"] - before["invalid_requests"],
        "invalid_requests_source": after["invalid_requests_source"],
        "global_429s": after["ratelimit_hits"]["global"] - before["ratelimit_hits"]["global"],
        "requests_per_reminded_person": round(requests / max(len(received), 1), 3),
        # Late as the engine recorded it and as the sandbox saw it (arrival more than a
        # minute after the due time, the engine's own threshold): the two must agree.
        # The bench's own lag: a subscription written after its instant (a loaded machine).
        "subscribe_lag_p99_ms": round(percentile(arrival_lag, 99), 1),
        "last_subscribed_before_due_s": round(due_real - subscribed_real, 2),
        "engine_late": counts.late,
        "sandbox_late": sandbox_late,
        "counts": {"sent": counts.sent, "skipped": counts.skipped, "failed": counts.failed},
        "wall_seconds": round(finished - (due_real - arrivals.total_seconds()), 2),
    }


def main(argv: list[str] | None = None) -> int:
    """Parse the flags, run the fan-out, print one JSON object."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=20_000)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--budget", type=float, help="requests/s before scaling (default 40)")
    parser.add_argument("--dm-closed-share", type=float, default=0.0)
    parser.add_argument("--cold-dm-channels", action="store_true")
    parser.add_argument(
        "--locked-seconds",
        type=float,
        default=0.0,
        help="another process holds the database's write lock this long mid fan-out",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--database",
        help="also run on this empty PostgreSQL database (a URL; 'postgresql': a throw-away one)",
    )
    parser.add_argument(
        "--live",
        action="store_true",
        help="subscribers arrive during the last --arrival-minutes, DM channels cold",
    )
    parser.add_argument("--arrival-minutes", type=float, default=10.0)
    parser.add_argument(
        "--bot-dm-opens-per-minute",
        type=float,
        default=DEFAULT_DM_OPENS_PER_MINUTE,
        help="--live only: the bot's first guess at the DM-open pace (the sandbox allows 30)",
    )
    parser.add_argument(
        "--warm-dm-channels",
        action="store_true",
        help="--live only: every DM channel exists and is known already",
    )
    args = parser.parse_args(argv)
    configure_logging("WARNING", secrets=[])
    if args.live or args.database is None:
        result = asyncio.run(run_live(args) if args.live else run(args))
        print(json.dumps(result, sort_keys=False))
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
