"""Benchmark the schedule importers and the diff.

Usage: ``python bench/import.py [--repeat 7]``. Prints one JSON object.

What is timed (median of ``--repeat`` runs, milliseconds, wall clock):

* ``parse_1000_ms`` — ``import_bytes`` on a generated 1,000-session ``schedule.json``
  (c3voc shape: guids, ``date`` with offsets, "H:MM" durations, persons with HTML
  biographies, HTML abstracts): JSON decoding, every field read and checked, HTML to
  markdown, ids, zone conversion, the model built. Target < 200 ms.
* ``diff_1000_ms`` — ``diff_schedules`` between that schedule and a copy with 100
  changes (40 moved, 20 retitled, 20 with other speakers, 10 cancelled, 10 removed)
  plus 10 added. Target < 50 ms.
* ``files`` — per real export in the corpus (``../shared/data/schedules`` beside the
  clone if present, else ``tests/fixtures/schedules``): parse time and session count.
* ``apply_100_changes_ms`` — ``ScheduleApplier.apply`` of that 100-change diff on a bot
  core (database in a temporary folder, no Discord) whose changed sessions have 20,000
  subscriptions (200 each, reminders planned): the snapshot, the swap, the post rows,
  one DM row per subscriber and change, the reminders moved or cancelled, room posts
  re-planned, all in one transaction. One run (it changes the database). Target < 1 s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.schedule.diff import diff_schedules  # noqa: E402
from bot.schedule.formats import import_bytes, import_schedule  # noqa: E402
from bot.schedule.model import Schedule  # noqa: E402
from bot.timezones import to_local  # noqa: E402
from confbot_dev.generate import generate_schedule  # noqa: E402

CORPUS = REPO.parent / "shared" / "data" / "schedules"  # beside the clone, if there
FIXTURES = REPO / "tests" / "fixtures" / "schedules"
ZONES = {
    "frab-30c3-2013.legacy-v0.8.schedule.json": "Europe/Berlin",
    "pentabarf-fosdem-2023.schedule.xml": "Europe/Brussels",
    "sessionize-qa-or-the-highway-2026.all.json": "America/New_York",
    "sessionize-scottish-summit-2026.all.json": "Europe/London",
    "europython-programapi.SYNTHETIC-example.sessions.json": "Europe/Prague",
    "europython-programapi.SYNTHETIC-example.speakers.json": "Europe/Prague",
}


def median_ms(action: Callable[[], object], repeat: int) -> float:
    """Return the median wall time of ``action`` in milliseconds."""
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(samples), 2)


def _guid(text: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, text))


def as_schedule_json(schedule: Schedule) -> bytes:
    """Return ``schedule`` written as a c3voc ``schedule.json`` (what organisers export)."""
    zone = schedule.conference.zone
    rooms = {room.id: room.name for room in schedule.rooms}
    tracks = {track.id: track.name for track in schedule.tracks}
    speakers = {speaker.id: speaker for speaker in schedule.speakers}
    days: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for session in schedule.sessions:
        local = to_local(session.start, zone)
        minutes = int(session.duration / timedelta(minutes=1))
        room = rooms.get(session.room_id or "", "Hall")
        days.setdefault(local.date().isoformat(), {}).setdefault(room, []).append(
            {
                "guid": _guid(session.id),
                "id": len(days),
                "date": local.isoformat(),
                "start": f"{local:%H:%M}",
                "duration": f"{minutes // 60}:{minutes % 60:02d}",
                "room": room,
                "title": session.title,
                "track": tracks.get(session.track_id or ""),
                "type": session.kind or "lecture",
                "language": "en",
                "abstract": f"<p>{session.abstract or ''}</p><p><b>Bring</b> a laptop.</p>",
                "persons": [
                    {
                        "guid": _guid(speaker_id),
                        "name": speakers[speaker_id].name,
                        "biography": f"<p>{speakers[speaker_id].bio or ''}</p>",
                    }
                    for speaker_id in session.speaker_ids
                ],
            }
        )
    document = {
        "schedule": {
            "version": "bench",
            "conference": {
                "title": schedule.conference.name,
                "time_zone_name": zone,
                "days": [
                    {"index": index, "date": day, "rooms": rooms_of_day}
                    for index, (day, rooms_of_day) in enumerate(sorted(days.items()), start=1)
                ],
            },
        }
    }
    return json.dumps(document).encode()


def changed(schedule: Schedule) -> Schedule:
    """Return ``schedule`` with 100 sessions changed and 10 added."""
    sessions = list(schedule.sessions)
    speaker_ids = [speaker.id for speaker in schedule.speakers]
    for index in range(40):
        sessions[index] = replace(
            sessions[index],
            start=sessions[index].start + timedelta(days=1),
            end=sessions[index].end + timedelta(days=1),
        )
    for index in range(40, 60):
        sessions[index] = replace(sessions[index], title=sessions[index].title + " (updated)")
    for index in range(60, 80):
        sessions[index] = replace(sessions[index], speaker_ids=(speaker_ids[index],))
    for index in range(80, 90):
        sessions[index] = replace(sessions[index], cancelled=True)
    del sessions[90:100]
    sessions += [
        replace(sessions[200 + number], id=f"new-{number}", title=f"New session {number}")
        for number in range(10)
    ]
    return replace(schedule, sessions=tuple(sessions))


async def apply_ms(imported: Schedule, new: Schedule, content: bytes) -> dict[str, Any]:
    """Time one apply of ``imported`` → ``new`` with 20,000 subscriptions on changed sessions."""
    import asyncio
    import tempfile

    from bot.clock import SimulatedClock
    from bot.programme.apply import NoticeTargets
    from bot.programme.refresh import LastGood, content_hash, source_key
    from bot.schedule.diff import carry_cancelled
    from bot.services import Services
    from confbot_dev.harness import harness_config

    with tempfile.TemporaryDirectory(prefix="confbot-bench-") as folder:
        source = Path(folder) / "generated.json"
        source.write_bytes(content)
        config = harness_config(Path(folder), schedule=source)
        start = min(session.start for session in imported.sessions) - timedelta(days=1)
        services = await Services.open(config, SimulatedClock(start, speed=0))
        try:
            applier = services.applier
            diff = diff_schedules(services.live, new)
            changed_ids = [change.session_id for change in diff.changes][:100]
            async with services.database.transaction():
                for user in range(20_000):
                    session_id = changed_ids[user % len(changed_ids)]
                    await services.database.subscriptions.subscribe(10_000 + user, session_id)
            # Plan the reminders the move will carry (and store the starts it compares).
            await services.reminders.planner.follow_schedule(now=start, room_channels={})
            for session_id in changed_ids:
                session = services.schedule.session(session_id)
                if session is None:
                    continue
                for subscription in await services.database.subscriptions.for_session(session_id):
                    await services.reminders.planner.subscribe(
                        subscription.user_id, session, lead=None, now=start, room_channel_id=None
                    )
            started = time.perf_counter()
            applied = await applier.apply(
                carry_cancelled(services.live, new),
                diff,
                copy=LastGood("generated.json", content.decode()),
                content_hash=content_hash(content),
                source=source_key(config),
                targets=NoticeTargets(updates_channel_id=1),
                now=start,
            )
            elapsed = (time.perf_counter() - started) * 1000
        finally:
            await services.close()
    await asyncio.sleep(0)
    return {
        "ms": round(elapsed, 1),
        "changes": len(diff.changes),
        "direct_messages": applied.direct_messages,
        "posts": applied.posts,
        "reminders": applied.followed.get("reminders", {}),
    }


def corpus_files() -> list[Path]:
    """Return every real export in the corpus (or the test fixtures)."""
    folder = CORPUS if CORPUS.is_dir() else FIXTURES
    return sorted(
        path
        for path in folder.iterdir()
        if path.suffix in (".json", ".xml", ".ics")
        and "schema" not in path.name
        and not path.name.startswith(("duplicate-key", "seed-"))
    )


def main() -> None:
    """Run the benchmark and print one JSON object."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    generated = generate_schedule(sessions=1000, seed=1)
    content = as_schedule_json(generated)
    imported = import_bytes(content, source="generated.json").schedule
    if len(imported.sessions) != 1000:
        raise SystemExit(f"generated schedule imported {len(imported.sessions)} sessions")
    parse_ms = median_ms(lambda: import_bytes(content, source="generated.json"), args.repeat)
    new = changed(imported)
    diff = diff_schedules(imported, new)
    diff_ms = median_ms(lambda: diff_schedules(imported, new), args.repeat)

    import asyncio

    applied = asyncio.run(apply_ms(imported, new, content))

    files: dict[str, Any] = {}
    for path in corpus_files():
        zone = ZONES.get(path.name)
        try:
            result = import_schedule(path, zone=zone)
        except Exception as error:  # a refused file is a figure too
            files[path.name] = {"error": str(error).splitlines()[0]}
            continue
        files[path.name] = {
            "parse_ms": median_ms(lambda p=path, z=zone: import_schedule(p, zone=z), 3),
            "sessions": len(result.active_sessions),
            "bytes": path.stat().st_size,
        }
    print(
        json.dumps(
            {
                "parse_1000_ms": parse_ms,
                "parse_1000_bytes": len(content),
                "parse_target_ms": 200,
                "diff_1000_ms": diff_ms,
                "diff_target_ms": 50,
                "diff_changes": diff.counts(),
                "apply_100_changes_ms": applied["ms"],
                "apply_target_ms": 1000,
                "apply_subscriptions": 20_000,
                "apply_detail": {key: value for key, value in applied.items() if key != "ms"},
                "repeat": args.repeat,
                "files": files,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
