"""Benchmark a keynote burst: K attendees send a command in the same second.

Usage: ``python bench/burst.py [--k 2000] [--during-fanout] [--seed 0]``. Prints one JSON
object.

The programme is a generated 1,000-session, 10-track, 4-day conference
(:func:`~confbot_dev.generate.generate_schedule`, as ``bench/schedule_queries.py``); the
bot's clock runs at real speed from the middle of its second day. The sandbox runs in a
child process (``bench/sandbox_process.py``), so this process measures only the bot, and
the child sends K interactions from K distinct attendees at once: a realistic mix of
``/now``, ``/next``, ``/schedule``, ``/session``, ``/search``, ``/remind`` and
``/timezone set`` (writes), and the autocomplete of a session and of a zone (:data:`MIX`).

Measured at the sandbox, from each interaction's creation (where Discord's 3 s deadline
starts): ``first_response_ms`` (the first callback: the answer, a "thinking…" defer or
the choices) and ``final_answer_ms`` (the answer itself: the message, or the follow-up
after a defer), p50/p99/max; ``deadline_misses`` (no callback within 3 s: Discord's
10062), ``deferred``, ``refused`` (every 4xx the sandbox answered, by code),
``requests_after_a_refusal`` (requests for an interaction after one of its requests was
refused: answering a dead interaction again); in this process: ``bot_cpu_seconds``
(process time, every thread), ``bot_cpu_ms_per_interaction``,
``rss_growth_mib_per_1000_answers`` (resident memory after the burst, collected, over the
one before), ``live_views`` (discord.py view objects still alive afterwards) and the
interactions the bot counted as answered too late.

``--during-fanout`` also plans a 2,000-DM reminder fan-out (warm DM channels, the
default delivery budget) whose sends start as the burst does, and reports whether it
stayed on time (``fanout``: delivered and on-time shares, measured at the sandbox).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import dataclasses
import gc
import json
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import discord
from fanout import (
    MARGIN_SECONDS,
    SUBSCRIBED_BEFORE,
    connected_bot,
    percentile,
    resident_mib,
    sample_loop_lag,
)
from sandbox_process import SandboxProcess

from bot.clock import SimulatedClock
from bot.delivery.pacing import PLANNING_SHARE
from bot.logging_config import configure_logging
from bot.schedule.model import Schedule
from bot.schedule.native_dump import write_native_schedule
from confbot_dev.generate import generate_schedule
from confbot_dev.harness import harness_config

DISCORD_LIMIT = 50.0
BUDGET = 40.0
FANOUT_SUBSCRIBERS = 2_000
LEAD_MINUTES = 10
# (weight, kind) of the commands attendees send in a burst.
MIX: tuple[tuple[float, str], ...] = (
    (0.20, "now"),
    (0.15, "next"),
    (0.10, "schedule"),
    (0.20, "session"),
    (0.05, "search"),
    (0.08, "remind"),
    (0.04, "timezone set"),
    (0.12, "autocomplete session"),
    (0.06, "autocomplete zone"),
)
ZONES = ("Europe/Paris", "Asia/Tokyo", "America/New_York", "Australia/Sydney", "sydney", "UTC")
TYPED = ("key", "sens", "mesh", "court", "a", "", "evid", "maria")
QUERIES = ("sensor", "court transcripts", "keynote", "mesh net")


def actions_for(k: int, schedule: Schedule, rng: random.Random) -> list[dict[str, Any]]:
    """Return K actions, one per attendee, drawn from :data:`MIX`."""
    session_ids = [session.id for session in schedule.sessions]
    rooms = [room.name for room in schedule.rooms]
    weights = [weight for weight, _ in MIX]
    kinds = rng.choices([kind for _, kind in MIX], weights=weights, k=k)
    actions: list[dict[str, Any]] = []
    for who, kind in enumerate(kinds):
        action: dict[str, Any] = {"who": who, "command": kind, "options": {}}
        if kind in ("now", "next") and rng.random() < 0.3:
            action["options"] = {"room": rng.choice(rooms)}
        elif kind in ("session", "remind"):
            action["options"] = {"session": rng.choice(session_ids)}
        elif kind == "search":
            action["options"] = {"query": rng.choice(QUERIES)}
        elif kind == "timezone set":
            action["options"] = {"zone": rng.choice(ZONES)}
        elif kind == "autocomplete session":
            action.update(command="session", focused="session")
            action["options"] = {"session": rng.choice(TYPED)}
        elif kind == "autocomplete zone":
            action.update(command="timezone set", focused="zone")
            action["options"] = {"zone": rng.choice(ZONES)[:4]}
        actions.append(action)
    return actions


async def fan_out_finished(
    sandbox: SandboxProcess, subscribers: set[str], limit: float = 300.0
) -> dict[str, Any]:
    """Return the sandbox's stats once every subscriber got their reminder (or ``limit`` s).

    ``received`` keeps only the fan-out's subscribers: an attendee of the burst may get a
    DM too (a reminder they asked for with ``/remind``).
    """
    deadline = time.monotonic() + limit
    while True:
        stats = await sandbox.call("stats")
        stats["received"] = {
            user: times for user, times in stats["received"].items() if str(user) in subscribers
        }
        if len(stats["received"]) >= len(subscribers) or time.monotonic() > deadline:
            return stats
        await asyncio.sleep(0.5)


def progress(step: str) -> None:
    """Say on stderr where the run is (stdout carries only the JSON)."""
    print(f"burst: {step}", file=sys.stderr, flush=True)


def spread(samples: list[float]) -> dict[str, float]:
    """Return p50, p99 and max of ``samples`` in ms."""
    return {
        "p50": round(percentile(samples, 50), 1),
        "p99": round(percentile(samples, 99), 1),
        "max": round(max(samples, default=0.0), 1),
    }


class GcTime:
    """A ``gc.callbacks`` entry adding up the time the cyclic collector ran."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.collections = {0: 0, 1: 0, 2: 0}
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._started
            self.collections[info["generation"]] += 1


def live_views() -> int:
    """Return how many discord.py view objects are alive in this process."""
    gc.collect()
    return sum(1 for thing in gc.get_objects() if isinstance(thing, discord.ui.View))


async def run(args: argparse.Namespace) -> dict[str, Any]:
    """Run one burst (with a fan-out if asked) and return the measurements."""
    rng = random.Random(args.seed)
    schedule = generate_schedule(sessions=1000, tracks=10, days=4, seed=args.seed)
    # Speakers' heads-ups would go to Discord accounts the sandbox does not have.
    schedule = dataclasses.replace(
        schedule,
        speakers=tuple(
            dataclasses.replace(speaker, discord_user_id=None) for speaker in schedule.speakers
        ),
    )
    first = min(session.start for session in schedule.sessions)
    now = first + timedelta(days=1, hours=3)
    fanout = args.fanout_subscribers if args.during_fanout else 0
    target = None
    head_start = 0.0
    if fanout:
        # A session starting a little after the burst: its 10-minute reminders are due
        # just after the engine's head start, which begins as the burst does.
        target = min(
            (s for s in schedule.sessions if s.start > now + timedelta(minutes=LEAD_MINUTES)),
            key=lambda s: s.start,
        )
        head_start = fanout / (BUDGET * PLANNING_SHARE) + MARGIN_SECONDS
        now = target.start - timedelta(minutes=LEAD_MINUTES, seconds=head_start)
    clock = SimulatedClock(now - (SUBSCRIBED_BEFORE if fanout else timedelta(0)), speed=1.0)
    sandbox = SandboxProcess()
    world = await sandbox.start(
        subscribers=fanout,
        attendees=args.k,
        global_per_second=DISCORD_LIMIT,
        seed=args.seed,
        wall_offset=clock.now().timestamp() - time.time(),
        validate_requests=not args.no_validation,
    )
    actions = actions_for(args.k, schedule, rng)
    with tempfile.TemporaryDirectory() as folder:
        path = write_native_schedule(schedule, Path(folder) / "schedule.json")
        config = harness_config(Path(folder), schedule=path)
        config = config.model_copy(
            update={
                "delivery": config.delivery.model_copy(
                    update={"requests_per_second": BUDGET, "fallback_channel": "general"}
                )
            }
        )
        async with connected_bot(config, clock, world["env"]) as bot:
            if fanout and target is not None:
                database = bot.services.database
                planner = bot.services.reminders.planner
                for user, channel in world["dm_channels"].items():
                    await database.recipients.set_dm_channel(int(user), channel)
                for user in world["users"]:
                    await planner.subscribe(
                        user, target, lead=LEAD_MINUTES, now=clock.now(), room_channel_id=None
                    )
                progress("subscribed")
                clock.set(now)
                await sandbox.call("wall_offset", seconds=clock.now().timestamp() - time.time())
            due_real = time.time() + head_start
            # Warm up: one of each command (validators compiled, caches filled).
            warm = actions_for(len(MIX) * 2, schedule, random.Random(args.seed + 1))
            await sandbox.call("burst", actions=warm)
            lags: list[float] = []
            stop = asyncio.Event()
            sampler = asyncio.create_task(sample_loop_lag(lags, stop))
            views_before = live_views()
            blocks_before = sys.getallocatedblocks()
            memory_before = resident_mib()
            cpu_before = time.process_time()
            collecting = GcTime()
            gc.callbacks.append(collecting)
            profiler = cProfile.Profile() if args.profile else None
            if profiler is not None:
                profiler.enable()
            started = time.perf_counter()
            progress("burst")
            burst = await sandbox.call("burst", actions=actions)
            progress("burst answered")
            wall = time.perf_counter() - started
            gc.callbacks.remove(collecting)
            if profiler is not None:
                profiler.disable()
                profiler.dump_stats(args.profile)
            cpu = time.process_time() - cpu_before
            views_after = live_views()
            blocks_after = sys.getallocatedblocks()
            memory_after = resident_mib()
            stop.set()
            await sampler
            late_counted = bot.answer_pacing.stats.snapshot()
            fanout_report: dict[str, Any] | None = None
            if fanout:
                stats = await fan_out_finished(sandbox, {str(user) for user in world["users"]})
                progress("fan-out sent")
                received: dict[str, list[float]] = stats["received"]
                arrivals = [times[0] for times in received.values()]
                fanout_report = {
                    "subscribers": fanout,
                    "delivered_share": round(len(received) / fanout, 4),
                    "on_time_share": round(
                        sum(1 for moment in arrivals if moment <= due_real) / fanout, 4
                    ),
                    "lateness_p99_ms": round(
                        percentile([(moment - due_real) * 1000 for moment in arrivals], 99), 1
                    ),
                    "global_429s": stats["ratelimit_hits"]["global"],
                }
        await sandbox.stop()
    return {
        "k": args.k,
        "sessions": len(schedule.sessions),
        "during_fanout": bool(fanout),
        "sandbox_validates_requests": not args.no_validation,
        "first_response_ms": spread(burst["first_ms"]),
        "final_answer_ms": spread(burst["final_ms"]),
        "dispatch_spread_ms": round(burst["dispatch_spread_ms"], 1),
        "deadline_misses": burst["deadline_misses"],
        "deferred": burst["deferred"],
        "unanswered": burst["unanswered"],
        "refused": burst["refused"],
        "refused_by_code": burst["refused_by_code"],
        "refused_examples": burst["refused_examples"],
        "requests_after_a_refusal": burst["requests_after_a_refusal"],
        "failures": burst["failed"],
        "requests": burst["requests"],
        "burst_wall_seconds": round(wall, 2),
        "bot_cpu_seconds": round(cpu, 2),
        "sandbox_cpu_seconds": round(burst["sandbox_cpu_seconds"], 2),
        "bot_cpu_ms_per_interaction": round(cpu * 1000 / args.k, 2),
        "loop_lag_p99_ms": round(percentile(lags, 99), 1),
        "bot_gc_seconds": round(collecting.seconds, 2),
        "bot_gc_collections": collecting.collections,
        "rss_growth_mib_per_1000_answers": round((memory_after - memory_before) / args.k * 1000, 2),
        "live_views_added": views_after - views_before,
        # Python memory blocks still allocated after the burst (collected), per answer.
        "blocks_retained_per_answer": round((blocks_after - blocks_before) / args.k, 1),
        "bot_counted": late_counted,
        "fanout": fanout_report,
    }


def main(argv: list[str] | None = None) -> int:
    """Parse the flags, run the burst, print one JSON object."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--k", type=int, default=2000)
    parser.add_argument("--during-fanout", action="store_true")
    parser.add_argument("--fanout-subscribers", type=int, default=FANOUT_SUBSCRIBERS)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--no-validation",
        action="store_true",
        help="the sandbox skips checking request bodies (less of its CPU in the figures)",
    )
    parser.add_argument("--profile", metavar="FILE", help="write the bot's cProfile stats here")
    args = parser.parse_args(argv)
    configure_logging("WARNING", secrets=[])
    print(json.dumps(asyncio.run(run(args))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
