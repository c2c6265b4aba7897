"""The diff between two schedule versions, as a change notice would describe it."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.schedule.diff import Change, carry_cancelled, diff_schedules
from bot.schedule.formats import import_bytes
from bot.schedule.model import Conference, Room, Schedule, Session, Speaker

BERLIN = Conference(name="Diff Conf", zone="Europe/Berlin")
ROOMS = (Room(id="a", name="Room A"), Room(id="b", name="Room B"))
SPEAKERS = (Speaker(id="ana", name="Ana"), Speaker(id="bo", name="Bo"))


def at(text: str) -> datetime:
    """Return the UTC instant "2025-12-27 12:00"."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def talk(session_id: str, start: str = "2025-12-27 12:00", **fields: Any) -> Session:
    """Return a 30-minute session in Room A by Ana, unless told otherwise."""
    values: dict[str, Any] = {
        "title": f"Talk {session_id}",
        "room_id": "a",
        "speaker_ids": ("ana",),
    }
    values.update(fields)
    return Session(id=session_id, start=at(start), end=at(start) + timedelta(minutes=30), **values)


def version(*sessions: Session) -> Schedule:
    """Return a schedule holding ``sessions``."""
    return Schedule(conference=BERLIN, sessions=sessions, speakers=SPEAKERS, rooms=ROOMS)


def only(diff_result: Any) -> tuple[str, tuple[Change, ...], tuple[str, ...]]:
    """Return the single change as (id, kinds, moved)."""
    (change,) = diff_result.changes
    return change.session_id, change.changes, change.moved


def test_same_schedule_has_no_changes() -> None:
    """Importing the same programme again announces nothing."""
    schedule = version(talk("x"), talk("y", "2025-12-27 13:00"))
    assert not diff_schedules(schedule, schedule)


def test_added_and_removed() -> None:
    """A new session is added; one that vanished is removed (pretalx drops cancelled talks)."""
    diff = diff_schedules(version(talk("x")), version(talk("y")))
    assert [(c.session_id, c.changes) for c in diff.changes] == [
        ("y", (Change.ADDED,)),
        ("x", (Change.REMOVED,)),
    ]
    assert diff.counts() == {"added": 1, "removed": 1}


def test_moved_in_time_same_day() -> None:
    """An hour later on the same day is moved in time only."""
    diff = diff_schedules(version(talk("x")), version(talk("x", "2025-12-27 13:00")))
    assert only(diff) == ("x", (Change.MOVED,), ("time",))


def test_moved_across_days() -> None:
    """Thursday 13:00 to Friday 14:00 is moved in time and day."""
    diff = diff_schedules(
        version(talk("x", "2025-12-25 12:00")), version(talk("x", "2025-12-26 13:00"))
    )
    assert only(diff) == ("x", (Change.MOVED,), ("time", "day"))


def test_day_is_the_conference_zone_day() -> None:
    """22:00 to 23:30 UTC crosses Berlin's midnight (23:00 → 00:30 local): moved a day."""
    diff = diff_schedules(
        version(talk("x", "2025-12-27 22:00")), version(talk("x", "2025-12-27 23:30"))
    )
    assert only(diff)[2] == ("time", "day")


def test_moved_room_retitled_and_speakers_changed_combine() -> None:
    """One session with a new room, title and speaker lists all three changes."""
    before = talk("x")
    after = replace(before, room_id="b", title="Better title", speaker_ids=("ana", "bo"))
    diff = diff_schedules(version(before), version(after))
    assert only(diff) == (
        "x",
        (Change.MOVED, Change.RETITLED, Change.SPEAKERS),
        ("room",),
    )


def test_speaker_order_is_not_a_change() -> None:
    """Listing the same speakers in another order changes nothing."""
    before = talk("x", speaker_ids=("ana", "bo"))
    assert not diff_schedules(version(before), version(replace(before, speaker_ids=("bo", "ana"))))


def test_cancelled_in_place() -> None:
    """A session still listed but marked cancelled is cancelled, not removed."""
    before = talk("x")
    diff = diff_schedules(version(before), version(replace(before, cancelled=True)))
    assert only(diff) == ("x", (Change.CANCELLED,), ())


def test_cancellation_then_a_version_still_lacking_it() -> None:
    """Removed once; the next version still lacks it: nothing new, and it stays cancelled."""
    first = version(talk("x"), talk("y", "2025-12-27 13:00"))
    second = version(talk("y", "2025-12-27 13:00"))
    assert only(diff_schedules(first, second))[1] == (Change.REMOVED,)
    stored = carry_cancelled(first, second)
    assert [s.id for s in stored.sessions if s.cancelled] == ["x"]
    third = version(talk("y", "2025-12-27 13:00"))
    assert not diff_schedules(stored, third)
    assert [s.id for s in carry_cancelled(stored, third).sessions if s.cancelled] == ["x"]


def test_cancelled_session_that_comes_back_is_restored() -> None:
    """A session cancelled in a stored version and listed again is restored, not added."""
    stored = carry_cancelled(version(talk("x")), version(talk("y", "2025-12-27 13:00")))
    back = version(talk("x", "2025-12-27 15:00"), talk("y", "2025-12-27 13:00"))
    assert only(diff_schedules(stored, back)) == ("x", (Change.RESTORED,), ())


def test_carried_sessions_keep_their_speakers_and_rooms() -> None:
    """A tombstone keeps the speaker and room it named even when the new file lacks them."""
    before = Schedule(
        conference=BERLIN,
        sessions=(talk("x", room_id="b", speaker_ids=("bo",)),),
        speakers=SPEAKERS,
        rooms=ROOMS,
    )
    after = Schedule(
        conference=BERLIN, sessions=(talk("y"),), speakers=SPEAKERS[:1], rooms=ROOMS[:1]
    )
    stored = carry_cancelled(before, after)
    assert {s.id for s in stored.speakers} == {"ana", "bo"}
    assert {r.id for r in stored.rooms} == {"a", "b"}


def frab_version(event_id: int, start: str) -> Schedule:
    """Return a schedule.json with one event: numeric ``event_id``, the same guid."""
    content = json.dumps(
        {
            "schedule": {
                "version": "2",
                "conference": {
                    "title": "Wafer Conf",
                    "time_zone_name": "Asia/Kolkata",
                    "days": [
                        {
                            "index": 1,
                            "date": "2023-09-10",
                            "rooms": {
                                "Anamudi": [
                                    {
                                        "id": event_id,
                                        "guid": "455d075f-48c0-2ec2-24b3-f5add30c383a",
                                        "date": start,
                                        "start": start[11:16],
                                        "duration": "00:20",
                                        "room": "Anamudi",
                                        "title": "Opening Ceremony",
                                        "persons": [],
                                    }
                                ]
                            },
                        }
                    ],
                },
            }
        }
    ).encode()
    return import_bytes(content, source="wafer.json").schedule


def test_guid_kept_while_numeric_id_changed() -> None:
    """Wafer renumbers a rescheduled event (PR 614); the guid is the same, so it moved."""
    before = frab_version(35, "2023-09-10T10:30:00+05:30")
    after = frab_version(351, "2023-09-10T11:00:00+05:30")
    assert only(diff_schedules(before, after)) == (
        "455d075f-48c0-2ec2-24b3-f5add30c383a",
        (Change.MOVED,),
        ("time",),
    )
