"""What moderators read after /conference reload and upload, and who the log says did it."""

from __future__ import annotations

import pytest

from bot.conference.texts import (
    PREVIEW_LINES,
    Moderator,
    applied_text,
    not_applied_text,
    reload_text,
    too_large_text,
    upload_preview,
    who,
)
from bot.programme.apply import Applied
from bot.programme.live import Outcome, Prepared
from bot.programme.notices import MESSAGE_LIMIT
from bot.programme.refresh import LastGood, parse_source
from bot.schedule.diff import diff_schedules
from bot.schedule.model import Schedule
from tests.support.live_schedule import MOVED, programme

BEFORE = parse_source(programme().encode(), name="live.toml")
AFTER = parse_source(programme(**MOVED).encode(), name="live.toml")
DIFF = diff_schedules(BEFORE, AFTER)


def many_sessions(count: int, title: str = "Talk") -> Schedule:
    """Return a schedule of ``count`` ten-minute sessions titled "<title> <n>"."""
    sessions = []
    for number in range(count):
        begin, end = (9 * 60 + 10 * number, 9 * 60 + 10 * number + 10)  # minutes, local time
        sessions.append(
            f'[[sessions]]\nid = "s{number}"\ntitle = "{title} {number}"\n'
            f'start = "2030-06-05 {begin // 60:02d}:{begin % 60:02d}"\n'
            f'end = "2030-06-05 {end // 60:02d}:{end % 60:02d}"\nroom = "a"\n'
        )
    text = (
        '[conference]\nname = "Many"\nzone = "Europe/Berlin"\n\n'
        '[[rooms]]\nid = "a"\nname = "Room A"\n\n' + "\n".join(sessions)
    )
    return parse_source(text.encode(), name="many.toml")


def prepared(before: Schedule, after: Schedule) -> Prepared:
    """Return ``after`` prepared as an upload on top of ``before``."""
    copy = LastGood.of("new.toml", b"", after)
    return Prepared(after, diff_schedules(before, after), copy, "hash")


def test_the_preview_names_the_file_counts_and_lists_each_change() -> None:
    """A moved talk: the file, its sessions, the summary, the move, then the question."""
    text = upload_preview(prepared(BEFORE, AFTER), BEFORE, "new.toml", "Europe/Berlin")
    lines = text.splitlines()
    assert lines[0] == "**new.toml** is valid: 2 sessions. Changes: 1 moved."
    assert lines[1].startswith("- Moved: *Rust at scale* (Ada Lovelace)")
    assert lines[-1] == "Apply it? Subscribers of changed sessions get a DM; the change is posted."


def test_the_preview_lists_ten_changes_and_counts_the_rest() -> None:
    """Fifteen retitled sessions: ten listed, "…and 5 more."."""
    before, after = many_sessions(15), many_sessions(15, title="Renamed")
    text = upload_preview(prepared(before, after), before, "new.toml", "Europe/Berlin")
    listed = [line for line in text.splitlines() if line.startswith("- ")]
    assert len(listed) == PREVIEW_LINES
    assert "…and 5 more." in text.splitlines()


def test_a_preview_too_long_to_list_only_counts_the_changes() -> None:
    """Long titles that would pass 2,000 characters: the changes are counted, not listed."""
    before, after = many_sessions(12), many_sessions(12, title="x" * 300)
    text = upload_preview(prepared(before, after), before, "new.toml", "Europe/Berlin")
    assert len(text) <= MESSAGE_LIMIT
    assert "(12 changes; too many to list here.)" in text.splitlines()


@pytest.mark.parametrize(
    ("outcome", "expected"),
    [
        (Outcome("unchanged"), "Reloaded live.toml: it has not changed."),
        (Outcome("applied", Applied(DIFF, 1, 1, 0, {})), "Reloaded live.toml: 1 moved."),
        (
            Outcome("failed", reason="live.toml: no sessions"),
            "The schedule was not changed: live.toml: no sessions",
        ),
    ],
)
def test_reload_says_what_happened(outcome: Outcome, expected: str) -> None:
    """Each outcome of a reload is one sentence naming the source."""
    assert reload_text(outcome, "live.toml") == expected


def test_a_refusal_fits_one_message() -> None:
    """However long the validation error, the refusal fits one message."""
    assert len(not_applied_text("new.toml", "bad " * 1000)) == MESSAGE_LIMIT
    assert len(reload_text(Outcome("failed", reason="bad " * 1000), "a.toml")) == MESSAGE_LIMIT


def test_upload_sentences() -> None:
    """An applied upload says what changed; a file too large names the limit."""
    assert applied_text("new.toml", DIFF) == "Applied new.toml: 1 moved."
    assert too_large_text() == "That file is larger than 33 MB."


def test_who_names_the_moderator_by_name_and_id_without_pinging() -> None:
    """The log names "name (id)", a name that would ping or format neutralised."""
    assert who(Moderator(42, "moderator")) == "moderator (42)"
    assert who(Moderator(42, "@everyone")) == "@\u200beveryone (42)"
