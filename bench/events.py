"""Benchmark the programme mirrored into Discord's scheduled events, and Interested.

Usage: ``python bench/events.py [--sessions 1000] [--days 3] [--moved 50] [--clicks 1000]
[--reconciled 3000] [--seed 0]``. Prints one JSON object.

The programme is a generated conference (:func:`~confbot_dev.generate.generate_schedule`,
10 tracks); the sandbox runs in a child process (``bench/sandbox_process.py``, as in
``bench/fanout.py``) enforcing Discord's global 50 requests/s, its clock following the
bot's (so EXTERNAL events start and end when Discord would start them). This process
runs the real bot with ``[events]`` on (48 hours, at most 80 events) and its default
delivery budget (40 requests/s), on a simulated clock at real speed starting an hour
before the first session. Four phases, each with the scheduled-event requests made
(the sandbox's transcript), the wall time, and requests per second over Discord's
limit (``ratio_of_limit``; the sandbox enforces no tighter limit on these routes):

* ``first_window`` — from the bot ready to every session of the window having its event;
* ``move`` — the first ``--moved`` sessions of the window moved 30 minutes later (the
  schedule file rewritten, one refresh): until the event list is the new window and
  every moved session's event has its new start (creates and deletes included when the
  cap now holds other sessions);
* ``interested`` — ``--clicks`` presses of Interested (one per subscriber, spread over
  the window's events, sent as fast as the sandbox dispatches them): latency from each
  press (the sandbox's wall clock) to its subscription stored (this process), p50/p99;
* ``reconcile`` — the bot stopped, ``--reconciled`` presses made while it is down (each
  subscriber on another event), the bot started: until every press is stored.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from fanout import connected_bot, percentile
from sandbox_process import SandboxProcess

from bot.app import Confbot
from bot.clock import SimulatedClock
from bot.config import Config, EventsConfig
from bot.events import EVENT_KIND
from bot.events.plan import marker_in, session_marker
from bot.logging_config import configure_logging
from bot.schedule.model import Schedule, Session
from bot.schedule.native_dump import write_native_schedule
from confbot_dev.generate import generate_schedule
from confbot_dev.harness import harness_config

DISCORD_LIMIT = 50.0
MOVE_BY = timedelta(minutes=30)
POLL = 0.05
TIMEOUT = 900.0


def event_requests(stats: dict[str, Any], before: dict[str, Any]) -> dict[str, int]:
    """Return the scheduled-event requests made since ``before``, by route."""
    return {
        route: count - before["requests_by_route"].get(route, 0)
        for route, count in stats["requests_by_route"].items()
        if "scheduled-events" in route and count - before["requests_by_route"].get(route, 0)
    }


def phase(requests: dict[str, int], seconds: float) -> dict[str, Any]:
    """Return one phase's figures: requests (by route), seconds, rate over the limit."""
    total = sum(requests.values())
    rate = total / seconds if seconds > 0 else 0.0
    return {
        "requests": total,
        "requests_by_route": requests,
        "seconds": round(seconds, 3),
        "requests_per_second": round(rate, 2),
        "ratio_of_limit": round(rate / DISCORD_LIMIT, 3),
    }


async def until(check: Callable[[], Awaitable[bool]], what: str) -> float:
    """Poll ``check`` until it holds; return when (``time.time()``)."""
    deadline = time.time() + TIMEOUT
    while not await check():
        if time.time() > deadline:
            raise TimeoutError(f"gave up waiting for {what}")
        await asyncio.sleep(POLL)
    return time.time()


async def rows_done(bot: Confbot) -> bool:
    """Return whether no event row is pending or being carried out."""
    counts = (await bot.services.delivery.delivery_counts()).get(EVENT_KIND)
    return counts is None or (counts.pending == 0 and counts.sending == 0)


async def open_events(sandbox: SandboxProcess) -> dict[str, dict[str, Any]]:
    """Return the server's open events that carry a session marker, by marker."""
    events = (await sandbox.call("events"))["events"]
    found: dict[str, dict[str, Any]] = {}
    for event in events:
        marker = marker_in(event["description"])
        if marker is not None and event["status"] in (1, 2):
            found[marker] = event
    return found


def bench_config(folder: Path, schedule: Path) -> Config:
    """Return the harness config on ``schedule`` with the mirror on (its defaults)."""
    config = harness_config(folder, schedule=schedule)
    return config.model_copy(update={"events": EventsConfig(enabled=True)})


def moved(schedule: Schedule, chosen: set[str]) -> Schedule:
    """Return ``schedule`` with the ``chosen`` sessions 30 minutes later."""
    sessions = tuple(
        dataclasses.replace(s, start=s.start + MOVE_BY, end=s.end + MOVE_BY)
        if s.id in chosen
        else s
        for s in schedule.sessions
    )
    return dataclasses.replace(schedule, sessions=sessions)


async def interest_rows(bot: Confbot, event_ids: list[int]) -> int:
    """Return how many Interested presses the bot has stored on these events."""
    repository = bot.services.database.scheduled_events
    return sum([len(await repository.interested(event_id)) for event_id in event_ids])


async def run(args: argparse.Namespace) -> dict[str, Any]:
    """Run the four phases and return their figures."""
    schedule = generate_schedule(sessions=args.sessions, tracks=10, days=args.days, seed=args.seed)
    schedule = dataclasses.replace(
        schedule,
        speakers=tuple(dataclasses.replace(s, discord_user_id=None) for s in schedule.speakers),
    )
    first = min(session.start for session in schedule.sessions)
    clock = SimulatedClock(first - timedelta(hours=1), speed=1.0)
    sandbox = SandboxProcess()
    world = await sandbox.start(
        subscribers=max(args.clicks, args.reconciled),
        global_per_second=DISCORD_LIMIT,
        seed=args.seed,
        wall_offset=clock.now().timestamp() - time.time(),
        clock_follows_wall=True,
    )
    figures: dict[str, Any] = {
        "sessions": len(schedule.sessions),
        "days": args.days,
        "sandbox_limit_per_second": DISCORD_LIMIT,
    }
    with tempfile.TemporaryDirectory() as folder:
        path = write_native_schedule(schedule, Path(folder) / "schedule.json")
        config = bench_config(Path(folder), path)
        figures["budget_requests_per_second"] = config.delivery.requests_per_second
        env = world["env"]
        async with connected_bot(config, clock, env) as bot:
            # -- the first window ---------------------------------------------------
            before = await sandbox.call("stats")
            ready = time.time()
            mirror = bot.services.events
            wanted: list[Session] = mirror.wanted(clock.now())
            markers = {session_marker(s.id) for s in wanted}

            async def mirrored() -> bool:
                return markers <= set(await open_events(sandbox)) and await rows_done(bot)

            done = await until(mirrored, "the first window")
            figures["window_events"] = len(wanted)
            figures["first_window"] = phase(
                event_requests(await sandbox.call("stats"), before), done - ready
            )
            # -- a schedule change moving sessions ------------------------------------
            chosen = {s.id for s in wanted[: args.moved]}
            changed = moved(schedule, chosen)
            write_native_schedule(changed, path)
            before = await sandbox.call("stats")
            started = time.time()
            await bot.services.live_schedule.refresh()
            # The moved sessions still in the window (the cap may now hold others instead).
            new_start = {
                session_marker(s.id): s.start.isoformat()
                for s in mirror.wanted(clock.now())
                if s.id in chosen
            }
            markers = {session_marker(s.id) for s in mirror.wanted(clock.now())}

            async def moved_all() -> bool:
                events = await open_events(sandbox)
                return (
                    all(
                        marker in events and events[marker]["start"] == start
                        for marker, start in new_start.items()
                    )
                    and set(events) == markers
                    and await rows_done(bot)
                )

            done = await until(moved_all, "the moved events")
            figures["move"] = {
                "moved": len(chosen),
                "moved_still_in_window": len(new_start),
                **phase(event_requests(await sandbox.call("stats"), before), done - started),
            }
            # -- Interested presses -> subscriptions ----------------------------------
            events = await open_events(sandbox)
            event_ids = sorted(event["id"] for event in events.values())
            stored: dict[tuple[int, int], float] = {}
            tracker = mirror.interest
            added = tracker.added

            async def timed(event_id: int, user_id: int) -> bool:
                result = await added(event_id, user_id)
                stored[(event_id, user_id)] = time.time()
                return result

            tracker.added = timed  # type: ignore[method-assign]
            pairs = [[n, event_ids[n % len(event_ids)]] for n in range(args.clicks)]
            before = await sandbox.call("stats")
            started = time.time()
            pressed_at = (await sandbox.call("press", pairs=pairs))["pressed_at"]
            users: list[int] = world["users"]

            async def all_stored() -> bool:
                return len(stored) >= len(pairs)

            done = await until(all_stored, "the subscriptions")
            tracker.added = added  # type: ignore[method-assign]
            latencies = [
                (stored[(event_id, users[n])] - pressed_at[index]) * 1000
                for index, (n, event_id) in enumerate(pairs)
            ]
            subscribed = sum(
                [
                    await bot.services.database.subscriptions.count(s.id)
                    for s in bot.services.schedule.sessions
                    if session_marker(s.id) in events
                ]
            )
            figures["interested"] = {
                "clicks": len(pairs),
                "subscriptions": subscribed,
                "latency_p50_ms": round(percentile(latencies, 50), 1),
                "latency_p99_ms": round(percentile(latencies, 99), 1),
                "latency_max_ms": round(max(latencies), 1),
                **phase(event_requests(await sandbox.call("stats"), before), done - started),
            }
            known = await interest_rows(bot, event_ids)
        # -- the restart's reconcile ------------------------------------------------
        silent = [[n, event_ids[(n + 1) % len(event_ids)]] for n in range(args.reconciled)]
        await sandbox.call("press", pairs=silent, dispatch=False)
        await sandbox.call("wall_offset", seconds=clock.now().timestamp() - time.time())
        before = await sandbox.call("stats")
        started = time.time()
        async with connected_bot(config, clock, env) as bot:
            ready = time.time()

            async def reconciled() -> bool:
                return await interest_rows(bot, event_ids) >= known + len(silent)

            done = await until(reconciled, "the reconcile")
            figures["reconcile"] = {
                "presses_while_down": len(silent),
                "interested_users": len({n for n, _ in silent} | {n for n, _ in pairs}),
                "ready_seconds": round(ready - started, 3),
                **phase(event_requests(await sandbox.call("stats"), before), done - ready),
            }
    await sandbox.stop()
    return figures


def main(argv: list[str] | None = None) -> int:
    """Parse the flags, run the benchmark, print one JSON object."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--moved", type=int, default=50)
    parser.add_argument("--clicks", type=int, default=1000)
    parser.add_argument("--reconciled", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    configure_logging("WARNING", secrets=[])
    print(json.dumps(asyncio.run(run(args))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
