"""Every real export in tests/fixtures/schedules imports with the right counts and times.

Counts come from the corpus's SOURCES.md (counted there independently of this code).
Each start instant and duration below was read by hand from the raw file (the line is
quoted in the comment) and converted to UTC by hand; none was copied from our output.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

import pytest

from bot.schedule.formats import ImportResult, import_schedule
from bot.schedule.model import Session

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "schedules"

# File -> the zone a user would pass with --tz when the file names none.
ZONES = {
    "frab-30c3-2013.legacy-v0.8.schedule.json": "Europe/Berlin",
    "pentabarf-fosdem-2023.schedule.xml": "Europe/Brussels",
    "sessionize-qa-or-the-highway-2026.all.json": "America/New_York",
    "sessionize-scottish-summit-2026.all.json": "Europe/London",
}


@cache
def imported(name: str) -> ImportResult:
    """Return the import of fixture ``name`` (parsed once per test run)."""
    return import_schedule(FIXTURES / name, zone=ZONES.get(name))


def session(name: str, session_id: str) -> Session:
    """Return the session ``session_id`` of fixture ``name``."""
    found = [s for s in imported(name).schedule.sessions if s.id == session_id]
    assert len(found) == 1, f"{session_id} not in {name}"
    return found[0]


def utc(text: str) -> datetime:
    """Return the UTC instant written as "2025-12-27 09:30"."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("name", "format_name", "sessions", "speakers", "rooms", "tracks"),
    [
        # 894 active + the one "CANCELLED!" event = SOURCES.md's 895 in 58 rooms, 709 persons.
        ("c3voc-39c3-2025.everything.schedule.xml", "schedule-xml", 894, 709, 58, 9),
        # Excerpt: days 1 and 4 only (251 + 92 events, hand-counted per day).
        (
            "c3voc-39c3-2025.everything.days-1-and-4.excerpt.schedule.json",
            "schedule-json",
            343,
            None,
            None,
            9,
        ),
        # 9 tracks declared in conference.tracks, 7 of them used.
        ("c3voc-39c3-2025.himmel.schedule.json", "schedule-json", 186, 274, 5, 9),
        ("frab-cccamp-2019.excerpt.schedule.json", "schedule-json", 79, 90, 2, 7),
        ("pretalx-rc3-channels-2020.schedule.json", "schedule-json", 48, 56, 5, 5),
        ("frab-30c3-2013.legacy-v0.8.schedule.json", "schedule-json", 124, 145, 4, 8),
        # 775 + 5 titled "CANCELLED ..." = SOURCES.md's 780.
        ("pentabarf-fosdem-2023.schedule.xml", "schedule-xml", 775, 787, 35, 61),
        ("frab-31c3-2014.schedule.xml", "schedule-xml", 138, 198, 4, 8),
        ("wafer-debconf23-2023.schedule.xml", "schedule-xml", 117, 87, 5, 12),
        ("sessionize-scottish-summit-2026.all.json", "sessionize", 61, 76, 7, 6),
        ("sessionize-qa-or-the-highway-2026.all.json", "sessionize", 46, 43, 9, 0),
        ("ical-linux-conf-au-2020.ics", "ical", 262, 151, 7, 0),
        # 120 VEVENTs, one of which ends when it starts: kept (see the zero-length test).
        ("ical-jres-2022.ics", "ical", 120, 0, 15, 0),
        ("ical-kielux-2020.utc.ics", "ical", 24, 20, 4, 0),
        # 28 + 29 + 52 + 57 + 50 = the 216 entries of SOURCES.md over five day files.
        ("europython-2024.programapi-schedule-day.2024-07-08.json", "europython", 28, 12, 6, 5),
        ("europython-2024.programapi-schedule-day.2024-07-10.json", "europython", 52, 53, 7, 15),
        ("europython-2024.programapi-schedule-day.2024-07-12.json", "europython", 50, 45, 7, 13),
    ],
)
def test_real_file_counts(
    name: str,
    format_name: str,
    sessions: int,
    speakers: int | None,
    rooms: int | None,
    tracks: int,
) -> None:
    """Each real export is detected and gives the sessions, speakers, rooms and tracks it has."""
    result = imported(name)
    assert result.format == format_name
    assert len(result.active_sessions) == sessions
    if speakers is not None:
        assert len(result.schedule.speakers) == speakers
    if rooms is not None:
        assert len(result.schedule.rooms) == rooms
    assert len(result.schedule.tracks) == tracks


@pytest.mark.parametrize(
    ("name", "session_id", "start", "minutes", "title"),
    [
        # "date": "2025-12-27T10:30:00+01:00", "duration": "00:30"
        (
            "c3voc-39c3-2025.himmel.schedule.json",
            "7839bb58-30e3-5f36-ac06-59f292c0974c",
            "2025-12-27 09:30",
            30,
            "Opening Ceremony",
        ),
        # Listed under day 2025-12-27, "date": "2025-12-28T00:20:00+01:00", "duration": "01:00"
        (
            "c3voc-39c3-2025.himmel.schedule.json",
            "da6d2bf7-8bf5-5d9c-812c-fcff815862f0",
            "2025-12-27 23:20",
            60,
            "Unnecessarily Complicated Kitchen – Die Wissenschaft des guten Geschmacks",
        ),
        # <date>2025-12-27T12:00:00+01:00</date> <duration>12:00</duration>
        (
            "c3voc-39c3-2025.everything.schedule.xml",
            "e5cb313a-a637-4f5f-92a6-62b9dc03c2ee",
            "2025-12-27 11:00",
            720,
            "Soldering Competition - Day 1",
        ),
        # "date": "2019-08-21T11:00:00+02:00", "duration": "00:30"
        (
            "frab-cccamp-2019.excerpt.schedule.json",
            "a0a0fcfe-b7fb-46e3-84b6-97a5406016b4",
            "2019-08-21 09:00",
            30,
            "Opening Ceremony",
        ),
        # "date": "2020-12-27T11:30:00+01:00", "duration": "00:40" (no time_zone_name)
        (
            "pretalx-rc3-channels-2020.schedule.json",
            "c3642671-4c1f-5109-81ba-0535c1cc8428",
            "2020-12-27 10:30",
            40,
            "Der faule Admin automatisiert: Gluon auf echter Hardware testen",
        ),
        # day 2013-12-27, "start": "11:00", "duration": "00:30", read in Europe/Berlin (CET)
        ("frab-30c3-2013.legacy-v0.8.schedule.json", "5605", "2013-12-27 10:00", 30, None),
        # day 2013-12-27, Saal 2, after "00:00": "start": "00:30", "duration": "01:00",
        # so 00:30 CET on the 28th.
        ("frab-30c3-2013.legacy-v0.8.schedule.json", "5544", "2013-12-27 23:30", 60, None),
        # <day date="2023-02-04">, <start>09:30</start> <duration>00:25</duration>, Brussels CET
        (
            "pentabarf-fosdem-2023.schedule.xml",
            "15059",
            "2023-02-04 08:30",
            25,
            "Welcome to FOSDEM 2023",
        ),
        # <start>10:00</start> <duration>09:00</duration>: the 540-minute infodesk
        ("pentabarf-fosdem-2023.schedule.xml", "15078", "2023-02-04 09:00", 540, None),
        # Under day 2014-12-27: <date>2014-12-28T00:00:00+01:00</date> <duration>02:15</duration>
        (
            "frab-31c3-2014.schedule.xml",
            "77aea78c-f2d2-461a-92b3-82929a79d598",
            "2014-12-27 23:00",
            135,
            None,
        ),
        # <date>2023-09-10T05:00:00+00:00</date> while <start>10:30</start> is IST
        (
            "wafer-debconf23-2023.schedule.xml",
            "455d075f-48c0-2ec2-24b3-f5add30c383a",
            "2023-09-10 05:00",
            20,
            "Opening Ceremony",
        ),
        # "startsAt": "2026-06-12T07:00:00" (naive), New York EDT = UTC-4; ends 08:00
        (
            "sessionize-qa-or-the-highway-2026.all.json",
            "93adc33b-fa58-4e9b-89cb-8c67a42fd276",
            "2026-06-12 11:00",
            60,
            "Breakfast & Opening Remarks",
        ),
        # "startsAt": "2026-10-02T09:00:00" to 17:00, London BST = UTC+1; the title's
        # leading space is dropped.
        (
            "sessionize-scottish-summit-2026.all.json",
            "1252943",
            "2026-10-02 08:00",
            480,
            "Design and Build a Gamified Onboarding Agent with M365, Copilot and Power "
            "Platform Workshop",
        ),
        # "start": "2024-07-10T09:30:00+02:00", "duration": 45
        (
            "europython-2024.programapi-schedule-day.2024-07-10.json",
            "WQGUTP",
            "2024-07-10 07:30",
            45,
            None,
        ),
        # DTSTART;TZID=Australia/Brisbane:20200115T090000, DTEND ...T091000 (UTC+10, no DST)
        ("ical-linux-conf-au-2020.ics", "94-lca2020.linux.org.au-", "2020-01-14 23:00", 10, None),
        # DTSTART;TZID=Europe/Paris:20220517T110000, DTEND ...T123000 (CEST)
        ("ical-jres-2022.ics", "presentation_94-conf-ng.jres.org-", "2022-05-17 09:00", 90, None),
        # DTSTART:20200918T120000Z DTEND:20200918T130000Z
        ("ical-kielux-2020.utc.ics", "467-KOLT20-", "2020-09-18 12:00", 60, None),
    ],
)
def test_hand_checked_sessions(
    name: str, session_id: str, start: str, minutes: int, title: str | None
) -> None:
    """A session's start instant and duration are exactly what the file says."""
    if session_id.endswith("-"):  # an iCalendar UID: ids carry a hash after the cleaned UID
        matches = [s for s in imported(name).schedule.sessions if s.id.startswith(session_id)]
        assert len(matches) == 1
        found = matches[0]
    else:
        found = session(name, session_id)
    assert found.start == utc(start)
    assert found.duration == timedelta(minutes=minutes)
    if title is not None:
        assert found.title == title


def test_guid_is_the_key_when_numeric_ids_repeat() -> None:
    """39C3's merged schedule reuses id 400012 on days 1 and 4; both sessions are kept."""
    result = imported("c3voc-39c3-2025.everything.days-1-and-4.excerpt.schedule.json")
    assert not result.problems
    widerspruch = [s for s in result.schedule.sessions if s.title.startswith("Widerspruch gegen")]
    # "id": 400012 with guids 1bcccacb-... (2025-12-27T19:00+01:00) and 00b0efcc-...
    # (2025-12-30T14:00+01:00)
    assert {s.id for s in widerspruch} >= {
        "1bcccacb-a81c-5adc-87ee-b2cc40421bce",
        "00b0efcc-0307-5b91-af39-40f936d48589",
    }


def test_cancelled_title_marks_the_session_cancelled() -> None:
    """39C3's "CANCELLED! Surface Mount..." is kept as cancelled, its title without the prefix."""
    cancelled = session(
        "c3voc-39c3-2025.everything.schedule.xml", "45332ebc-2be3-4405-ae2e-e7f985a16c7a"
    )
    assert cancelled.cancelled
    assert cancelled.title == "Surface Mount Electronics Assembly for Terrified Beginners (Day 2)"
    assert cancelled not in imported("c3voc-39c3-2025.everything.schedule.xml").active_sessions


def test_fosdem_cancelled_titles() -> None:
    """FOSDEM 2023's five "CANCELLED ..." talks are cancelled, e.g. event 13779 (GRUB)."""
    schedule = imported("pentabarf-fosdem-2023.schedule.xml").schedule
    cancelled = {s.id: s.title for s in schedule.sessions if s.cancelled}
    assert len(cancelled) == 5
    assert cancelled["13779"] == "GRUB - Project Status Update"


@pytest.mark.parametrize(
    ("name", "speaker"),
    [
        ("frab-cccamp-2019.excerpt.schedule.json", "Chloé Berthélémy (EDRi)"),
        ("sessionize-scottish-summit-2026.all.json", "Per-Torben Sørensen"),
        ("ical-kielux-2020.utc.ics", "Jürgen Groß"),
        ("frab-31c3-2014.schedule.xml", "Laura Poitras"),
    ],
)
def test_non_ascii_names_survive(name: str, speaker: str) -> None:
    """Accented and non-Latin names come through unchanged (and without stray spaces)."""
    assert speaker in {s.name for s in imported(name).schedule.speakers}


def test_europython_tutorial_halves_get_distinct_ids() -> None:
    """The two 90-minute halves of tutorial FMHCT8 share a code; both are kept, in order."""
    halves = [
        s
        for s in imported(
            "europython-2024.programapi-schedule-day.2024-07-08.json"
        ).schedule.sessions
        if s.id.startswith("FMHCT8")
    ]
    # "start": "2024-07-08T09:30:00+02:00" and "2024-07-08T11:15:00+02:00", 90 minutes each
    assert [(s.id, s.start) for s in halves] == [
        ("FMHCT8", utc("2024-07-08 07:30")),
        ("FMHCT8-2", utc("2024-07-08 09:15")),
    ]


def test_jres_zero_length_event_is_kept_with_a_note() -> None:
    """JRES's event 147 (DTSTART = DTEND) is kept as a moment and noted, not a problem.

    One such event used to be a problem, and any problem refuses the whole export.
    """
    result = imported("ical-jres-2022.ics")
    assert result.problems == ()
    (note,) = [note for note in result.notes if "lasts no time" in note]
    assert "presentation_147@conf-ng.jres.org" in note
    (moment,) = [s for s in result.schedule.sessions if s.start == s.end]
    assert moment.title == "12 - Portail invités EDUSPOT"


def test_jres_character_split_by_a_fold_reads_whole() -> None:
    """JRES folds a line inside "’" (e2 80 | 99): unfolded first, it is one character."""
    text = " ".join(
        f"{s.title} {s.abstract or ''}" for s in imported("ical-jres-2022.ics").schedule.sessions
    )
    assert "\ufffd" not in text


def test_lca_speaker_line_becomes_the_speaker() -> None:
    """linux.conf.au's "Speaker: Joel Addison" line is the speaker, not part of the abstract."""
    welcome = next(
        s
        for s in imported("ical-linux-conf-au-2020.ics").schedule.sessions
        if s.title == "Wednesday Welcome"
    )
    speakers = {s.id: s.name for s in imported("ical-linux-conf-au-2020.ics").schedule.speakers}
    assert [speakers[i] for i in welcome.speaker_ids] == ["Joel Addison"]
    assert welcome.abstract == "Opening Remarks and Housekeeping"


def test_legacy_abstracts_lose_their_escaping() -> None:
    """30C3's "&quot;Introductory event...&#x27;s...&quot;" reads as plain text."""
    opening = session("frab-30c3-2013.legacy-v0.8.schedule.json", "5605")
    assert opening.abstract is not None
    assert opening.abstract.startswith("Introductory event to say hello to everybody")
    assert "event's features" in opening.abstract
    assert "&" not in opening.abstract


def test_html_abstract_becomes_markdown() -> None:
    """FOSDEM's escaped "<p>FOSDEM welcome and opening talk.</p>" has no tags left."""
    assert session("pentabarf-fosdem-2023.schedule.xml", "15059").abstract == (
        "FOSDEM welcome and opening talk."
    )


def test_sessionize_service_and_plenum_sessions_keep_their_kind() -> None:
    """QA or the Highway's breaks are "service"; its 10 plenum sessions, 8 of them service."""
    kinds = [
        s.kind for s in imported("sessionize-qa-or-the-highway-2026.all.json").schedule.sessions
    ]
    assert kinds.count("service") == 8
    assert kinds.count("plenum") == 2


def test_offsets_without_zone_name_use_a_fixed_offset_zone_and_say_so() -> None:
    """rC3 names no time_zone_name: its +01:00 becomes Etc/GMT-1, with a note naming --tz."""
    result = imported("pretalx-rc3-channels-2020.schedule.json")
    assert result.schedule.conference.zone == "Etc/GMT-1"
    assert any("--tz" in note for note in result.notes)


def test_synthetic_europython_lists_every_unscheduled_session() -> None:
    """The hand-made programapi example has no times: both sessions are named, then refused."""
    from bot.errors import ConfigError

    with pytest.raises(ConfigError) as caught:
        import_schedule(
            FIXTURES / "europython-programapi.SYNTHETIC-example.sessions.json", zone="Europe/Prague"
        )
    problems = "\n".join(caught.value.problems)
    assert "session A8CD3F" in problems
    assert "session B8CD4F" in problems
    assert "not scheduled yet" in problems
    assert "no session could be read" in problems
