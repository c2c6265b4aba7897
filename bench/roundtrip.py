"""Benchmark the command round trip through the sandbox: ``/about`` in, its callback out.

Usage: ``python bench/roundtrip.py [--n 1000] [--warmup 20]``. Prints one JSON object.

What is timed:

* ``p50_ms`` / ``p90_ms`` / ``p99_ms`` / ``max_ms`` — one ``sandbox.invoke(alice, "about")``
  in #general, end to end: the driver builds the interaction, the gateway dispatches
  INTERACTION_CREATE over the websocket, discord.py and the ``/about`` cog handle it,
  the bot POSTs the interaction callback over HTTP, the sandbox validates, stores and
  publishes the reply, and the driver's future resolves. Everything runs in one event
  loop (the bot, the sandbox and the driver), as in the tests and ``confbot demo``.
* ``sandbox_overhead_*`` — the sandbox's own share of one round trip, measured per
  iteration as the sum of

  1. ``sandbox_dispatch_*``: the time ``Gateway.dispatch`` takes for the
     INTERACTION_CREATE frame (serialise, record in the transcript, websocket write),
     timed by wrapping the gateway's ``dispatch`` during the invocations, and
  2. ``sandbox_rest_*``: one raw aiohttp request to the sandbox through its full
     middleware (auth exemption, rate-limit bucket, body parsing, transcript record)
     without the bot: ``GET /webhooks/{app}/{token}/messages/@original`` for the
     interaction just answered. Like the bot's callback it is an interaction route
     (no global limit, its own bucket), so the probe never causes 429s. It includes
     aiohttp's client side, so it is an upper bound on the sandbox's REST share.

* ``validation_*`` — inside the sandbox, the time ``RequestValidator.check`` took for each
  request body it validated during the timed invocations (the bot's interaction callback:
  the schema check compiled from Discord's OpenAPI spec, plus the docs' rules), read from
  ``sandbox.request_validator.timings_ms``. ``validation_max_ms`` is the slowest one. The
  round trip includes it: the sandbox validates by default, as it does in the tests.
  ``validation_large_*`` times the same check on a body at Discord's limits (an interaction
  reply with 2,000 characters, 10 embeds of 24 fields, 5,810 characters, 5 rows of
  5 buttons), ``n`` times, to bound the cost for the bot's largest answers.

``rate_limit_429s`` is ``sandbox.ratelimit_hits`` after the run; the interaction
deadline is Discord's 3 s for the first callback, and ``p99_vs_deadline`` = p99 / 3000.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp

from bot.config import load_config
from bot.logging_config import configure_logging
from confbot_dev.harness import ConferenceHarness, harness_config
from confbot_dev.sandbox import Sandbox

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "examples" / "seed-conference.toml"
DEADLINE_MS = 3000.0


def large_reply() -> dict[str, Any]:
    """Return an interaction reply at Discord's limits (content, embeds, buttons)."""
    field = {"name": "When", "value": "Thu 10:00-10:45 CEST", "inline": True}
    embeds = [{"title": f"Day {i}", "color": 0x5865F2, "fields": [field] * 24} for i in range(10)]
    rows = [
        {
            "type": 1,
            "components": [
                {"type": 2, "style": 2, "label": f"Page {r}.{b}", "custom_id": f"page:{r}:{b}"}
                for b in range(5)
            ],
        }
        for r in range(5)
    ]
    data = {"content": "x" * 2000, "embeds": embeds, "components": rows, "flags": 64}
    return {"type": 4, "data": {**data, "allowed_mentions": {"parse": []}}}


def time_large_reply(sandbox: Sandbox, n: int) -> list[float]:
    """Validate :func:`large_reply` ``n`` times in the sandbox's validator; return ms each."""
    validator = sandbox.request_validator
    route = "/interactions/{interaction_id}/{webhook_token}/callback"
    body = large_reply()
    first = len(validator.timings_ms)
    for _ in range(n):
        if validator.check("POST", route, body):
            raise RuntimeError("the large reply is not valid; fix the benchmark body")
    return validator.timings_ms[first:]


def percentile(samples: list[float], q: float) -> float:
    """Return the ``q``-th percentile (0-100) of ``samples``, nearest-rank."""
    ordered = sorted(samples)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def summary(prefix: str, samples: list[float]) -> dict[str, float]:
    """Return p50/p90/p99 of ``samples`` (milliseconds), keys prefixed."""
    return {
        f"{prefix}p50_ms": round(statistics.median(samples), 3),
        f"{prefix}p90_ms": round(percentile(samples, 90), 3),
        f"{prefix}p99_ms": round(percentile(samples, 99), 3),
    }


class DispatchTimer:
    """Wrap ``sandbox.gateway.dispatch`` and keep the duration of the last call."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.last_ms = 0.0
        original: Callable[[str, dict[str, Any]], Awaitable[None]] = sandbox.gateway.dispatch

        async def timed(event: str, data: dict[str, Any]) -> None:
            started = time.perf_counter()
            try:
                await original(event, data)
            finally:
                if event == "INTERACTION_CREATE":
                    self.last_ms = (time.perf_counter() - started) * 1000

        sandbox.gateway.dispatch = timed  # type: ignore[method-assign]


async def probe_rest(session: aiohttp.ClientSession, sandbox: Sandbox) -> float:
    """Time one raw REST request through the sandbox's middleware; return milliseconds."""
    interaction = next(reversed(sandbox.world.interactions.values()))
    url = f"{sandbox.api_base}/webhooks/{sandbox.application_id}/{interaction.token}"
    started = time.perf_counter()
    async with session.get(f"{url}/messages/@original") as response:
        await response.read()
        if response.status != 200:
            raise RuntimeError(f"probe got HTTP {response.status}")
    return (time.perf_counter() - started) * 1000


async def bench(n: int, warmup: int) -> dict[str, Any]:
    """Run ``warmup`` + ``n`` invocations of /about and return the results."""
    with tempfile.TemporaryDirectory(prefix="confbot-bench-") as data_dir:
        config = harness_config(
            Path(data_dir), schedule=SEED, base=load_config(REPO / "config.example.toml")
        )
        async with ConferenceHarness(config) as harness, aiohttp.ClientSession() as http:
            sandbox = harness.sandbox
            alice, general = harness.member("alice"), harness.channel("general")
            timer = DispatchTimer(sandbox)
            round_trips: list[float] = []
            dispatch: list[float] = []
            rest: list[float] = []
            validations_before = 0
            for i in range(warmup + n):
                if i == warmup:
                    validations_before = len(sandbox.request_validator.timings_ms)
                started = time.perf_counter()
                reply = await sandbox.invoke(alice, "about", channel=general)
                elapsed = (time.perf_counter() - started) * 1000
                if "Online conference" not in reply.content:
                    raise RuntimeError(f"unexpected /about reply: {reply.content!r}")
                probe = await probe_rest(http, sandbox)
                if i >= warmup:
                    round_trips.append(elapsed)
                    dispatch.append(timer.last_ms)
                    rest.append(probe)
            overhead = [d + r for d, r in zip(dispatch, rest, strict=True)]
            validation = sandbox.request_validator.timings_ms[validations_before:]
            large = time_large_reply(sandbox, n)
            hits = sandbox.ratelimit_hits
            rejected = len(sandbox.rejections)
    p99 = percentile(round_trips, 99)
    return {
        "command": "/about",
        "n": n,
        "warmup": warmup,
        **summary("", round_trips),
        "max_ms": round(max(round_trips), 3),
        "mean_ms": round(statistics.fmean(round_trips), 3),
        **summary("sandbox_overhead_", overhead),
        **summary("sandbox_dispatch_", dispatch),
        **summary("sandbox_rest_", rest),
        **summary("validation_", validation),
        "validation_max_ms": round(max(validation), 3),
        "validated_requests": len(validation),
        **summary("validation_large_", large),
        "rate_limit_429s": hits,
        "rate_limit_429s_total": sum(hits.values()),
        "rejected_requests": rejected,
        "interaction_deadline_ms": DEADLINE_MS,
        "p99_vs_deadline": round(p99 / DEADLINE_MS, 5),
        "python": sys.version.split()[0],
    }


def main() -> int:
    """Parse the arguments, run the benchmark and print one JSON object."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=1000, help="timed invocations (default 1000)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed invocations first")
    args = parser.parse_args()
    if args.n < 1 or args.warmup < 0:
        parser.error("--n must be at least 1 and --warmup at least 0")
    configure_logging("WARNING")
    print(json.dumps(asyncio.run(bench(args.n, args.warmup))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
