"""The texts of /conference status and /conference upcoming, from facts alone."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.answers.reader import Reader
from bot.conference.status import (
    SAMPLE_LIMIT,
    StatusFacts,
    UpcomingKind,
    kind_name,
    status_text,
    upcoming_text,
)
from bot.delivery import KindCounts

STARTED = datetime(2030, 6, 5, 7, 0, tzinfo=UTC)
READER = Reader("Europe/Berlin", "24h", "Europe/Berlin", zone_is_set=False)
QUIET = StatusFacts(
    schedule_source="live.toml",
    schedule_loaded_at=STARTED,
    sessions=2,
    subscriptions=1,
    deliveries={},
    next_due=None,
    database_bytes=None,
    started_at=STARTED,
    now=STARTED + timedelta(days=1, hours=2, minutes=5),
    latency_seconds=None,
    version="1.2.3",
)


def test_a_quiet_bot_says_nothing_is_queued_or_pending() -> None:
    """No deliveries, nothing due, an in-memory database, no heartbeat yet."""
    lines = status_text(QUIET, READER).splitlines()
    assert "nothing queued or sent yet" in lines
    assert "Next due: nothing pending" in lines
    assert "Database: in memory" in lines
    assert "Uptime: 1 d 2 h 05 min" in lines
    assert "Gateway latency: unknown" in lines


def test_counts_sizes_and_latency_are_shown_as_organisers_read_them() -> None:
    """Kinds by their organisers' names, the size in KiB or MiB, latency in ms."""
    busy = replace(
        QUIET,
        deliveries={"reminder": KindCounts(pending=3, sent=2, late=1)},
        database_bytes=3 * 1024 * 1024,
        latency_seconds=0.042,
    )
    text = status_text(busy, READER)
    lines = text.splitlines()
    assert "Reminders: 3 / 2 / 1 / 0 / 0" in lines
    assert "Database: 3.0 MiB" in lines
    assert "Gateway latency: 42 ms" in lines


def test_an_unknown_kind_keeps_its_own_name() -> None:
    """A kind without an organisers' name is shown as it is stored."""
    assert kind_name("speaker_dm") == "Speaker heads-ups"
    assert kind_name("something_new") == "something_new"


def test_nothing_due_is_one_sentence() -> None:
    """With nothing in the window, the answer says so and names the window."""
    assert upcoming_text([], 1, READER) == "Nothing is due in the next 1 hour."
    assert upcoming_text([], 5, READER) == "Nothing is due in the next 5 hours."


def test_a_long_sample_is_cut_and_quoted() -> None:
    """A sample over the limit ends with an ellipsis; every line of it is quoted."""
    sample = "first line\n" + "x" * 1000
    group = UpcomingKind("reminder", 2, 2, STARTED, sample)
    lines = upcoming_text([group], 3, READER).splitlines()
    assert lines[0] == "**Due in the next 3 hours**"
    assert lines[1].startswith("**Reminders**: 2 messages to 2 attendees, first ")
    assert lines[2] == "> first line"
    assert lines[3].endswith("…")
    assert len("\n".join(line.removeprefix("> ") for line in lines[2:])) == SAMPLE_LIMIT
