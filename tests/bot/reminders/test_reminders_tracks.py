"""Which role follows a track: configured by id or by name, else "Track: <name>"."""

from __future__ import annotations

import pytest

from bot.reminders.tracks import track_role_name, track_role_ref
from bot.schedule.model import Track

LAW = Track("law", "Law and evidence")


@pytest.mark.parametrize(
    ("track_id", "track", "configured", "expected"),
    [
        ("law", LAW, {"law": 42}, 42),
        ("law", LAW, {"law": "Lawyers"}, "Lawyers"),
        ("law", LAW, {}, "Track: Law and evidence"),
        ("law", None, {"law": 42}, 42),  # configured, though gone from the schedule
        ("law", None, {}, None),
    ],
)
def test_track_role_ref(
    track_id: str, track: Track | None, configured: dict[str, int | str], expected: object
) -> None:
    """The configured role wins; an unmapped track is followed through "Track: <name>"."""
    assert track_role_ref(track_id, track, configured) == expected


def test_role_names_fit_discord() -> None:
    """A role name is at most 100 characters, however long the track's name."""
    assert len(track_role_name("n" * 200)) == 100
