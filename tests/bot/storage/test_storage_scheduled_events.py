"""The Discord event mirror's rows and who pressed Interested, on both databases."""

from __future__ import annotations

from bot.storage import Database

GUILD = 1_100_000_000_000_000_001  # snowflakes need 64 bits
EVENT = 1_200_000_000_000_000_002
ALICE = 1_300_000_000_000_000_003


async def test_a_wanted_event_is_created_once_and_changes_count_revisions(db: Database) -> None:
    """The first want makes a row; the same want again changes nothing; a new digest does."""
    row, changed = await db.scheduled_events.want(GUILD, "keynote", "mirrored", "d1")
    assert changed
    assert (row.revision, row.generation, row.event_id, row.creating) == (1, 0, None, False)
    again, changed = await db.scheduled_events.want(GUILD, "keynote", "mirrored", "d1")
    assert (changed, again.revision) == (False, 1)
    moved, changed = await db.scheduled_events.want(GUILD, "keynote", "mirrored", "d2")
    assert (changed, moved.revision, moved.wanted) == (True, 2, "d2")


async def test_the_event_is_stored_and_found_by_its_discord_id(db: Database) -> None:
    """set_creating, then set_event: the row knows its event, and the event its row."""
    await db.scheduled_events.want(GUILD, "keynote", "mirrored", "d1")
    await db.scheduled_events.set_creating(GUILD, "keynote")
    creating = await db.scheduled_events.get(GUILD, "keynote")
    assert creating is not None
    assert creating.creating
    await db.scheduled_events.set_event(GUILD, "keynote", EVENT, {"name": "Keynote"})
    found = await db.scheduled_events.by_event(EVENT)
    assert found is not None
    assert (found.session_id, found.creating, found.written) == (
        "keynote",
        False,
        {"name": "Keynote"},
    )
    assert list(await db.scheduled_events.all(GUILD)) == ["keynote"]


async def test_a_lost_event_wanted_again_is_a_new_generation(db: Database) -> None:
    """Someone deleted the event: the row forgets it, and wanting it again makes a new one."""
    await db.scheduled_events.want(GUILD, "keynote", "mirrored", "d1")
    await db.scheduled_events.set_event(GUILD, "keynote", EVENT, {"name": "Keynote"})
    await db.scheduled_events.lost(GUILD, "keynote")
    assert await db.scheduled_events.by_event(EVENT) is None
    again, changed = await db.scheduled_events.want(GUILD, "keynote", "mirrored", "d1")
    assert changed
    assert (again.generation, again.state, again.written, again.creating) == (
        1,
        "mirrored",
        None,
        False,
    )
    bumped = await db.scheduled_events.bump_revision(GUILD, "keynote")
    assert bumped is not None
    assert bumped.revision == again.revision + 1


async def test_interest_is_recorded_once_and_removed_with_what_it_made(db: Database) -> None:
    """A second press is not new; taking it back returns whether it made the subscription."""
    events = db.scheduled_events
    assert await events.add_interest(EVENT, ALICE, "keynote", subscribed=True)
    assert not await events.add_interest(EVENT, ALICE, "keynote", subscribed=False)
    assert await events.interested(EVENT) == {ALICE}
    removed = await events.remove_interest(EVENT, ALICE)
    assert removed is not None
    assert (removed.session_id, removed.subscribed) == ("keynote", True)
    assert await events.remove_interest(EVENT, ALICE) is None
    await events.add_interest(EVENT, ALICE, "keynote", subscribed=False)
    assert await events.forget_user(ALICE) == 1
    assert await events.interested(EVENT) == set()


async def test_remind_me_claims_the_subscription_interested_made(db: Database) -> None:
    """After "Remind me", taking Interested back no longer removes the subscription."""
    events = db.scheduled_events
    await events.add_interest(EVENT, ALICE, "keynote", subscribed=True)
    assert await events.claim_interest(ALICE, "keynote") == 1
    assert await events.claim_interest(ALICE, "keynote") == 0
    assert await events.claim_interest(ALICE, "other") == 0
    removed = await events.remove_interest(EVENT, ALICE)
    assert removed is not None
    assert not removed.subscribed
