"""UserRepository: preferences and the "forget me" hook."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.storage import Database
from bot.storage.repositories import UserProfile

from .conftest import T0

ALICE, BOB = 1001, 2002


async def test_get_unknown_user_is_none(db: Database) -> None:
    """A user who never set anything has no profile."""
    assert await db.users.get(ALICE) is None


async def test_set_zone_creates_profile_with_defaults(db: Database) -> None:
    """Setting a zone creates the profile; other fields keep their defaults."""
    await db.users.set_zone(ALICE, "Europe/Berlin")
    assert await db.users.get(ALICE) == UserProfile(ALICE, zone="Europe/Berlin")


async def test_set_zone_replaces_previous_zone(db: Database) -> None:
    """Setting a zone again overwrites the old one."""
    await db.users.set_zone(ALICE, "Europe/Berlin")
    await db.users.set_zone(ALICE, "Asia/Tokyo")
    profile = await db.users.get(ALICE)
    assert profile is not None
    assert profile.zone == "Asia/Tokyo"


async def test_clear_zone_keeps_other_preferences(db: Database) -> None:
    """Clearing the zone leaves the clock preference alone."""
    await db.users.set_zone(ALICE, "Europe/Berlin")
    await db.users.set_clock(ALICE, "12h")
    await db.users.clear_zone(ALICE)
    assert await db.users.get(ALICE) == UserProfile(ALICE, zone=None, clock="12h")


async def test_clear_zone_of_unknown_user_creates_nothing(db: Database) -> None:
    """Clearing the zone of a user without a profile does not create one."""
    await db.users.clear_zone(ALICE)
    assert await db.users.get(ALICE) is None


async def test_set_clock_stores_12h(db: Database) -> None:
    """The clock preference is stored."""
    await db.users.set_clock(ALICE, "12h")
    profile = await db.users.get(ALICE)
    assert profile is not None
    assert profile.clock == "12h"


async def test_set_clock_rejects_unknown_style(db: Database) -> None:
    """A clock style other than 24h/12h raises ValueError."""
    with pytest.raises(ValueError, match="clock"):
        await db.users.set_clock(ALICE, "13h")  # type: ignore[arg-type]


async def test_set_reminder_lead_stores_and_clears(db: Database) -> None:
    """The reminder lead can be set and reset to None."""
    await db.users.set_reminder_lead(ALICE, 15)
    assert (await db.users.get(ALICE)) == UserProfile(ALICE, reminder_lead_minutes=15)
    await db.users.set_reminder_lead(ALICE, None)
    assert (await db.users.get(ALICE)) == UserProfile(ALICE)


async def test_set_reminder_lead_rejects_negative(db: Database) -> None:
    """A negative reminder lead raises ValueError."""
    with pytest.raises(ValueError, match="lead"):
        await db.users.set_reminder_lead(ALICE, -5)


async def test_set_delivery_stores_choice(db: Database) -> None:
    """The delivery preference is stored."""
    await db.users.set_delivery(ALICE, "channel")
    assert await db.users.get(ALICE) == UserProfile(ALICE, delivery="channel")


async def test_set_delivery_rejects_unknown_value(db: Database) -> None:
    """A delivery other than dm/channel/None raises ValueError."""
    with pytest.raises(ValueError, match="delivery"):
        await db.users.set_delivery(ALICE, "pigeon")  # type: ignore[arg-type]


async def test_zones_for_returns_only_users_with_a_zone(db: Database) -> None:
    """zones_for maps the requested users that have a zone, skipping the rest."""
    await db.users.set_zone(ALICE, "Europe/Berlin")
    await db.users.set_clock(BOB, "12h")
    await db.users.set_zone(3003, "Asia/Tokyo")
    assert await db.users.zones_for([ALICE, BOB, 9999]) == {ALICE: "Europe/Berlin"}


async def test_zones_for_empty_input_is_empty(db: Database) -> None:
    """zones_for with no ids returns an empty dict."""
    assert await db.users.zones_for([]) == {}


async def _populate(db: Database, user_id: int, speaker: str) -> None:
    await db.users.set_zone(user_id, "Europe/Berlin")
    await db.subscriptions.subscribe(user_id, "s1", 10)
    await db.subscriptions.subscribe(user_id, "s2", None)
    await db.speaker_links.link(speaker, user_id, linked_by=42)
    due = T0 + timedelta(hours=1)
    await db.outbox.enqueue(f"r:{user_id}:1", "reminder", due, {"s": 1}, target_user_id=user_id)
    await db.outbox.enqueue(f"r:{user_id}:2", "reminder", due, {"s": 2}, target_user_id=user_id)
    await db.feeds.set_token(user_id, user_id.to_bytes(32, "big"))


async def test_forget_reports_rows_deleted_per_table(db: Database) -> None:
    """forget returns how many rows it deleted from each table."""
    await _populate(db, ALICE, "sp-alice")
    counts = await db.users.forget(ALICE)
    assert counts == {"users": 1, "subscriptions": 2, "speaker_links": 1, "outbox": 2}


async def test_forget_removes_everything_about_the_user(db: Database) -> None:
    """After forget, no table holds anything about the user."""
    await _populate(db, ALICE, "sp-alice")
    await db.users.forget(ALICE)
    assert await db.users.get(ALICE) is None
    assert await db.subscriptions.for_user(ALICE) == []
    assert await db.speaker_links.get("sp-alice") is None
    assert await db.outbox.get(f"r:{ALICE}:1") is None
    assert await db.outbox.pending() == []
    assert not await db.feeds.has_token(ALICE)
    assert await db.feeds.by_token_hash(ALICE.to_bytes(32, "big")) is None


async def test_forget_keeps_other_users_data(db: Database) -> None:
    """forget touches nothing that belongs to another user."""
    await _populate(db, ALICE, "sp-alice")
    await _populate(db, BOB, "sp-bob")
    await db.users.forget(ALICE)
    assert await db.users.get(BOB) == UserProfile(BOB, zone="Europe/Berlin")
    assert len(await db.subscriptions.for_user(BOB)) == 2
    assert await db.speaker_links.all() == {"sp-bob": BOB}
    assert [item.target_user_id for item in await db.outbox.pending()] == [BOB, BOB]
    assert await db.feeds.has_token(BOB)


async def test_forget_unknown_user_deletes_nothing(db: Database) -> None:
    """Forgetting a user with no data reports zero everywhere."""
    counts = await db.users.forget(ALICE)
    assert counts == {"users": 0, "subscriptions": 0, "speaker_links": 0, "outbox": 0}
