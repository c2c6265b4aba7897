"""Write a :class:`Schedule` as a native JSON schedule file (the loader's twin).

For tests and benchmarks that generate a programme and start the real bot on it.
Times are written as exact UTC instants ("2025-10-23T07:00Z"), which the loader
accepts in any conference zone, so a DST fold can never make the round trip ambiguous.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.schedule.model import Schedule

__all__ = ["schedule_to_native", "write_native_schedule"]


def _instant(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


def _without_empty(item: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in item.items() if value not in (None, (), [])}


def schedule_to_native(schedule: Schedule) -> dict[str, Any]:
    """Return the native-format mapping that loads back as ``schedule``."""
    conference = schedule.conference
    return {
        "conference": _without_empty(
            {
                "name": conference.name,
                "zone": conference.zone,
                "url": conference.url,
                "description": conference.description,
                "organisers": list(conference.organisers),
            }
        ),
        "rooms": [
            _without_empty({"id": r.id, "name": r.name, "stream_url": r.stream_url})
            for r in schedule.rooms
        ],
        "tracks": [{"id": t.id, "name": t.name} for t in schedule.tracks],
        "speakers": [
            _without_empty(
                {
                    "id": p.id,
                    "name": p.name,
                    "affiliation": p.affiliation,
                    "bio": p.bio,
                    "avatar_url": p.avatar_url,
                    "links": list(p.links),
                    "discord_user_id": p.discord_user_id,
                    "url": p.url,
                }
            )
            for p in schedule.speakers
        ],
        "sessions": [
            _without_empty(
                {
                    "id": s.id,
                    "title": s.title,
                    "start": _instant(s.start),
                    "end": _instant(s.end),
                    "abstract": s.abstract,
                    "room": s.room_id,
                    "track": s.track_id,
                    "kind": s.kind,
                    "language": s.language,
                    "speakers": list(s.speaker_ids),
                    "url": s.url,
                    "stream_url": s.stream_url,
                }
            )
            for s in schedule.sessions
        ],
    }


def write_native_schedule(schedule: Schedule, path: Path) -> Path:
    """Write ``schedule`` to ``path`` (a ``.json`` file) and return the path."""
    path.write_text(json.dumps(schedule_to_native(schedule), ensure_ascii=False), encoding="utf-8")
    return path
