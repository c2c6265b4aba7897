"""The traps importers in the wild fall into, each with a small hand-made export."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.errors import ConfigError
from bot.schedule.formats import (
    ChoiceNeededError,
    ImportResult,
    detect_format,
    explained,
    import_bytes,
)
from bot.schedule.formats.builder import stable_id
from bot.schedule.formats.durations import parse_duration
from bot.schedule.formats.markup import discord_markdown
from bot.schedule.validation import ID_PATTERN


def utc(text: str) -> datetime:
    """Return the UTC instant written as "2025-12-27 09:30"."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def event(**fields: Any) -> dict[str, Any]:
    """Return a frab event with defaults for what the test does not care about."""
    base: dict[str, Any] = {
        "id": 1,
        "guid": "00000000-0000-0000-0000-000000000001",
        "start": "12:00",
        "duration": "00:30",
        "room": "Saal 1",
        "title": "A talk",
        "track": None,
        "type": "lecture",
        "persons": [],
    }
    base.update(fields)
    return {key: value for key, value in base.items() if value is not ...}


def frab_json(
    events: list[dict[str, Any]],
    *,
    zone: str | None = "Europe/Berlin",
    day: str = "2025-12-27",
    day_end: str | None = None,
    day_start: str | None = None,
    version: str = "1.0",
) -> bytes:
    """Return a one-day, one-room schedule.json holding ``events``."""
    conference: dict[str, Any] = {"title": "Trap Conf", "days": []}
    if zone is not None:
        conference["time_zone_name"] = zone
    the_day: dict[str, Any] = {"index": 1, "date": day, "rooms": {"Saal 1": events}}
    if day_end:
        the_day["day_end"] = day_end
    if day_start:
        the_day["day_start"] = day_start
    conference["days"].append(the_day)
    return json.dumps({"schedule": {"version": version, "conference": conference}}).encode()


def read(content: bytes, **kwargs: Any) -> ImportResult:
    """Import ``content`` as a file called "trap"."""
    return import_bytes(content, source="trap", **kwargs)


# --- ids ----------------------------------------------------------------------------


def test_repeated_numeric_id_keys_on_guid() -> None:
    """Two events sharing `id` 7 but with different guids are two sessions (giggity 252)."""
    content = frab_json(
        [
            event(id=7, guid="aaaaaaaa-0000-0000-0000-000000000001", date="2025-12-27T12:00+01:00"),
            event(id=7, guid="aaaaaaaa-0000-0000-0000-000000000002", date="2025-12-27T13:00+01:00"),
        ]
    )
    result = read(content)
    assert [s.id for s in result.schedule.sessions] == [
        "aaaaaaaa-0000-0000-0000-000000000001",
        "aaaaaaaa-0000-0000-0000-000000000002",
    ]
    assert not result.problems


def test_repeated_guid_is_a_named_problem() -> None:
    """The same guid twice keeps the first and names the second with its day, room and id."""
    content = frab_json([event(id=1), event(id=2, start="13:00")], zone="Europe/Berlin")
    (problem,) = read(content).problems
    assert problem.startswith('trap: day 2025-12-27, room "Saal 1", event 2: ')
    assert "already used" in problem


def test_odd_guids_become_valid_stable_ids() -> None:
    """A 31C3 base64 guid starting with "-" or a UID with "@" gives a valid, repeatable id."""
    for raw in ("-Xb3nKq_9aZc4h2kLm0pQr", "94@lca2020.linux.org.au"):
        made = stable_id(raw)
        assert ID_PATTERN.fullmatch(made)
        assert made == stable_id(raw)
    assert stable_id("-abc") != stable_id("_abc")


# --- zones --------------------------------------------------------------------------


def test_no_zone_and_no_offset_is_refused_as_a_choice_of_zone() -> None:
    """A legacy file without time_zone_name or dates is refused; each front end says how
    to name the zone (--tz on the command line, an option in Discord)."""
    with pytest.raises(ChoiceNeededError) as caught:
        read(frab_json([event(guid=...)], zone=None, version="0.8"))
    assert caught.value.choice == "zone"
    assert explained(caught.value, {"zone": "pass --tz"})[-1].endswith(
        "no whole-hour UTC offset: pass --tz"
    )


def test_no_zone_takes_the_given_zone() -> None:
    """The same file with --tz Europe/Berlin reads 12:00 as CET (11:00 UTC)."""
    result = read(frab_json([event()], zone=None), zone="Europe/Berlin")
    assert result.schedule.conference.zone == "Europe/Berlin"
    assert result.schedule.sessions[0].start == utc("2025-12-27 11:00")


def test_declared_city_is_resolved_and_noted() -> None:
    """time_zone_name "Berlin" (frab 721) is read as Europe/Berlin, and the note says so."""
    result = read(frab_json([event()], zone="Berlin"))
    assert result.schedule.conference.zone == "Europe/Berlin"
    assert result.notes == (
        'trap: time_zone_name "Berlin" is not an IANA name; read as Europe/Berlin',
    )


def test_unknown_declared_zone_is_refused() -> None:
    """time_zone_name "Mars/Olympus" is refused with its name, even when --tz is given."""
    with pytest.raises(ConfigError) as caught:
        read(frab_json([event()], zone="Mars/Olympus"), zone="Europe/Berlin")
    (problem,) = caught.value.problems
    assert problem.startswith('trap: time_zone_name "Mars/Olympus" is not a time zone')


# --- days and times -----------------------------------------------------------------


def test_past_midnight_without_date_lands_on_the_next_day() -> None:
    """Listed under the 27th after 23:00, "00:30" is 00:30 on the 28th (pretalx 1089)."""
    content = frab_json(
        [
            event(guid="g-1", start="23:00", duration="01:00"),
            event(guid="g-2", start="00:30", duration="00:45"),
        ],
        zone="Europe/Berlin",
    )
    starts = [s.start for s in read(content).schedule.sessions]
    assert starts == [utc("2025-12-27 22:00"), utc("2025-12-27 23:30")]


def test_early_event_before_the_declared_night_end_is_next_day() -> None:
    """A room whose only event is "03:00" under a day ending 06:00 next morning is on the 28th."""
    content = frab_json(
        [event(guid="g-1", start="03:00")],
        day_end="2025-12-28T06:00:00+01:00",
    )
    assert read(content).schedule.sessions[0].start == utc("2025-12-28 02:00")


def test_day_start_does_not_hide_earlier_sessions() -> None:
    """A 10:00 workshop on a day said to start at 11:00 is kept on that day (voc/schedule 61)."""
    content = frab_json(
        [
            event(guid="g-1", start="10:00"),
            event(guid="g-2", start="12:00", date="2025-12-27T09:00:00+01:00"),
        ],
        day_start="2025-12-27T11:00:00+01:00",
        day_end="2025-12-28T06:00:00+01:00",
    )
    starts = sorted(s.start for s in read(content).schedule.sessions)
    assert starts == [utc("2025-12-27 08:00"), utc("2025-12-27 09:00")]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("0:45", timedelta(minutes=45)),
        ("00:30", timedelta(minutes=30)),
        ("26:30", timedelta(hours=26, minutes=30)),
        ("100:00", timedelta(hours=100)),
        ("00:05:00", timedelta(minutes=5)),
        ("PT1H30M", timedelta(minutes=90)),
        ("P1DT2H", timedelta(hours=26)),
        ("PT45M", timedelta(minutes=45)),
        (45, timedelta(minutes=45)),
        ("45", timedelta(minutes=45)),
        ("0:00", timedelta(0)),  # a marker ("Doors open"): kept as a moment
        ("P", None),
        ("an hour", None),
        (None, None),
    ],
)
def test_durations(written: object, expected: timedelta | None) -> None:
    """Durations in every form the exports use, including hours past 23 and ISO 8601."""
    assert parse_duration(written) == expected


def test_hackathon_longer_than_a_day_keeps_its_length() -> None:
    """A "26:00" event ends 26 hours after it starts, not 2 hours."""
    session = read(frab_json([event(duration="26:00")])).schedule.sessions[0]
    assert session.duration == timedelta(hours=26)


def test_bad_duration_is_named_with_its_event() -> None:
    """ "half an hour" is left out, and the problem names the event and the value."""
    content = frab_json([event(duration="half an hour"), event(guid="g-2", id=2)])
    (problem,) = read(content).problems
    assert "event 1" in problem
    assert "'half an hour'" in problem


# --- Sessionize ---------------------------------------------------------------------


def sessionize(starts_at: str, ends_at: str) -> bytes:
    """Return a Sessionize "All" export with one session."""
    return json.dumps(
        {
            "sessions": [
                {
                    "id": "101",
                    "title": "Keynote",
                    "description": "<b>Big</b> ideas",
                    "startsAt": starts_at,
                    "endsAt": ends_at,
                    "isServiceSession": False,
                    "isPlenumSession": True,
                    "speakers": ["s-1"],
                    "categoryItems": [],
                    "roomId": 5,
                    "status": "Accepted",
                }
            ],
            "speakers": [{"id": "s-1", "fullName": "Zoë Çelik", "sessions": [101]}],
            "rooms": [{"id": 5, "name": "Main hall"}],
            "categories": [],
            "questions": [],
        }
    ).encode()


def test_sessionize_naive_time_takes_the_conference_zone() -> None:
    """Naive startsAt 09:00 is 09:00 in the zone given: 13:00 UTC in New York in June."""
    result = read(sessionize("2026-06-12T09:00:00", "2026-06-12T10:00:00"), zone="America/New_York")
    (session,) = result.schedule.sessions
    assert session.start == utc("2026-06-12 13:00")
    assert session.kind == "plenum"
    assert result.format == "sessionize"


def test_sessionize_without_zone_is_refused() -> None:
    """Without --tz or a config zone a Sessionize file is refused, asking for the zone."""
    with pytest.raises(ChoiceNeededError) as caught:
        read(sessionize("2026-06-12T09:00:00", "2026-06-12T10:00:00"))
    assert caught.value.choice == "zone"


def test_sessionize_time_in_a_dst_gap_is_named() -> None:
    """02:30 on the night New York skips it is a problem naming the session, not a guess."""
    with pytest.raises(ConfigError) as caught:
        read(sessionize("2026-03-08T02:30:00", "2026-03-08T03:30:00"), zone="America/New_York")
    assert any("session 101" in p and "does not exist" in p for p in caught.value.problems)


# --- iCalendar ----------------------------------------------------------------------

ICS = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//trap//EN
X-WR-CALNAME:Trap Calendar
BEGIN:VEVENT
UID:zoned@trap
SUMMARY:Zoned
DTSTART;TZID=Europe/Paris:20260320T100000
DTEND;TZID=Europe/Paris:20260320T110000
LOCATION:Amphi A
END:VEVENT
BEGIN:VEVENT
UID:floating@trap
SUMMARY:Floating
DTSTART:20260320T140000
DTEND:20260320T143000
END:VEVENT
BEGIN:VEVENT
UID:utc@trap
SUMMARY:In UTC
DTSTART:20260320T160000Z
DTEND:20260320T170000Z
END:VEVENT
BEGIN:VEVENT
UID:cancelled@trap
SUMMARY:Called off
STATUS:CANCELLED
DTSTART:20260320T180000Z
DTEND:20260320T190000Z
END:VEVENT
BEGIN:VEVENT
UID:weekly@trap
SUMMARY:Standup
DTSTART;TZID=Europe/Paris:20260319T090000
DTEND;TZID=Europe/Paris:20260319T091500
RRULE:FREQ=WEEKLY;COUNT=3
END:VEVENT
BEGIN:VEVENT
UID:allday@trap
SUMMARY:Conference day
DTSTART;VALUE=DATE:20260320
END:VEVENT
END:VCALENDAR
""".replace("\n", "\r\n").encode()


def test_ical_tzid_floating_and_utc_times() -> None:
    """TZID is read in its zone, a floating time in the given zone, Z as UTC."""
    sessions = {s.title: s for s in read(ICS, zone="America/New_York").schedule.sessions}
    assert sessions["Zoned"].start == utc("2026-03-20 09:00")  # Paris is UTC+1 until 29 March
    assert sessions["Floating"].start == utc("2026-03-20 18:00")  # New York EDT, UTC-4
    assert sessions["In UTC"].start == utc("2026-03-20 16:00")


def test_ical_cancelled_event_is_kept_as_cancelled() -> None:
    """STATUS:CANCELLED gives a cancelled session, left out of the active ones."""
    result = read(ICS, zone="UTC")
    (cancelled,) = [s for s in result.schedule.sessions if s.cancelled]
    assert cancelled.title == "Called off"
    assert cancelled not in result.active_sessions


def test_ical_rrule_is_expanded_with_stable_ids() -> None:
    """A weekly RRULE with COUNT=3 gives three sessions, each id the UID plus its start."""
    first = [s for s in read(ICS, zone="UTC").schedule.sessions if s.title == "Standup"]
    again = [s for s in read(ICS, zone="UTC").schedule.sessions if s.title == "Standup"]
    assert [s.start for s in first] == [
        utc("2026-03-19 08:00"),
        utc("2026-03-26 08:00"),
        utc("2026-04-02 07:00"),  # Paris is on summer time (UTC+2) from 29 March
    ]
    assert len({s.id for s in first}) == 3
    assert [s.id for s in first] == [s.id for s in again]


def test_ical_endless_rrule_stops_with_a_note() -> None:
    """A daily RRULE without end gives at most MAX_OCCURRENCES sessions, and a note."""
    from bot.schedule.formats.ical import MAX_OCCURRENCES

    endless = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:daily@trap\r\n"
        b"SUMMARY:Daily\r\nDTSTART:20260101T100000Z\r\nDTEND:20260101T101500Z\r\n"
        b"RRULE:FREQ=DAILY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    result = read(endless, zone="UTC")
    assert len(result.schedule.sessions) == MAX_OCCURRENCES
    assert any("endless RRULE" in note for note in result.notes)


def test_ical_all_day_event_is_noted_not_imported() -> None:
    """An all-day VEVENT is not a session; a note says it was left out."""
    result = read(ICS, zone="UTC")
    assert "Conference day" not in {s.title for s in result.schedule.sessions}
    assert any("all-day" in note for note in result.notes)


# --- CSV ----------------------------------------------------------------------------


def test_csv_columns_are_found_by_name_and_synonym() -> None:
    """A ;-separated sheet with "Session Title", "Start Time", "Length", "Location" is read."""
    content = (
        "Session Title;Start Time;Length;Location;Speaker;Description;ID\n"
        "Opening;2026-05-04 09:00;0:30;Hall A;Ana Peña, Bo Li;<p>Hello</p>;op-1\n"
    ).encode()
    result = read(content, zone="Europe/Madrid")
    (session,) = result.schedule.sessions
    assert result.format == "csv"
    assert session.id == "op-1"
    assert session.start == utc("2026-05-04 07:00")
    assert session.duration == timedelta(minutes=30)
    assert [s.name for s in result.schedule.speakers] == ["Ana Peña", "Bo Li"]
    assert session.abstract == "Hello"


def test_csv_missing_columns_are_all_named() -> None:
    """A header without start and end/duration is refused, naming both."""
    with pytest.raises(ConfigError) as caught:
        read(b"title,room\nOpening,Hall A\n", zone="UTC", format="csv")
    (problem,) = caught.value.problems
    assert "no column for: start" in problem
    assert "end or duration" in problem
    assert "(title, room)" in problem


def test_csv_end_past_midnight_with_date_column() -> None:
    """date 2026-05-04, start 23:30, end 00:30 is an hour long, ending on the 5th."""
    content = (
        b"title,date,start,end,status\n"
        b"Late show,2026-05-04,23:30,00:30,\n"
        b"Gone,2026-05-04,10:00,11:00,Cancelled\n"
    )
    sessions = {s.title: s for s in read(content, zone="UTC").schedule.sessions}
    assert sessions["Late show"].end == utc("2026-05-05 00:30")
    assert sessions["Gone"].cancelled


# --- text ---------------------------------------------------------------------------


def test_html_is_sanitised_into_discord_markdown() -> None:
    """Scripts and hidden markup vanish, bold stays bold, relative links keep only words."""
    text = discord_markdown(
        '<p>Hi <b>all</b> <a href="/talk/1">here</a> and <a href="https://x.org/a b">there</a>'
        "<script>alert(1)</script><template>hidden markup</template></p><ul><li>x</li></ul>"
    )
    assert text == "Hi **all** here and [there](https://x.org/a%20b)\n\n- x"


def test_html_lists_become_markdown_lists() -> None:
    """A bulleted list in an abstract is a markdown list, one item a line."""
    assert discord_markdown("<p>Bring:</p><ul><li>a laptop</li><li>snacks</li></ul>") == (
        "Bring:\n\n- a laptop\n- snacks"
    )


@pytest.mark.parametrize(
    "html",
    [
        "<p>One <b>bold</b> and <i>slanted</i> word.</p><p>Second paragraph.</p>",
        '<p>See <a href="https://example.org/x">the site</a>, a_b and 2*3.</p>',
        "<p>Line one<br>line two &amp; more</p>",
        "<p><strong> padded </strong>text</p>",
    ],
)
def test_quick_inline_path_matches_markdownify(html: str) -> None:
    """The single-pass converter for simple HTML gives what markdownify gives."""
    from bot.schedule.formats.markup import _converter, _inline_markdown, tidy

    assert _inline_markdown(html) == tidy(_converter().convert(html))


def test_long_abstract_is_cut_within_discord_limits() -> None:
    """A 10,000-character abstract is cut to 4,000 characters, ending in an ellipsis."""
    text = discord_markdown("word " * 2000, limit=4000)
    assert text is not None
    assert len(text) <= 4000
    assert text.endswith("…")


# --- detection ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (frab_json([event()]), "schedule-json"),
        (b'<?xml version="1.0"?><schedule></schedule>', "schedule-xml"),
        (ICS, "ical"),
        (sessionize("2026-06-12T09:00:00", "2026-06-12T10:00:00"), "sessionize"),
        (b'{"events": [], "rooms": []}', "europython"),
        (b'{"conference": {"name": "x", "zone": "UTC"}}', "native"),
        (b"title,start,end\n", "csv"),
    ],
)
def test_format_is_detected_from_content(content: bytes, expected: str) -> None:
    """Each format is recognised by what the file holds, whatever it is called."""
    assert detect_format(content, name="download") == expected


def test_format_override_is_obeyed() -> None:
    """--format sessionize on a frab file fails saying it is not a Sessionize export."""
    with pytest.raises(ConfigError) as caught:
        read(frab_json([event()]), format="sessionize")
    assert caught.value.problems == ["trap: not a Sessionize export (no sessions with startsAt)"]


def test_unrecognisable_content_names_the_formats() -> None:
    """A file that is none of them says so and lists the formats (the choice to make)."""
    with pytest.raises(ChoiceNeededError) as caught:
        read(b"hello world")
    assert caught.value.choice == "format"
    assert "sessionize" in caught.value.problems[0]


# --- EuroPython programapi sessions + speakers --------------------------------------


def test_europython_sessions_read_their_speakers_file(tmp_path: Path) -> None:
    """sessions.json takes names from the speakers.json beside it; a missing one is named."""
    from bot.schedule.formats import import_schedule

    (tmp_path / "ep.sessions.json").write_text(
        json.dumps(
            {
                "AB12CD": {
                    "code": "AB12CD",
                    "title": "Typing the untyped",
                    "speakers": ["SP1", "GONE"],
                    "session_type": "Talk",
                    "track": "Python",
                    "abstract": "<p>Types <em>everywhere</em>.</p>",
                    "room": "Forum Hall",
                    "start": "2024-07-10T11:00:00+02:00",
                    "end": "2024-07-10T11:30:00+02:00",
                }
            }
        ),
        encoding="utf-8",
    )
    (tmp_path / "ep.speakers.json").write_text(
        json.dumps({"SP1": {"code": "SP1", "name": "Дарья Иванова", "submissions": ["AB12CD"]}}),
        encoding="utf-8",
    )
    result = import_schedule(tmp_path / "ep.sessions.json", zone="Europe/Prague")
    (session,) = result.schedule.sessions
    assert session.start == utc("2024-07-10 09:00")
    assert session.abstract == "Types *everywhere*."
    assert [s.name for s in result.schedule.speakers] == ["Дарья Иванова"]
    (problem,) = result.problems
    assert "session AB12CD" in problem
    assert "GONE" in problem


# --- XML safety ---------------------------------------------------------------------


def test_xml_entities_are_refused() -> None:
    """An XML file declaring entities (a "billion laughs") is refused, not expanded."""
    content = (
        b'<?xml version="1.0"?><!DOCTYPE schedule [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><schedule><conference>'
        b"<title>&b;</title></conference></schedule>"
    )
    with pytest.raises(ConfigError) as caught:
        read(content)
    assert caught.value.problems == ["trap: the XML declares entities; refused"]


def test_malformed_xml_names_the_line() -> None:
    """Broken XML is refused with the line and column of the break."""
    with pytest.raises(ConfigError) as caught:
        read(b"<schedule>\n<day date='2025-12-27'>\n</schedule>")
    assert caught.value.problems[0].startswith("trap: not well-formed XML (at line 3")


def test_csv_from_excel_with_a_byte_order_mark() -> None:
    """A CSV saved by Excel (UTF-8 with BOM) reads its first column's name correctly."""
    content = "\ufefftitle,start,duration\nÜbersicht,2026-05-04 09:00,45\n".encode()
    (session,) = read(content, zone="Europe/Berlin").schedule.sessions
    assert session.title == "Übersicht"
    assert session.start == utc("2026-05-04 07:00")
