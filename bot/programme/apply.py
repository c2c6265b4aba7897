"""Apply a new version of the schedule: swap it in, tell people, move their reminders.

One database transaction holds all of it: the snapshot (the new last good copy),
the change notices (one post to the schedule-updates channel per 2,000 characters,
one DM per subscriber and change), the reminders moved or cancelled with their
sessions, and the room posts re-planned. The in-memory swap happens inside it and
is undone if anything fails, so readers see the old schedule or the new one, and
the database never holds half of a change.

Every notice row's key carries the id of the snapshot it was applied on top of and
the change's fingerprint: applying the same change again adds nothing, and the same
session moving back later is a new change with a new key.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.core import Core
from bot.delivery import TEXT_KIND
from bot.programme.followers import ScheduleChange, ScheduleFollower
from bot.programme.notices import ChangeNotice, channel_messages, combined_fingerprint, notices_for
from bot.programme.refresh import LastGood, last_good_path, write_last_good_file
from bot.programme.renderers import SCHEDULE_CHANGE_KIND
from bot.schedule.diff import Change, ScheduleDiff
from bot.schedule.model import Schedule
from bot.storage.repositories.outbox import NewOutboxRow

__all__ = ["Applied", "NoticeTargets", "ScheduleApplier"]

log = logging.getLogger(__name__)

# Snapshots kept per source: enough to look back over a day of changes.
SNAPSHOTS_KEPT = 20
# A notice is news for a few hours; after that it is skipped rather than sent late.
NOTICE_DEADLINE = timedelta(hours=6)


@dataclass(frozen=True, slots=True)
class NoticeTargets:
    """Where notices go: the schedule-updates channel and the rooms' channels."""

    updates_channel_id: int | None = None
    room_channels: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Applied:
    """What one apply did."""

    diff: ScheduleDiff
    snapshot_id: int
    posts: int
    direct_messages: int
    # What each follower did, by its name (e.g. "reminders": {"moved": 2, "cancelled": 1}).
    followed: dict[str, dict[str, int]]


class ScheduleApplier:
    """Swap a validated schedule in and queue everything its changes call for."""

    def __init__(self, core: Core) -> None:
        self._services = core
        self._followers: list[ScheduleFollower] = []

    def follow(self, follower: ScheduleFollower) -> None:
        """Run ``follower`` inside every apply's transaction, after the swap (in this order)."""
        self._followers.append(follower)

    async def apply(
        self,
        live: Schedule,
        diff: ScheduleDiff,
        *,
        copy: LastGood,
        content_hash: str,
        source: str,
        targets: NoticeTargets,
        now: datetime,
    ) -> Applied:
        """Make ``live`` (tombstones carried) the schedule and act on ``diff``, atomically.

        If any step fails, nothing of it stays: the schedule shown, the notices, the
        reminders and the delivery wake-up are as they were, and the error propagates.

        :raises DatabaseBusyError: another process kept the database locked; nothing changed.
        """
        services = self._services
        database = services.database
        previous = services.live
        notices = notices_for(diff, previous, live)
        try:
            async with database.transaction():
                latest = await database.snapshots.latest(source)
                base = latest.id if latest is not None else 0
                snapshot_id = await database.snapshots.add(
                    source, copy.to_json(), content_hash, fetched_at=now
                )
                await database.snapshots.prune(source, SNAPSHOTS_KEPT)
                services.swap_schedule(live)
                try:
                    rows = self._post_rows(notices, base, targets, now)
                    direct = await self._direct_rows(notices, base, now)
                    await services.delivery.enqueue_many([*rows, *direct])
                    change = ScheduleChange(diff, now, targets.room_channels)
                    followed = {
                        follower.follower_name: dict(await follower.follow_schedule_change(change))
                        for follower in self._followers
                    }
                except BaseException:
                    services.swap_schedule(previous)
                    raise
        except Exception:
            # The delivery wake-up was re-armed from rows the rollback undid (a reminder
            # moved later): arm it again from the rows that stayed, or they are sent late.
            await services.delivery.rearm()
            raise
        # After the commit: the file never claims a version the database rolled back.
        write_last_good_file(last_good_path(services.config), copy)
        if diff:
            log.info("schedule applied: %s", diff.counts())
        return Applied(diff, snapshot_id, len(rows), len(direct), followed)

    def _post_rows(
        self, notices: list[ChangeNotice], base: int, targets: NoticeTargets, now: datetime
    ) -> list[NewOutboxRow]:
        channel_id = targets.updates_channel_id
        if channel_id is None or not notices:
            return []
        engine = self._services.delivery
        zone = self._services.conference_zone
        fingerprint = combined_fingerprint(notices)
        return [
            engine.message(
                f"schedule_post:{base}:{fingerprint}:{part}",
                TEXT_KIND,
                now,
                {"content": content},
                deadline_at=now + NOTICE_DEADLINE,
                target_channel_id=channel_id,
            )
            for part, content in enumerate(channel_messages(notices, zone))
        ]

    async def _direct_rows(
        self, notices: list[ChangeNotice], base: int, now: datetime
    ) -> list[NewOutboxRow]:
        engine = self._services.delivery
        subscriptions = self._services.database.subscriptions
        rows = []
        for notice in notices:
            if Change.ADDED in notice.kinds:
                continue  # nobody can follow a session that did not exist
            payload = notice.to_payload()
            fingerprint = notice.fingerprint
            for subscription in await subscriptions.for_session(notice.session_id):
                user_id = subscription.user_id
                rows.append(
                    engine.message(
                        f"{SCHEDULE_CHANGE_KIND}:{notice.session_id}:{base}:{fingerprint}:{user_id}",
                        SCHEDULE_CHANGE_KIND,
                        now,
                        payload,
                        deadline_at=now + NOTICE_DEADLINE,
                        target_user_id=user_id,
                        session_id=notice.session_id,
                    )
                )
        return rows
