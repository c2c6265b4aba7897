"""Render time and PNG size of a day's picture: the 39C3 day (every page of rooms) and the seed day.

Prints one JSON object. The 39C3 export has about 900 events in 58 rooms; a picture holds
five rooms (``ROOMS_PER_PICTURE``), so its busiest day is drawn as pages: the numbers are per
page, and ``pages`` says how many the day has. Target: under 1 s and under 1 MB a picture.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.pictures.picture import day_picture
from bot.rendering.reader import Reader
from bot.schedule.files import load_schedule
from bot.schedule.index import ScheduleIndex

ROOT = Path(__file__).resolve().parents[1]
C3 = ROOT.parent / "shared" / "data" / "schedules" / "c3voc-39c3-2025.everything.schedule.json"
SEED = ROOT / "examples" / "seed-conference.toml"
NOW = datetime(2020, 1, 1, tzinfo=UTC)


def measure(index: ScheduleIndex, zone: str, rounds: int) -> dict[str, object]:
    """Render every page of the zone's busiest local day ``rounds`` times."""
    reader = Reader(zone, "24h", index.conference.zone, zone_is_set=True)
    day = max(index.local_days(zone), key=lambda d: len(index.sessions_on_local_day(d, zone)))
    pages = day_picture(index, reader, day, NOW).layout.pages
    times, sizes = [], []
    for _ in range(rounds):
        for page in range(pages):
            start = time.perf_counter()
            picture = day_picture(index, reader, day, NOW, page=page)
            times.append(time.perf_counter() - start)
            sizes.append(len(picture.png))
    times.sort()
    return {
        "day": day.isoformat(),
        "sessions": len(index.sessions_on_local_day(day, zone)),
        "pages": pages,
        "p50_ms": round(statistics.median(times) * 1000, 1),
        "p99_ms": round(times[min(len(times) - 1, int(len(times) * 0.99))] * 1000, 1),
        "max_png_bytes": max(sizes),
        "total_png_bytes_per_day": sum(sizes) // rounds,
    }


def main() -> None:
    """Print the 39C3 day's and the seed day's numbers as one JSON object."""
    c3 = ScheduleIndex(load_schedule(C3))
    seed = ScheduleIndex(load_schedule(SEED))
    print(
        json.dumps(
            {
                "39c3": {
                    "events": len(c3.sessions),
                    "rooms": len(c3.rooms),
                    **measure(c3, "Europe/Berlin", 5),
                },
                "seed_sydney": measure(seed, "Australia/Sydney", 50),
            }
        )
    )


if __name__ == "__main__":
    main()
