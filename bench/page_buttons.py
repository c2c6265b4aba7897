"""Benchmark page buttons: one Next press through the sandbox, before and after a restart.

Usage: ``python bench/page_buttons.py [--sessions 1000] [--presses 200]``. Prints one
JSON object.

Page buttons carry their list's query in their custom_id, so every press answers the
query again (as of the instant it was first answered) and renders one page. What is
timed, end to end like ``bench/roundtrip.py`` (driver → gateway → discord.py → the
``DynamicItem`` → the callback's message edit → the sandbox):

* ``command_*``: ``/schedule`` on a generated schedule (the reference cost);
* ``press_*``: Next/Previous presses on that answer while the bot that sent it runs;
* ``press_after_restart_*``: the same presses after ``ConferenceHarness.restart_bot()``.

``deadline_ms`` is Discord's 3 s for answering an interaction.
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
from pathlib import Path
from typing import Any

from bot.logging_config import configure_logging
from bot.schedule.native_dump import write_native_schedule
from confbot_dev.generate import generate_schedule
from confbot_dev.harness import ConferenceHarness, harness_config
from confbot_dev.sandbox import InteractionResult

DEADLINE_MS = 3000.0


def percentile(samples: list[float], q: float) -> float:
    """Return the ``q``-th percentile (0-100) of ``samples``, nearest-rank."""
    ordered = sorted(samples)
    return ordered[max(1, math.ceil(q / 100 * len(ordered))) - 1]


def summary(prefix: str, samples: list[float]) -> dict[str, float]:
    """Return p50/p99/max of ``samples`` (milliseconds), keys prefixed."""
    return {
        f"{prefix}p50_ms": round(statistics.median(samples), 3),
        f"{prefix}p99_ms": round(percentile(samples, 99), 3),
        f"{prefix}max_ms": round(max(samples), 3),
    }


async def presses(harness: ConferenceHarness, answer: InteractionResult, count: int) -> list[float]:
    """Press Next to the last page, then Previous back, ``count`` times; return ms each."""
    alice = harness.member("alice")
    timings: list[float] = []
    label = "Next"
    page: InteractionResult = answer
    for _ in range(count):
        if page.message is None:
            raise RuntimeError("a press returned no message")
        buttons = {
            b["label"]: b
            for row in page.message["components"]
            for b in row["components"]
            if b.get("type") == 2
        }
        if buttons[label].get("disabled"):
            label = "Previous" if label == "Next" else "Next"
        started = time.perf_counter()
        page = await harness.sandbox.click(alice, page, label)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


async def run(sessions: int, count: int) -> dict[str, Any]:
    """Time the command and the presses before and after a restart."""
    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder)
        schedule = generate_schedule(sessions=sessions, tracks=10, days=4, seed=1)
        path = write_native_schedule(schedule, directory / "bench.json")
        config = harness_config(directory, schedule=path)
        start = min(s.start for s in schedule.sessions)
        # Without the speakers cog: the generated speakers' heads-up DMs are not measured.
        extensions = ("cogs.meta", "cogs.profile", "cogs.schedule", "cogs.questions")
        async with ConferenceHarness(config, start=start, extensions=extensions) as harness:
            alice = harness.member("alice")
            commands: list[float] = []
            answer: InteractionResult | None = None
            for _ in range(20):
                started = time.perf_counter()
                answer = await harness.sandbox.invoke(alice, "schedule")
                commands.append((time.perf_counter() - started) * 1000)
            if answer is None or answer.message is None:
                raise RuntimeError("/schedule returned no message")
            pages = answer.message["embeds"][0]["footer"]["text"].split(" ")[1]  # "Page 1/100"
            before = await presses(harness, answer, count)
            await harness.restart_bot()
            after = await presses(harness, answer, count)
            rejections = len(harness.sandbox.rejections)
    return {
        "benchmark": "page_buttons",
        "sessions": sessions,
        "pages": int(pages.split("/")[1]),
        "presses": count,
        **summary("command_", commands),
        **summary("press_", before),
        **summary("press_after_restart_", after),
        "deadline_ms": DEADLINE_MS,
        "press_p99_vs_deadline": round(percentile(after + before, 99) / DEADLINE_MS, 4),
        "sandbox_rejections": rejections,
        "python": sys.version.split()[0],
    }


def main() -> None:
    """Parse the options, run the benchmark, print one JSON object."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--presses", type=int, default=200)
    options = parser.parse_args()
    configure_logging("ERROR")
    print(json.dumps(asyncio.run(run(options.sessions, options.presses))))


if __name__ == "__main__":
    main()
