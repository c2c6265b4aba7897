"""Benchmark the personal calendar feed: a 200-session agenda fetched over HTTP.

Usage: ``python bench/feed.py [--sessions 200] [--n 500]``. Prints ONE JSON object.

The bot's services run without Discord (``Services.open``) on a generated schedule,
with the web server on loopback (a free port). One person has every session on their
agenda and a feed link. An aiohttp client in the same process (so server and client
share one core) fetches the feed ``--n`` times:

* ``full`` — without validators: a 200 with the whole feed (rendered once, then served
  from the in-memory cache of rendered feeds, keyed by their exact content);
* ``conditional`` — with ``If-None-Match`` set to the current ETag: a body-less 304;
* ``cold_render_ms`` — a fetch whose feed is not cached (the cache emptied before each):
  what the first fetch after a schedule change costs;
* ``page`` — the agenda page (HTML, every session by local day; personal, so no
  validators: each request renders it);
* ``page_picture`` — one day's picture of the agenda page (drawn once a minute, kept in
  memory meanwhile), and ``page_picture_cold`` the same drawn afresh for each request;
* ``requests_per_second_one_core`` — sequential requests (full and conditional) per
  second of wall time, client included. Target: p99 under 50 ms for the feed's kinds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp

from bot.clock import SimulatedClock
from bot.config import Config, StorageConfig, WebConfig
from bot.schedule.native_dump import write_native_schedule
from bot.services import Services
from confbot_dev.generate import generate_schedule

USER = 4242


def percentile(samples: list[float], share: float) -> float:
    """Return the nearest-rank percentile of ``samples`` (milliseconds), rounded."""
    ordered = sorted(samples)
    return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 2)


async def timed(n: int, fetch: Callable[[], Awaitable[int]], expect: int) -> dict[str, Any]:
    """Run ``fetch`` ``n`` times; return p50/p99 latency (ms) and requests per second."""
    samples: list[float] = []
    began = time.perf_counter()
    for _ in range(n):
        start = time.perf_counter()
        status = await fetch()
        samples.append((time.perf_counter() - start) * 1000)
        if status != expect:
            raise RuntimeError(f"expected {expect}, got {status}")
    elapsed = time.perf_counter() - began
    return {
        "p50_ms": percentile(samples, 0.50),
        "p99_ms": percentile(samples, 0.99),
        "mean_ms": round(statistics.fmean(samples), 2),
        "requests_per_second": round(n / elapsed, 1),
    }


async def run(sessions: int, n: int) -> dict[str, Any]:
    """Build the services, subscribe one person to every session, and time the feed."""
    schedule = generate_schedule(sessions=sessions, tracks=8, days=3, seed=7)
    with tempfile.TemporaryDirectory() as folder:
        path = write_native_schedule(schedule, Path(folder) / "conference.json")
        config = Config(
            storage=StorageConfig(database=Path(folder) / "bench.db"),
            web=WebConfig(port=0),
        ).model_copy(update={"schedule": Config().schedule.model_copy(update={"source": path})})
        clock = SimulatedClock(schedule.sessions[0].start)
        services = await Services.open(config, clock)
        try:
            await services.start_web()
            for session in schedule.sessions:
                await services.database.subscriptions.subscribe(USER, session.id)
            answer = await services.feeds.subscribe(USER)
            found = re.search(r"<(http://[^>]+)>", answer)
            if found is None:
                raise RuntimeError(answer)
            url = found[1]
            async with aiohttp.ClientSession() as http:
                async with http.get(url) as first:
                    body = await first.read()
                    etag = first.headers["ETag"]

                async def full() -> int:
                    async with http.get(url) as response:
                        await response.read()
                        return response.status

                async def conditional() -> int:
                    async with http.get(url, headers={"If-None-Match": etag}) as response:
                        await response.read()
                        return response.status

                async def cold() -> int:
                    services.feeds._rendered.clear()  # the cold path, on purpose
                    return await full()

                page_url = url.removesuffix(".ics")
                async with http.get(page_url) as first_page:
                    html = await first_page.text()
                    if first_page.status != 200:
                        raise RuntimeError(f"the page answered {first_page.status}")
                picture = re.search(r'<img src="([^"]+)"', html)
                if picture is None:
                    raise RuntimeError("the page has no picture")
                picture_url = page_url.rsplit("/", 1)[0] + "/" + picture[1]

                async def page() -> int:
                    async with http.get(page_url) as response:
                        await response.read()
                        return response.status

                async def page_picture() -> int:
                    async with http.get(picture_url) as response:
                        await response.read()
                        return response.status

                result_full = await timed(n, full, 200)
                result_conditional = await timed(n, conditional, 304)
                result_cold = await timed(max(20, n // 10), cold, 200)
                result_page = await timed(n, page, 200)
                result_picture = await timed(max(20, n // 10), page_picture, 200)

                async def page_picture_cold() -> int:
                    services.feeds._pictures.clear()  # the cold path, on purpose
                    return await page_picture()

                result_picture_cold = await timed(20, page_picture_cold, 200)
        finally:
            await services.close()
    both = (result_full["requests_per_second"] + result_conditional["requests_per_second"]) / 2
    return {
        "sessions_on_agenda": sessions,
        "feed_bytes": len(body),
        "requests": n,
        "full": result_full,
        "conditional": result_conditional,
        "cold_render_ms": {"p50_ms": result_cold["p50_ms"], "p99_ms": result_cold["p99_ms"]},
        "page_bytes": len(html.encode()),
        "page": result_page,
        "page_picture": result_picture,
        "page_picture_cold": result_picture_cold,
        "requests_per_second_one_core": round(both, 1),
        "target_p99_ms": 50,
        "meets_target": max(
            result_full["p99_ms"], result_conditional["p99_ms"], result_cold["p99_ms"]
        )
        < 50,
    }


def main(argv: list[str] | None = None) -> None:
    """Parse the options, run the benchmark, print one JSON object."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--n", type=int, default=500)
    options = parser.parse_args(argv)
    json.dump(asyncio.run(run(options.sessions, options.n)), sys.stdout)
    print()


if __name__ == "__main__":
    main()
