"""Nothing an export holds is lost silently, and every format reads text the same way.

Issue 17's import classes: events sharing an iCalendar UID (with and without
RECURRENCE-ID), zero-length events, one encoding policy for every format, ZIP and
HTML files named as such, confbot's own TOML told by its content.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.programme.refresh import SourceError, parse_source
from bot.schedule.formats import ImportResult, import_bytes, import_schedule

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "schedules"
SHARED_UIDS = FIXTURES / "ical-kielux-2020.shared-uids.ics"
OVERRIDES = FIXTURES / "ical-recurrence-overrides.SYNTHETIC.ics"


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def read(content: bytes, name: str = "upload", **kwargs: object) -> ImportResult:
    return import_bytes(content, source=name, **kwargs)  # type: ignore[arg-type]


def refusal(content: bytes, name: str = "upload", **kwargs: object) -> str:
    with pytest.raises(ConfigError) as caught:
        read(content, name, **kwargs)
    (problem,) = caught.value.problems
    return problem


# --- events sharing a UID -------------------------------------------------------------


def test_events_sharing_a_uid_are_all_kept_under_stable_ids() -> None:
    """Kielux's first 8 talks, exported with one UID per room (3 UIDs), give 8 sessions.

    Before, the calendar library kept one event per UID: 3 of 8, exit 0, no problem.
    """
    first = import_schedule(SHARED_UIDS)
    assert first.problems == ()
    titles = sorted(s.title for s in first.schedule.sessions)
    assert len(titles) == 8
    assert "Xen - ist das nicht tot?" in titles
    ids = [s.id for s in first.schedule.sessions]
    assert len(set(ids)) == 8
    # The same file again gives the same ids (reminders and diffs key on them).
    assert ids == [s.id for s in import_schedule(SHARED_UIDS).schedule.sessions]
    (note,) = [n for n in first.notes if "events share" in n]
    assert '"Ravensberg@KOLT20" (4)' in note
    assert "7 events share 2 UIDs" in note


def test_shared_uid_ids_do_not_depend_on_the_order_of_the_events() -> None:
    """Listing the same events in another order gives each the same id."""
    content = OVERRIDES.read_bytes()
    head, *events = content.split(b"BEGIN:VEVENT")
    events[-1] = events[-1].replace(b"END:VCALENDAR\r\n", b"")
    backwards = b"".join(b"BEGIN:VEVENT" + e for e in reversed(events))
    reordered = head + backwards + b"END:VCALENDAR\r\n"
    by_title = {(s.title, s.start): s.id for s in read(content).schedule.sessions}
    again = {(s.title, s.start): s.id for s in read(reordered).schedule.sessions}
    assert by_title == again


def test_recurrence_id_overrides_replace_their_instance() -> None:
    """RFC 5545 3.8.4.4: an override with RECURRENCE-ID replaces that instance of its master.

    The daily lightning talks (3 instances): the second moved to 18:00 in Hall B, the
    third cancelled; ids keep the original start, so a re-import matches them up.
    """
    result = read(OVERRIDES.read_bytes())
    assert result.problems == ()
    lightning = [s for s in result.schedule.sessions if s.id.startswith("lightning")]
    assert [(s.title, s.start, s.cancelled) for s in lightning] == [
        ("Lightning talks", utc("2025-07-02 15:00"), False),
        ("Lightning talks (moved after the keynote)", utc("2025-07-03 16:00"), False),
        ("Lightning talks", utc("2025-07-04 15:00"), True),
    ]
    assert "20250703T1500Z" in lightning[1].id  # its original start, not its new one
    # An override whose master is not in the file is the event it describes.
    (workshop,) = [s for s in result.schedule.sessions if s.id.startswith("workshop")]
    assert (workshop.title, workshop.start) == (
        "Packaging workshop (second run)",
        utc("2025-07-03 09:00"),
    )


def test_distinct_events_with_one_uid_and_start_are_told_apart_by_room() -> None:
    """Two community slots share a UID and a start, in two rooms: both kept."""
    sessions = read(OVERRIDES.read_bytes()).schedule.sessions
    slots = sorted((s.title, s.id) for s in sessions if s.id.startswith("slot"))
    assert [title for title, _ in slots] == [
        "Community room: Python user groups",
        "Community room: Rust user groups",
    ]
    assert "room-3" in slots[0][1]
    assert "room-4" in slots[1][1]


def test_an_exact_repeat_is_kept_once_with_a_note() -> None:
    """The keynote listed twice, identically, is one session, and the note says so."""
    result = read(OVERRIDES.read_bytes())
    keynotes = [s for s in result.schedule.sessions if s.title == "Opening keynote"]
    assert len(keynotes) == 1
    assert any('"Opening keynote" is listed twice; kept once' in n for n in result.notes)


# --- zero-length events ---------------------------------------------------------------


def frab(duration: str) -> bytes:
    events = [
        {"guid": guid, "date": f"2030-06-05T{hour}:00:00+02:00", "start": f"{hour}:00",
         "duration": length, "room": "Saal", "title": title, "persons": []}
        for guid, hour, length, title in (
            ("g1", "09", duration, "Doors open"), ("g2", "10", "0:45", "Keynote"),
        )
    ]  # fmt: skip
    day = {"index": 1, "date": "2030-06-05", "rooms": {"Saal": events}}
    table = {"title": "X", "time_zone_name": "Europe/Berlin", "days": [day]}
    return json.dumps({"schedule": {"version": "1", "conference": table}}).encode()


@pytest.mark.parametrize(
    ("content", "name"),
    [
        pytest.param(frab("00:00"), "schedule.json", id="frab-json-00:00"),
        pytest.param(
            b"title,start,end,room\nDoors open,2030-06-05 09:00,2030-06-05 09:00,Saal\n"
            b"Keynote,2030-06-05 10:00,2030-06-05 10:45,Saal\n",
            "schedule.csv",
            id="csv-end-equals-start",
        ),
        pytest.param(
            b"title,start,duration,room\nDoors open,2030-06-05 09:00,0,Saal\n"
            b"Keynote,2030-06-05 10:00,45,Saal\n",
            "schedule.csv",
            id="csv-duration-0",
        ),
    ],
)
def test_a_zero_length_event_is_kept_with_a_note(content: bytes, name: str) -> None:
    """A 0:00 marker is kept (as a moment) and noted, so it cannot refuse the whole file."""
    result = read(content, name, zone="Europe/Berlin")
    assert result.problems == ()
    (doors,) = [s for s in result.schedule.sessions if s.title == "Doors open"]
    assert doors.start == doors.end == utc("2030-06-05 07:00")
    assert any('"Doors open" lasts no time' in note for note in result.notes)


# --- one encoding policy --------------------------------------------------------------

# One real file per format (a CSV written here: no real CSV export is in the corpus).
CSV = "title,start,end,room,speakers\nSøren's keynote,2030-06-05 10:00,2030-06-05 11:00,Saal,Zoë\n"
EVERY_FORMAT = [
    pytest.param("frab-cccamp-2019.excerpt.schedule.json", id="schedule-json"),
    pytest.param("frab-31c3-2014.schedule.xml", id="schedule-xml"),
    pytest.param("sessionize-scottish-summit-2026.all.json", id="sessionize"),
    pytest.param("europython-2024.programapi-schedule-day.2024-07-08.json", id="europython"),
    pytest.param("ical-kielux-2020.utc.ics", id="ical"),
    pytest.param("seed-conference.toml", id="native-toml"),
    pytest.param("schedule.csv", id="csv"),
]


def fixture_text(name: str) -> str:
    return CSV if name == "schedule.csv" else (FIXTURES / name).read_text(encoding="utf-8")


def accented(name: str) -> str:
    """Return the fixture's text with at least one letter beyond ASCII (EuroPython's JSON
    escapes every one, the seed has none): a title or a comment gains an "é"."""
    text = fixture_text(name)
    if not text.isascii():
        return text
    if name.endswith(".toml"):
        return text + "\n# Programme révisé\n"
    return text.replace('"title": "', '"title": "Café: ', 1)


@pytest.mark.parametrize("name", EVERY_FORMAT)
def test_latin_1_is_named_and_refused_in_every_format(name: str) -> None:
    """The same file saved as Latin-1/Windows-1252 is refused, named so, in every format.

    Before, an .ics was read with replacement characters while JSON and XML refused.
    """
    latin = accented(name).encode("cp1252", "replace")
    problem = refusal(latin, name, zone="Europe/Berlin")
    assert problem.startswith(f"{name}: the schedule export is Latin-1/Windows-1252 text")
    assert problem.endswith("save it as UTF-8")


@pytest.mark.parametrize("name", EVERY_FORMAT)
def test_utf_16_is_named_and_refused_in_every_format(name: str) -> None:
    """A file saved as UTF-16 (Windows "Unicode") is named as such in every format."""
    problem = refusal(fixture_text(name).encode("utf-16"), name, zone="Europe/Berlin")
    assert problem == f"{name}: the schedule export is UTF-16 text, not UTF-8; save it as UTF-8"


@pytest.mark.parametrize("name", EVERY_FORMAT)
def test_a_byte_order_mark_is_accepted_in_every_format(name: str) -> None:
    """UTF-8 with a BOM reads exactly as UTF-8 without one."""
    text = fixture_text(name)
    plain = read(text.encode(), name, zone="Europe/Berlin")
    marked = read(b"\xef\xbb\xbf" + text.encode(), name, zone="Europe/Berlin")
    assert marked.schedule == plain.schedule
    assert marked.format == plain.format


def test_a_latin_1_calendar_fixture_is_refused_naming_its_encoding() -> None:
    """Kielux's first talks saved as Windows-1252 ("möchten" is byte 0xf6)."""
    with pytest.raises(ConfigError) as caught:
        import_schedule(FIXTURES / "ical-kielux-2020.latin-1.excerpt.ics")
    assert caught.value.problems == [
        "ical-kielux-2020.latin-1.excerpt.ics: the schedule export is Latin-1/Windows-1252 "
        'text, not UTF-8 (byte 0xf6 on line 18 is "ö" there); save it as UTF-8'
    ]


def test_the_refresh_and_the_upload_follow_the_same_policy() -> None:
    """The bot's own reads (refresh, upload) refuse the same file with the same sentence."""
    content = (FIXTURES / "ical-kielux-2020.latin-1.excerpt.ics").read_bytes()
    with pytest.raises(SourceError) as caught:
        parse_source(content, name="kielux.ics")
    assert "is Latin-1/Windows-1252 text, not UTF-8" in caught.value.reason


# --- files that are no schedule at all ------------------------------------------------


def test_a_zip_archive_is_named() -> None:
    """A zipped export (as some tools download it) says what it is and what to do."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.write(FIXTURES / "ical-kielux-2020.utc.ics", "kielux.ics")
    assert refusal(buffer.getvalue(), "kielux.zip") == (
        "kielux.zip: this is a ZIP archive, not a schedule export: unzip it and give the "
        "file inside"
    )


def test_an_html_page_is_named() -> None:
    """The schedule's web page, given instead of its export, is named as an HTML page."""
    name = "pretalx-schedule-page.SYNTHETIC.html"
    problem = refusal((FIXTURES / name).read_bytes(), name)
    assert problem.startswith(f"{name}: this is an HTML page, not a schedule export")
    # Even when told it is XML: no page is a schedule.
    assert "HTML page" in refusal((FIXTURES / name).read_bytes(), name, format="schedule-xml")


# --- confbot's own TOML ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["programme.txt", "upload", "schedule"])
def test_native_toml_is_told_by_its_content(name: str) -> None:
    """The seed schedule read under a name without ".toml" (a download, an upload)."""
    result = read((FIXTURES / "seed-conference.toml").read_bytes(), name)
    assert result.format == "native"
    assert len(result.schedule.sessions) == 1
