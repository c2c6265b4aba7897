"""The schedule-change DM, worded at send time in its reader's zone and clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answers.reader import Reader
from bot.delivery import RenderContext
from bot.programme.notices import dm_text, notices_for
from bot.programme.refresh import parse_source
from bot.programme.renderers import (
    LATE_NOTE,
    SCHEDULE_CHANGE_KIND,
    change_dm_text,
    schedule_change_renderer,
)
from bot.schedule.diff import diff_schedules
from bot.storage.database import Database, open_database
from bot.storage.repositories.outbox import OutboxItem
from tests.support.live_schedule import MOVED, programme

BEFORE = parse_source(programme().encode(), name="live.toml")
AFTER = parse_source(programme(**MOVED).encode(), name="live.toml")
(NOTICE,) = notices_for(diff_schedules(BEFORE, AFTER), BEFORE, AFTER)
DUE = datetime(2030, 6, 5, 7, 10, tzinfo=UTC)
ALICE = 7


def change_row(user_id: int | None = ALICE) -> OutboxItem:
    """Return a pending schedule-change DM row for ``user_id``."""
    return OutboxItem(
        id=1,
        key=f"{SCHEDULE_CHANGE_KIND}:talk:0:abc:{user_id}",
        kind=SCHEDULE_CHANGE_KIND,
        due_at=DUE,
        status="pending",
        attempts=0,
        last_error=None,
        payload=NOTICE.to_payload(),
        target_user_id=user_id,
        target_channel_id=None,
        discord_message_id=None,
        created_at=DUE,
        updated_at=DUE,
        deadline_at=DUE + timedelta(hours=6),
        session_id="talk",
    )


def sent_after(lateness: timedelta) -> RenderContext:
    """Return the context of a send ``lateness`` after the row's due time."""
    return RenderContext(now=DUE + lateness, due_at=DUE, deadline_at=DUE + timedelta(hours=6))


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    """Open a fresh database."""
    opened = await open_database(tmp_path / "confbot.db")
    try:
        yield opened
    finally:
        await opened.close()


def test_the_dm_is_worded_in_the_readers_zone_and_clock() -> None:
    """A reader in Tokyo with a 12-hour clock reads the move in Tokyo time, 12-hour."""
    reader = Reader("Asia/Tokyo", "12h", "Europe/Berlin", zone_is_set=True)
    text = change_dm_text(change_row(), sent_after(timedelta(0)), reader)
    assert text == dm_text(NOTICE, "Asia/Tokyo", clock="12h")
    assert text.startswith("A session in your agenda changed.\n")


@pytest.mark.parametrize(
    ("lateness", "late"),
    [
        (timedelta(0), False),
        (timedelta(seconds=59), False),
        (timedelta(minutes=1), True),
        (timedelta(hours=2), True),
    ],
)
def test_a_dm_sent_a_minute_late_or_more_says_so(lateness: timedelta, late: bool) -> None:
    """From one minute late on, the DM opens with "(Sent late…)"."""
    reader = Reader("Europe/Berlin", "24h", "Europe/Berlin", zone_is_set=False)
    text = change_dm_text(change_row(), sent_after(lateness), reader)
    assert text.startswith(LATE_NOTE) is late
    assert text.removeprefix(LATE_NOTE) == dm_text(NOTICE, "Europe/Berlin")


async def test_the_renderer_reads_the_subscribers_profile(database: Database) -> None:
    """The registered renderer uses the zone and clock the subscriber set."""
    await database.users.set_zone(ALICE, "Asia/Tokyo")
    await database.users.set_clock(ALICE, "12h")
    render = schedule_change_renderer(database, lambda: "Europe/Berlin")
    text = await render(change_row(), sent_after(timedelta(0)))
    assert text == dm_text(NOTICE, "Asia/Tokyo", clock="12h")


async def test_the_renderer_uses_the_conference_zone_for_someone_without_one(
    database: Database,
) -> None:
    """A subscriber who set no zone reads the conference's zone, on a 24-hour clock."""
    render = schedule_change_renderer(database, lambda: "America/New_York")
    text = await render(change_row(), sent_after(timedelta(0)))
    assert text == dm_text(NOTICE, "America/New_York")
