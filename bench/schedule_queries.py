"""Benchmark schedule answers: handler time and sandbox round trip, per query kind.

Usage: ``python bench/schedule_queries.py [--quick] [--n 400] [--roundtrip-n 100]``.
Prints ONE JSON object.

The conference: a generated 1,000-session, 10-track, 4-day schedule with 5,000
speakers (``--quick``: the same schedule, fewer users and samples) and 50,000 users
with time zones stored through ``db.users.set_zone``. Each query kind is a row of :data:`KINDS`:

* ``handler``: the work a command does inside the bot, excluding Discord: the reader's
  profile from the database, the core answer, the embed and the page buttons (the same
  calls the cog makes); for autocomplete, the choices. Target: 25 ms p99 for commands,
  5 ms for autocomplete.
* ``roundtrip``: the same query through the sandbox (``ConferenceHarness``): the
  driver's interaction or message, the gateway, discord.py, the cog, the HTTP callback,
  the sandbox's validation. The sandbox's rate limits are lifted so the figure is the
  work, not Discord's deliberate throttling of 5 messages per 5 s per channel.

Add a kind by appending a :class:`Kind` to ``KINDS``.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import math
import random
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.answers.reader import reader_for
from bot.rendering.pages import first_reply
from bot.schedule.native_dump import write_native_schedule
from bot.timezones import search_zones
from cogs.choices import choices
from cogs.embeds import message_arguments
from cogs.replies import view_for
from confbot_dev.generate import generate_schedule
from confbot_dev.harness import ConferenceHarness, harness_config
from confbot_dev.sandbox import Limits, RouteLimit

AUTOCOMPLETE_TARGET_MS = 5.0
COMMAND_TARGET_MS = 25.0
EXTENSIONS = ("cogs.meta", "cogs.profile", "cogs.schedule", "cogs.questions", "cogs.speakers")
SPEAKERS = 5000
SPEAKER_QUERIES = ["", "a", "ma", "maria", "sir geoff", "josé", "kim", "o'br", "zz"]
ZONES = [
    *(
        choice.name
        for choice in search_zones("", now=generate_schedule(sessions=1).sessions[0].start)
    ),
    *("Asia/Kathmandu", "Australia/Adelaide", "Pacific/Chatham", "America/St_Johns"),
    *("Asia/Tehran", "Europe/Dublin", "Africa/Nairobi", "America/Bogota", "Asia/Jakarta"),
]
QUERIES = ["sensor", "court transcripts", "keynote", "rethinking evid", "José", "mesh net", ""]
QUESTIONS = [
    "when is the keynote?",
    "what's on now?",
    "what's next in the security track?",
    "what's on tomorrow morning?",
    "who is speaking at 4pm?",
    "search court transcripts",
    "when is the keynote in Sydney?",
    "session rethinking evidence",
]


def started_bot(harness: ConferenceHarness) -> Any:
    """Return the harness's bot, which exists once the harness has started."""
    if harness.bot is None:
        raise RuntimeError("the harness is not started")
    return harness.bot


def percentile(samples: list[float], q: float) -> float:
    """Return the ``q``-th percentile (0-100) of ``samples``, nearest-rank."""
    ordered = sorted(samples)
    return ordered[max(1, math.ceil(q / 100 * len(ordered))) - 1]


@dataclass
class Bench:
    """What every kind needs: the started harness, user ids with zones, a random source."""

    harness: ConferenceHarness
    user_ids: list[int]
    rng: random.Random

    @property
    def bot(self) -> Any:
        return started_bot(self.harness)

    def user(self) -> int:
        return self.rng.choice(self.user_ids)

    async def finish(self, answer: Any, user_id: int) -> None:
        """Do what the cog does after the core: first page, embed, buttons."""
        message_arguments(first_reply(answer))
        view_for(self.bot, answer, user_id)


async def _reader(bench: Bench, user_id: int) -> Any:
    services = bench.bot.services
    return await reader_for(services.database, user_id, services.conference_zone)


async def handle_autocomplete(bench: Bench) -> None:
    services = bench.bot.services
    text = bench.rng.choice(QUERIES)
    choices(
        [
            (m.label, m.id)
            for m in services.search.complete_sessions(text, 25, after=bench.bot.clock.now())
        ]
    )


async def handle_schedule(bench: Bench) -> None:
    user_id = bench.user()
    reader = await _reader(bench, user_id)
    answers = bench.bot.get_cog("Schedule").answers
    services = bench.bot.services
    day, track = None, None
    pick = bench.rng.random()
    if pick < 0.4:
        day = bench.rng.choice(services.schedule.local_days(reader.zone)).isoformat()
    elif pick < 0.7:
        track = bench.rng.choice(services.schedule.tracks).id
    answer = answers.schedule_for(reader, bench.bot.clock.now(), day=day, track=track)
    await bench.finish(answer, user_id)


async def handle_now(bench: Bench) -> None:
    user_id = bench.user()
    reader = await _reader(bench, user_id)
    answer = bench.bot.get_cog("Schedule").answers.now(reader, bench.bot.clock.now())
    await bench.finish(answer, user_id)


async def handle_session(bench: Bench) -> None:
    user_id = bench.user()
    reader = await _reader(bench, user_id)
    services = bench.bot.services
    session = bench.rng.choice(services.schedule.sessions)
    words = session.title.split()
    text = " ".join(words[: bench.rng.randint(1, len(words))])
    answer = bench.bot.get_cog("Schedule").answers.session(reader, text, bench.bot.clock.now())
    await bench.finish(answer, user_id)


async def handle_question(bench: Bench) -> None:
    user_id = bench.user()
    conversation = bench.bot.get_cog("Questions").conversation
    answer = await conversation.reply(bench.rng.choice(QUESTIONS), user_id, bench.bot.clock.now())
    await bench.finish(answer, user_id)


async def handle_speaker_autocomplete(bench: Bench) -> None:
    services = bench.bot.services
    text = bench.rng.choice(SPEAKER_QUERIES)
    choices([(m.label, m.id) for m in services.search.complete_speakers(text, 25)])


async def handle_speaker(bench: Bench) -> None:
    user_id = bench.user()
    reader = await _reader(bench, user_id)
    speaker = bench.rng.choice(bench.bot.services.schedule.speakers_sorted)
    answer = await bench.bot.services.speakers.speaker(reader, speaker.name)
    await bench.finish(answer, user_id)


async def trip_speaker_autocomplete(bench: Bench) -> None:
    h = bench.harness
    await h.sandbox.autocomplete(
        h.member("alice"), "speaker", {"name": bench.rng.choice(SPEAKER_QUERIES)}, focused="name"
    )


async def trip_speaker(bench: Bench) -> None:
    h = bench.harness
    speaker = bench.rng.choice(bench.bot.services.schedule.speakers_sorted)
    await h.sandbox.invoke(h.member("alice"), "speaker", {"name": speaker.id})


async def trip_autocomplete(bench: Bench) -> None:
    h = bench.harness
    await h.sandbox.autocomplete(
        h.member("alice"), "session", {"session": bench.rng.choice(QUERIES)}, focused="session"
    )


async def trip_schedule(bench: Bench) -> None:
    h = bench.harness
    await h.sandbox.invoke(h.member("alice"), "schedule", {"track": "track-2"})


async def trip_now(bench: Bench) -> None:
    h = bench.harness
    await h.sandbox.invoke(h.member("alice"), "now")


async def trip_session(bench: Bench) -> None:
    h = bench.harness
    session = bench.rng.choice(bench.bot.services.schedule.sessions)
    await h.sandbox.invoke(h.member("alice"), "session", {"session": session.id})


async def trip_question(bench: Bench) -> None:
    h = bench.harness
    text = f"{h.sandbox.mention_bot} {bench.rng.choice(QUESTIONS)}"
    await h.sandbox.say(h.member("alice"), h.channel("general"), text, expect_reply=True)


@dataclass(frozen=True)
class Kind:
    """One query kind: its name, target, handler path and sandbox round trip."""

    name: str
    target_ms: float
    handler: Callable[[Bench], Awaitable[None]]
    roundtrip: Callable[[Bench], Awaitable[None]]


KINDS: list[Kind] = [
    Kind("autocomplete", AUTOCOMPLETE_TARGET_MS, handle_autocomplete, trip_autocomplete),
    Kind("schedule", COMMAND_TARGET_MS, handle_schedule, trip_schedule),
    Kind("now", COMMAND_TARGET_MS, handle_now, trip_now),
    Kind("session", COMMAND_TARGET_MS, handle_session, trip_session),
    Kind("question", COMMAND_TARGET_MS, handle_question, trip_question),
    Kind(
        "speaker_autocomplete",
        AUTOCOMPLETE_TARGET_MS,
        handle_speaker_autocomplete,
        trip_speaker_autocomplete,
    ),
    Kind("speaker", COMMAND_TARGET_MS, handle_speaker, trip_speaker),
]


async def timed(action: Callable[[], Awaitable[None]], n: int) -> list[float]:
    """Return ``n`` timings of ``action`` in milliseconds."""
    samples = []
    for _ in range(n):
        began = time.perf_counter()
        await action()
        samples.append((time.perf_counter() - began) * 1000)
    return samples


async def add_users(harness: ConferenceHarness, count: int, rng: random.Random) -> list[int]:
    """Store ``count`` users with zones (and some on the 12-hour clock); return their ids."""
    database = started_bot(harness).services.database
    ids = [10**15 + number for number in range(count)]
    async with database.transaction():
        for user_id in ids:
            await database.users.set_zone(user_id, rng.choice(ZONES))
            if user_id % 3 == 0:
                await database.users.set_clock(user_id, "12h")
    return ids


async def run(args: argparse.Namespace) -> dict[str, Any]:
    rng = random.Random(7)
    schedule = generate_schedule(sessions=1000, tracks=10, days=4, speakers=SPEAKERS, seed=0)
    # The generated speakers' Discord ids are not sandbox users; heads-up DMs are not
    # what this measures, so the speakers here are not on Discord.
    schedule = dataclasses.replace(
        schedule,
        speakers=tuple(dataclasses.replace(s, discord_user_id=None) for s in schedule.speakers),
    )
    with tempfile.TemporaryDirectory() as folder:
        path = write_native_schedule(schedule, Path(folder) / "schedule.json")
        config = harness_config(Path(folder), schedule=path)
        first = min(s.start for s in schedule.sessions)
        unlimited = Limits(
            global_per_second=1_000_000,
            routes={},
            default_route=RouteLimit(limit=1_000_000, per=1.0),
        )
        harness = ConferenceHarness(
            config,
            start=first + timedelta(days=1, hours=3),
            limits=unlimited,
            extensions=EXTENSIONS,
        )
        async with harness:
            loading = time.perf_counter()
            user_ids = await add_users(harness, args.users, rng)
            users_s = time.perf_counter() - loading
            await started_bot(harness).services.database.users.set_zone(
                harness.member("alice").id, "Australia/Sydney"
            )
            bench = Bench(harness, user_ids, rng)
            rows = []
            for kind in KINDS:
                await timed(lambda kind=kind: kind.handler(bench), args.warmup)
                handler = await timed(lambda kind=kind: kind.handler(bench), args.n)
                trips = await timed(lambda kind=kind: kind.roundtrip(bench), args.roundtrip_n)
                p99 = percentile(handler, 99)
                rows.append(
                    {
                        "name": kind.name,
                        "p50_ms": round(percentile(handler, 50), 3),
                        "p99_ms": round(p99, 3),
                        "target_ms": kind.target_ms,
                        "p99_vs_target": round(p99 / kind.target_ms, 3),
                        "roundtrip_p50_ms": round(percentile(trips, 50), 3),
                        "roundtrip_p99_ms": round(percentile(trips, 99), 3),
                        "samples": len(handler),
                        "roundtrip_samples": len(trips),
                    }
                )
            rejections = len(harness.sandbox.rejections)
    return {
        "benchmark": "schedule_queries",
        "quick": args.quick,
        "schedule": {"sessions": len(schedule.sessions), "tracks": 10, "days": 4},
        "users_with_zones": args.users,
        "users_load_s": round(users_s, 2),
        "targets_ms": {"autocomplete": AUTOCOMPLETE_TARGET_MS, "commands": COMMAND_TARGET_MS},
        "queries": rows,
        "all_within_target": all(row["p99_ms"] <= row["target_ms"] for row in rows),
        "sandbox_rejections": rejections,
        "python": sys.version.split()[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smaller run, under 30 s")
    parser.add_argument("--n", type=int, default=None, help="handler samples per kind")
    parser.add_argument("--roundtrip-n", type=int, default=None, help="round trips per kind")
    parser.add_argument("--users", type=int, default=None, help="users with zones")
    args = parser.parse_args()
    args.n = args.n or (200 if args.quick else 1000)
    args.roundtrip_n = args.roundtrip_n or (30 if args.quick else 200)
    args.users = args.users or (5_000 if args.quick else 50_000)
    args.warmup = 20
    print(json.dumps(asyncio.run(run(args)), indent=2))


if __name__ == "__main__":
    main()
