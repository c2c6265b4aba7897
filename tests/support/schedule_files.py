"""Write small native schedule files for tests (times are UTC wall-clock times)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any


def at(text: str) -> str:
    """Return a native-format wall time for ISO ``text`` ("2025-10-23T09:00")."""
    return datetime.fromisoformat(text).strftime("%Y-%m-%d %H:%M")


def write_schedule(
    path: Path,
    *,
    sessions: list[dict[str, Any]],
    speakers: list[dict[str, Any]] | None = None,
    rooms: list[dict[str, Any]] | None = None,
    tracks: list[dict[str, Any]] | None = None,
    name: str = "Test Conference",
    zone: str = "UTC",
) -> Path:
    """Write a native JSON schedule to ``path`` and return it."""
    data = {
        "conference": {"name": name, "zone": zone},
        "rooms": rooms or [],
        "tracks": tracks or [],
        "speakers": speakers or [],
        "sessions": sessions,
    }
    path.write_text(json.dumps(data), encoding="utf-8")
    return path
