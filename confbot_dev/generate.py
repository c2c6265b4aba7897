"""Deterministic, realistic-looking schedules for tests and benchmarks.

The same arguments always give the same schedule. Each room runs a chain of 30-90
minute sessions from the morning of each conference day, so a reader in Sydney or Los
Angeles sees sessions land on other local days; the default dates straddle the end of
European summer time (26 October 2025), so one conference day is 25 hours long.
"""

from __future__ import annotations

import math
import random
from datetime import date, datetime, timedelta

from bot.errors import AmbiguousTimeError, NonExistentTimeError
from bot.schedule.model import Conference, Room, Schedule, Session, Speaker, Track
from bot.timezones import localize_wall_time

__all__ = ["generate_schedule"]

_FIRST_NAMES = (
    "Amélie", "José", "Zoë", "Søren", "Łukasz", "Ngozi", "Chloé", "Björn", "Inés", "Kenji",
    "Aarav", "Fatima", "Mateus", "Ólafur", "Siobhán", "Dmitri", "Priya", "Chen", "Émile",
    "Ayşe", "Jürgen", "Lucía", "Tomás", "Wei", "Hana", "Kwame", "Sofía", "Noah", "Mia",
    "Oluwaseun", "Renée", "François", "Agnieszka", "Mikael", "Leilani", "Rania", "Yusuf",
    "Zsófia", "Nikolaj", "Grace",
)  # fmt: skip
_LAST_NAMES = (
    "Müller", "García", "Nguyễn", "Çelik", "Dvořák", "Ólafsdóttir", "Kowalski", "Okafor",
    "Søndergaard", "Fernández", "Tanaka", "Ibrahim", "Rossi", "O'Brien", "Novák", "Silva",
    "Yılmaz", "Lefèvre", "Andersson", "Zhang", "Patel", "Mensah", "Hernández", "Kim",
    "Schäfer", "Jääskeläinen", "Bălan", "Łukasiewicz", "Ferreira", "Haddad", "Cohen",
    "Moreau", "Wójcik", "Nakamura", "Eriksen", "Abubakar", "Sánchez", "Petrović",
    "Björklund", "Smith",
)  # fmt: skip
_ORGANISATIONS = (
    "Université de Montréal", "TU München", "Universidad de Chile", "Open Rights Group",
    "Helsingin yliopisto", "Amnesty International", "Forschungszentrum Jülich",
    "Universidade de São Paulo", "Internet Archive", "Københavns Universitet",
    "Wikimedia Deutschland", "University of Lagos", "Kyoto University", "Independent",
)  # fmt: skip
_FIELDS = (
    "digital rights", "open hardware", "climate modelling", "human rights law",
    "cryptography", "accessible design", "public health data", "investigative journalism",
    "free software", "urban mobility", "machine learning", "archives and memory",
)  # fmt: skip
_TRACK_NAMES = (
    "Law and Justice", "Security", "Science", "Society", "Hardware", "Art and Culture",
    "Climate", "Health", "Journalism", "Education", "Infrastructure", "Ethics",
)  # fmt: skip
_ROOM_NAMES = (
    "Saal Ada", "Saal Grace", "Hall Émilie", "Room Hedy", "Room Katherine", "Stage Alan",
    "Room Sophie", "Hall Radia", "Room Margaret", "Room Frances",
)  # fmt: skip
_OPENINGS = (
    "Beyond", "Rethinking", "A field guide to", "What we learned from", "Scaling",
    "The hidden cost of", "Defending", "Auditing", "Measuring", "Building",
)  # fmt: skip
_SUBJECTS = (
    "evidence chains", "supply-chain attacks", "sensor networks", "open data portals",
    "forced-labour audits", "end-to-end encryption", "community mesh networks",
    "satellite imagery", "court transcripts", "public archives", "election software",
    "citizen science", "medical records", "reproducible research",
)  # fmt: skip
_SUFFIXES = (
    "in practice", "at scale", "for small teams", "after ten years", "without the hype",
    "across borders", "— a case study", "in São Paulo and Zürich", "on a shoestring",
)  # fmt: skip
_ABSTRACT_SENTENCES = (
    "We present {n} months of field work and the tools we built along the way.",
    "The talk walks through three real cases and what went wrong in each.",
    "Attendees will leave with a checklist they can apply on Monday morning.",
    "Our team from {org} shares the data, the code and the open questions.",
    "We compare the approaches taken in {n} countries and where they diverge.",
    "No prior knowledge of {field} is assumed; bring your questions.",
    "Expect live demonstrations, and a frank discussion of the limits.",
)
_LANGUAGES = ("en",) * 16 + ("de", "fr", "es", "pt-BR")
_KINDS = ("talk",) * 12 + ("panel",) * 3 + ("workshop",) * 2 + ("lightning",) * 3
_DURATIONS = (30, 45, 45, 60, 60, 60, 75, 90)
_GAPS = (0, 0, 15, 15, 30)
_SESSIONS_PER_ROOM_DAY = 8


def generate_schedule(
    *,
    sessions: int = 1000,
    tracks: int = 10,
    days: int = 4,
    speakers: int | None = None,
    zone: str = "Europe/Berlin",
    seed: int = 0,
    first_day: date = date(2025, 10, 23),
) -> Schedule:
    """Return a deterministic schedule with this many sessions, tracks, days and speakers.

    ``speakers`` defaults to three quarters of ``sessions``; each speaker is used before
    any is reused, so with fewer speakers than speaking slots everyone speaks.
    """
    if sessions < 0 or tracks < 1 or days < 1:
        raise ValueError("need sessions >= 0, tracks >= 1 and days >= 1")
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not security
    speaker_count = max(1, sessions * 3 // 4) if speakers is None else speakers
    track_list = tuple(
        Track(id=f"track-{number + 1}", name=_numbered(_TRACK_NAMES, number))
        for number in range(tracks)
    )
    room_count = max(tracks, math.ceil(sessions / (days * _SESSIONS_PER_ROOM_DAY)))
    room_list = tuple(
        Room(
            id=f"room-{number + 1}",
            name=_numbered(_ROOM_NAMES, number),
            stream_url=f"https://stream.example.org/room-{number + 1}",
        )
        for number in range(room_count)
    )
    speaker_list = tuple(_speaker(rng, number) for number in range(speaker_count))
    speaker_cycle = _SpeakerCycle(rng, [speaker.id for speaker in speaker_list])

    drafts: list[Session] = []
    streams = [(day, room) for day in range(days) for room in range(room_count)]
    for stream_number, (day, room) in enumerate(streams):
        count = sessions // len(streams) + (stream_number < sessions % len(streams))
        if count == 0:
            continue
        start = _morning(first_day + timedelta(days=day), zone, rng)
        for slot in range(count):
            kind = "keynote" if room == 0 and slot == 0 else rng.choice(_KINDS)
            minutes = 30 if kind == "lightning" else rng.choice(_DURATIONS)
            end = start + timedelta(minutes=minutes)
            heads = rng.randint(3, 4) if kind == "panel" else rng.choice((1, 1, 1, 2))
            drafts.append(
                Session(
                    id="",
                    title=_title(rng, kind),
                    start=start,
                    end=end,
                    abstract=_abstract(rng),
                    room_id=room_list[room].id,
                    track_id=track_list[room % tracks].id,
                    kind=kind,
                    language=rng.choice(_LANGUAGES),
                    speaker_ids=speaker_cycle.take(min(heads, len(speaker_list))),
                    url=None,
                    stream_url=None,
                )
            )
            start = end + timedelta(minutes=rng.choice(_GAPS))
    drafts.sort(key=lambda draft: (draft.start, draft.room_id or ""))
    session_list = tuple(
        Session(
            id=f"s{number + 1:04d}",
            title=draft.title,
            start=draft.start,
            end=draft.end,
            abstract=draft.abstract,
            room_id=draft.room_id,
            track_id=draft.track_id,
            kind=draft.kind,
            language=draft.language,
            speaker_ids=draft.speaker_ids,
            url=f"https://conf.example.org/sessions/s{number + 1:04d}",
        )
        for number, draft in enumerate(drafts)
    )
    return Schedule(
        conference=Conference(
            name=f"Generated Conference {seed}",
            zone=zone,
            url="https://conf.example.org",
            description="A generated programme for tests and benchmarks.",
            organisers=("Example Organising Committee",),
        ),
        sessions=session_list,
        speakers=speaker_list,
        rooms=room_list,
        tracks=track_list,
    )


class _SpeakerCycle:
    """Hands out speakers in a shuffled order, using each before reusing any."""

    def __init__(self, rng: random.Random, speaker_ids: list[str]) -> None:
        self._rng = rng
        self._ids = speaker_ids
        self._queue: list[str] = []

    def take(self, count: int) -> tuple[str, ...]:
        chosen: list[str] = []
        while len(chosen) < count:
            if not self._queue:
                self._queue = self._ids[:]
                self._rng.shuffle(self._queue)
            candidate = self._queue.pop()
            if candidate not in chosen:
                chosen.append(candidate)
        return tuple(chosen)


def _numbered(names: tuple[str, ...], number: int) -> str:
    name = names[number % len(names)]
    return name if number < len(names) else f"{name} {number // len(names) + 1}"


def _morning(day: date, zone: str, rng: random.Random) -> datetime:
    """Return the UTC instant of a morning start on ``day`` in ``zone``, avoiding DST gaps."""
    for hour in (8, 9, 10, 11):
        wall = datetime.fromisoformat(f"{day.isoformat()}T{hour:02d}:{rng.choice((0, 15, 30)):02d}")
        try:
            return localize_wall_time(wall, zone)
        except (NonExistentTimeError, AmbiguousTimeError):
            continue
    raise ValueError(f"no usable morning on {day} in {zone}")  # pragma: no cover


def _speaker(rng: random.Random, number: int) -> Speaker:
    name = f"{rng.choice(_FIRST_NAMES)} {rng.choice(_LAST_NAMES)}"
    organisation = rng.choice(_ORGANISATIONS)
    field = rng.choice(_FIELDS)
    slug = f"sp{number + 1:05d}"
    return Speaker(
        id=slug,
        name=name,
        affiliation=organisation,
        bio=(
            f"{name} works on {field} at {organisation} and has spoken at "
            f"{rng.randint(2, 40)} conferences on three continents."
        ),
        avatar_url=f"https://conf.example.org/avatars/{slug}.png" if rng.random() < 0.5 else None,
        links=(f"https://social.example.org/@{slug}",) if rng.random() < 0.6 else (),
        discord_user_id=rng.randrange(10**17, 10**18) if rng.random() < 0.3 else None,
        url=f"https://conf.example.org/speakers/{slug}",
    )


def _title(rng: random.Random, kind: str) -> str:
    title = f"{rng.choice(_OPENINGS)} {rng.choice(_SUBJECTS)} {rng.choice(_SUFFIXES)}"
    if kind == "keynote":
        return f"Keynote: {title}"
    if kind == "panel":
        return f"Panel: {title}"
    return title


def _abstract(rng: random.Random) -> str:
    sentences = rng.sample(_ABSTRACT_SENTENCES, k=rng.randint(2, 3))
    return " ".join(
        sentence.format(
            n=rng.randint(3, 18), org=rng.choice(_ORGANISATIONS), field=rng.choice(_FIELDS)
        )
        for sentence in sentences
    )
