"""Guild settings, subscriptions, announcements, snapshots, speaker links and meta."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.clock import SimulatedClock
from bot.storage import Database
from bot.storage.repositories import GuildSettings

from .conftest import T0

GUILD = 555


async def test_guild_get_unconfigured_returns_defaults(db: Database) -> None:
    """An unconfigured guild gets all-None settings."""
    assert await db.guilds.get(GUILD) == GuildSettings(GUILD)


async def test_guild_update_sets_named_fields(db: Database) -> None:
    """update() stores the given fields and returns the new settings."""
    settings = await db.guilds.update(GUILD, zone="America/New_York", moderator_role_id=77)
    assert (settings.zone, settings.moderator_role_id, settings.updated_at) == (
        "America/New_York",
        77,
        T0,
    )
    assert await db.guilds.get(GUILD) == settings


async def test_guild_update_keeps_unnamed_fields(db: Database) -> None:
    """A later update() leaves fields it does not name unchanged."""
    await db.guilds.update(GUILD, zone="Asia/Tokyo", announcements_channel_id=1)
    settings = await db.guilds.update(GUILD, schedule_updates_channel_id=2)
    assert (settings.zone, settings.announcements_channel_id) == ("Asia/Tokyo", 1)
    assert settings.schedule_updates_channel_id == 2


async def test_guild_update_none_clears_a_field(db: Database) -> None:
    """Passing None clears a setting."""
    await db.guilds.update(GUILD, zone="Asia/Tokyo")
    assert (await db.guilds.update(GUILD, zone=None)).zone is None


async def test_guild_update_rejects_unknown_field(db: Database) -> None:
    """An unknown field name raises ValueError."""
    with pytest.raises(ValueError, match="colour"):
        await db.guilds.update(GUILD, colour="red")  # type: ignore[call-arg]


async def test_subscribe_returns_true_then_false(db: Database) -> None:
    """subscribe() is True the first time and False when already subscribed."""
    assert await db.subscriptions.subscribe(1, "s1", 10)
    assert not await db.subscriptions.subscribe(1, "s1", 30)
    sub = await db.subscriptions.get(1, "s1")
    assert sub is not None
    assert (sub.lead_minutes, sub.created_at) == (10, T0)


async def test_subscribe_rejects_negative_lead(db: Database) -> None:
    """A negative lead raises ValueError."""
    with pytest.raises(ValueError, match="lead"):
        await db.subscriptions.subscribe(1, "s1", -1)


async def test_set_lead_changes_existing_subscription(db: Database) -> None:
    """set_lead() updates a subscription and is False without one."""
    await db.subscriptions.subscribe(1, "s1")
    assert await db.subscriptions.set_lead(1, "s1", 5)
    assert not await db.subscriptions.set_lead(1, "s2", 5)
    sub = await db.subscriptions.get(1, "s1")
    assert sub is not None
    assert sub.lead_minutes == 5


async def test_unsubscribe_removes_and_reports(db: Database) -> None:
    """unsubscribe() is True when it removed something, False otherwise."""
    await db.subscriptions.subscribe(1, "s1")
    assert await db.subscriptions.unsubscribe(1, "s1")
    assert not await db.subscriptions.unsubscribe(1, "s1")


async def test_for_user_lists_oldest_first(db: Database, clock: SimulatedClock) -> None:
    """for_user() lists the user's subscriptions in subscription order."""
    await db.subscriptions.subscribe(1, "s2")
    clock.advance(timedelta(seconds=1))
    await db.subscriptions.subscribe(1, "s1")
    await db.subscriptions.subscribe(2, "s3")
    assert [s.session_id for s in await db.subscriptions.for_user(1)] == ["s2", "s1"]


async def test_for_session_lists_subscribers(db: Database) -> None:
    """for_session() lists everyone subscribed to a session."""
    await db.subscriptions.subscribe(1, "s1")
    await db.subscriptions.subscribe(2, "s1")
    await db.subscriptions.subscribe(2, "s2")
    assert {s.user_id for s in await db.subscriptions.for_session("s1")} == {1, 2}


async def test_count_per_session_and_total(db: Database) -> None:
    """count() counts one session's subscribers, or all subscriptions without an argument."""
    await db.subscriptions.subscribe(1, "s1")
    await db.subscriptions.subscribe(2, "s1")
    await db.subscriptions.subscribe(2, "s2")
    assert (await db.subscriptions.count("s1"), await db.subscriptions.count()) == (2, 3)
    assert await db.subscriptions.counts_by_session() == {"s1": 2, "s2": 1}


async def test_announcement_create_and_get(db: Database) -> None:
    """create() stores a scheduled announcement that get() returns."""
    post_at = T0 + timedelta(hours=2)
    ann = await db.announcements.create(GUILD, 10, 20, "Keynote soon!", post_at, "ann:1")
    assert (ann.status, ann.post_at, ann.outbox_key, ann.created_at) == (
        "scheduled",
        post_at,
        "ann:1",
        T0,
    )
    assert await db.announcements.get(ann.id) == ann


async def test_announcement_without_post_at_means_now(db: Database) -> None:
    """An announcement created without post_at stores None (post now)."""
    ann = await db.announcements.create(GUILD, 10, 20, "Now!")
    assert ann.post_at is None


async def test_announcements_list_for_guild_filters(db: Database) -> None:
    """list_for_guild() lists only that guild's announcements, optionally by status."""
    first = await db.announcements.create(GUILD, 10, 20, "a")
    second = await db.announcements.create(GUILD, 10, 20, "b")
    await db.announcements.create(GUILD + 1, 10, 20, "other guild")
    await db.announcements.mark_status(first.id, "posted")
    assert [a.id for a in await db.announcements.list_for_guild(GUILD)] == [first.id, second.id]
    scheduled = await db.announcements.list_for_guild(GUILD, "scheduled")
    assert [a.id for a in scheduled] == [second.id]


async def test_announcement_cancel_only_when_scheduled(db: Database) -> None:
    """cancel() works on a scheduled announcement and is False once posted."""
    ann = await db.announcements.create(GUILD, 10, 20, "a")
    posted = await db.announcements.create(GUILD, 10, 20, "b")
    await db.announcements.mark_status(posted.id, "posted")
    assert await db.announcements.cancel(ann.id)
    assert not await db.announcements.cancel(posted.id)
    cancelled = await db.announcements.get(ann.id)
    assert cancelled is not None
    assert cancelled.status == "cancelled"


async def test_announcement_mark_status_rejects_unknown(db: Database) -> None:
    """mark_status() with an unknown status raises ValueError."""
    ann = await db.announcements.create(GUILD, 10, 20, "a")
    with pytest.raises(ValueError, match="status"):
        await db.announcements.mark_status(ann.id, "exploded")  # type: ignore[arg-type]


async def test_announcement_and_outbox_in_one_transaction(db: Database) -> None:
    """A failure inside db.transaction() undoes both the announcement and its outbox row."""

    async def create_both_then_fail() -> None:
        async with db.transaction():
            await db.announcements.create(GUILD, 10, 20, "a", outbox_key="ann:1")
            await db.outbox.enqueue("ann:1", "announcement", T0, {}, target_channel_id=10)
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await create_both_then_fail()
    assert await db.announcements.list_for_guild(GUILD) == []
    assert await db.outbox.get("ann:1") is None


async def test_snapshot_latest_is_the_last_added(db: Database, clock: SimulatedClock) -> None:
    """latest() returns the newest snapshot of that source only."""
    await db.snapshots.add("pretalx", "{v1}", "h1")
    clock.advance(timedelta(minutes=5))
    new_id = await db.snapshots.add("pretalx", "{v2}", "h2")
    await db.snapshots.add("other", "{x}", "hx")
    latest = await db.snapshots.latest("pretalx")
    assert latest is not None
    assert (latest.id, latest.body, latest.content_hash, latest.fetched_at) == (
        new_id,
        "{v2}",
        "h2",
        T0 + timedelta(minutes=5),
    )


async def test_snapshot_latest_none_for_unknown_source(db: Database) -> None:
    """latest() is None for a source never fetched."""
    assert await db.snapshots.latest("nowhere") is None


async def test_snapshot_prune_keeps_newest(db: Database) -> None:
    """prune() deletes all but the newest snapshots of a source."""
    for n in range(4):
        await db.snapshots.add("pretalx", f"{n}", f"h{n}")
    assert await db.snapshots.prune("pretalx", keep=1) == 3
    latest = await db.snapshots.latest("pretalx")
    assert latest is not None
    assert latest.body == "3"


async def test_speaker_link_get_and_all(db: Database) -> None:
    """link() stores a link that get() and all() return."""
    await db.speaker_links.link("sp1", 100, linked_by=9)
    await db.speaker_links.link("sp2", 200, linked_by=None)
    link = await db.speaker_links.get("sp1")
    assert link is not None
    assert (link.discord_user_id, link.linked_by, link.created_at) == (100, 9, T0)
    assert await db.speaker_links.all() == {"sp1": 100, "sp2": 200}


async def test_speaker_relink_replaces(db: Database) -> None:
    """Linking a speaker again points it at the new account."""
    await db.speaker_links.link("sp1", 100, linked_by=9)
    await db.speaker_links.link("sp1", 300, linked_by=9)
    assert await db.speaker_links.all() == {"sp1": 300}


async def test_speaker_unlink(db: Database) -> None:
    """unlink() removes a link and is False when there is none."""
    await db.speaker_links.link("sp1", 100, linked_by=9)
    assert await db.speaker_links.unlink("sp1")
    assert not await db.speaker_links.unlink("sp1")
    assert await db.speaker_links.get("sp1") is None


async def test_meta_set_get_overwrite_delete(db: Database) -> None:
    """meta stores, overwrites and deletes string values."""
    assert await db.meta.get("commands_hash") is None
    await db.meta.set("commands_hash", "abc")
    await db.meta.set("commands_hash", "def")
    assert await db.meta.get("commands_hash") == "def"
    assert await db.meta.delete("commands_hash")
    assert await db.meta.get("commands_hash") is None
