"""Turn attendees' choices into outbox rows: reminders, morning digests, room posts.

Every message is a row first (the database is the truth), keyed so that planning
again adds nothing twice:

* ``reminder:{session}:{user}:{lead}`` due ``lead`` minutes before the session;
* ``digest:{user}:{local date}`` due at the attendee's digest time on that local day;
* ``room_post:{session}:{channel}`` due ``room_post_lead`` before the session.

Each planner call hands the engine the rows one *scope* should have
(:meth:`DeliveryEngine.replace_scope`): a user's reminders for one session, one user's
digests, the room posts. Planning is incremental: a subscription touches only its own
scope, a settings change only that user's, and a schedule change only the scopes of the
sessions that changed (found by comparing each session's start with the one stored when
it was planned). Reminders and room posts have their session's end as deadline: a bot
that was down past it skips them instead of sending them late.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from bot.delivery import DeliveryEngine
from bot.errors import AmbiguousTimeError, NonExistentTimeError, UserError
from bot.programme.followers import ScheduleChange
from bot.reminders.kinds import DIGEST, REMINDER, ROOM_POST
from bot.schedule.index import ScheduleIndex
from bot.schedule.model import Session
from bot.storage.database import Database
from bot.storage.repositories.outbox import NewOutboxRow
from bot.storage.repositories.users import UserProfile
from bot.timezones import localize_wall_time

log = logging.getLogger(__name__)

# Meta keys: each planned session's start, and what the room posts were planned from.
STARTS_KEY = "reminders:planned_starts"
ROOM_PLAN_KEY = "reminders:room_plan"
# A digest is worth sending until its local day is over; a room post until the session ends.
DIGEST_GRACE = timedelta(hours=6)


ROOM_SCOPE = "rooms"


def reminder_scope(session_id: str, user_id: int) -> str:
    """Return the scope of one user's reminders for one session."""
    return f"{session_id}:{user_id}"


def reminder_key(session_id: str, user_id: int, lead: int) -> str:
    """Return the outbox key of one reminder."""
    return f"{REMINDER}:{reminder_scope(session_id, user_id)}:{lead}"


@dataclass(frozen=True, slots=True)
class Preferences:
    """How one attendee is reminded, defaults filled in."""

    leads: tuple[int, ...]
    delivery: str
    digest_time: str | None


@dataclass(frozen=True, slots=True)
class Subscribed:
    """What /remind did: whether it was new, when the reminders will come, and where."""

    session: Session
    added: bool
    due: tuple[datetime, ...]
    leads: tuple[int, ...]
    delivery: str


def reminder_times(
    session: Session, leads: tuple[int, ...], now: datetime
) -> list[tuple[int, datetime]]:
    """Return ``(lead, due)`` for the leads still ahead; one "now" if all have passed.

    :raises UserError: the session has already started.
    """
    if session.start <= now:
        raise UserError("That session has already started, so there is nothing to remind.")
    ahead = [(lead, session.start - timedelta(minutes=lead)) for lead in leads]
    future = [(lead, due) for lead, due in ahead if due > now]
    if future:
        return future
    # Every lead has passed (the session starts in 3 minutes): one reminder right away.
    return [(min(leads, default=0), now)]


class ReminderPlanner:
    """Plan and re-plan reminders, digests and room posts as outbox rows."""

    def __init__(
        self,
        engine: DeliveryEngine,
        database: Database,
        schedule: Callable[[], ScheduleIndex],
        *,
        default_leads: tuple[int, ...],
        default_delivery: str,
        room_post_lead: int,
    ) -> None:
        self._engine = engine
        self._database = database
        self._schedule = schedule
        self._default_leads = default_leads
        self._default_delivery = default_delivery
        self._room_post_lead = room_post_lead

    # -- one attendee ---------------------------------------------------------------

    async def preferences(self, user_id: int) -> Preferences:
        """Return how the user is reminded: their settings, or the configured defaults."""
        return self._preferences_of(await self._database.users.get(user_id))

    def _preferences_of(self, profile: UserProfile | None) -> Preferences:
        if profile is None:
            return Preferences(self._default_leads, self._default_delivery, None)
        return Preferences(
            profile.reminder_leads or self._default_leads,
            profile.delivery or self._default_delivery,
            profile.digest_time,
        )

    async def leads_for(self, user_id: int) -> tuple[int, ...]:
        """Return the user's reminder leads (their own, or the configured default)."""
        return (await self.preferences(user_id)).leads

    async def delivery_for(self, user_id: int) -> str:
        """Return where the user's reminders go: "dm" or "channel"."""
        return (await self.preferences(user_id)).delivery

    async def subscribe(
        self,
        user_id: int,
        session: Session,
        *,
        lead: int | None,
        now: datetime,
        room_channel_id: int | None,
    ) -> Subscribed:
        """Add the session to the user's agenda and queue its reminders, in one transaction.

        ``lead`` overrides the user's leads for this session. Subscribing again with
        another lead replaces the pending reminders.

        :raises UserError: the session has already started.
        """
        chosen = await self.preferences(user_id)
        leads = (lead,) if lead is not None else chosen.leads
        times = reminder_times(session, leads, now)
        delivery = chosen.delivery
        channel_id = room_channel_id if delivery == "channel" else None
        rows = [
            self._reminder_row(user_id, session, each_lead, due, channel_id, room_channel_id)
            for each_lead, due in times
        ]
        async with self._database.transaction():
            added = await self._database.subscriptions.subscribe(user_id, session.id, lead)
            if not added:
                await self._database.subscriptions.set_lead(user_id, session.id, lead)
            await self._engine.replace_scope(REMINDER, reminder_scope(session.id, user_id), rows)
        return Subscribed(session, added, tuple(due for _, due in times), leads, delivery)

    async def unsubscribe(self, user_id: int, session_id: str) -> bool:
        """Remove the session from the user's agenda and cancel its pending reminders."""
        async with self._database.transaction():
            removed = await self._database.subscriptions.unsubscribe(user_id, session_id)
            await self._engine.replace_scope(REMINDER, reminder_scope(session_id, user_id), [])
        return removed

    async def replan_user(
        self, user_id: int, *, now: datetime, room_channels: Mapping[str, int]
    ) -> int:
        """Re-queue every reminder of the user after their leads or delivery changed."""
        index = self._schedule()
        planned = 0
        for subscription in await self._database.subscriptions.for_user(user_id):
            session = index.session(subscription.session_id)
            if session is None or session.start <= now:
                continue
            await self.subscribe(
                user_id,
                session,
                lead=subscription.lead_minutes,
                now=now,
                room_channel_id=room_channels.get(session.room_id or ""),
            )
            planned += 1
        return planned

    async def plan_digests(self, user_id: int, *, zone: str, now: datetime) -> int:
        """Queue the user's morning digest for each conference day still ahead in ``zone``.

        Planning again (a new time, a new zone) replaces the pending ones.
        """
        profile = await self._database.users.get(user_id)
        rows: list[NewOutboxRow] = []
        if profile is not None and profile.digest_time is not None:
            hour, minute = (int(part) for part in profile.digest_time.split(":"))
            for day in self._schedule().local_days(zone):
                due = local_instant(day, time(hour, minute), zone)
                if due <= now:
                    continue
                rows.append(
                    self._engine.message(
                        f"{DIGEST}:{user_id}:{day.isoformat()}",
                        DIGEST,
                        due,
                        {"day": day.isoformat(), "zone": zone},
                        deadline_at=due + DIGEST_GRACE,
                        target_user_id=user_id,
                        scope=str(user_id),
                    )
                )
        return await self._engine.replace_scope(DIGEST, str(user_id), rows)

    async def forget(self, user_id: int) -> None:
        """Cancel the user's pending digests (reminders go with their subscriptions)."""
        await self._engine.replace_scope(DIGEST, str(user_id), [])

    # -- the whole conference ---------------------------------------------------------

    async def follow_schedule(
        self, *, now: datetime, room_channels: Mapping[str, int]
    ) -> dict[str, int]:
        """Move or cancel the reminders of sessions whose start changed since planning.

        Only the changed sessions' subscriptions are read. Returns how many attendees'
        reminders moved and how many were cancelled (session gone, over, or started).
        """
        index = self._schedule()
        current = {session.id: session.start.isoformat() for session in index.sessions}
        stored = await self._database.meta.get(STARTS_KEY)
        before: dict[str, str] = json.loads(stored) if stored else {}
        moved = cancelled = 0
        for session_id, start in before.items():
            if current.get(session_id) == start:
                continue
            session = index.session(session_id)
            for subscription in await self._database.subscriptions.for_session(session_id):
                scope = reminder_scope(session_id, subscription.user_id)
                if session is None or session.start <= now:
                    await self._engine.replace_scope(REMINDER, scope, [])
                    cancelled += 1
                    continue
                await self.subscribe(
                    subscription.user_id,
                    session,
                    lead=subscription.lead_minutes,
                    now=now,
                    room_channel_id=room_channels.get(session.room_id or ""),
                )
                moved += 1
        if current != before:
            await self._database.meta.set(STARTS_KEY, json.dumps(current, sort_keys=True))
        if moved or cancelled:
            log.info("schedule changed: reminders of %d moved, %d cancelled", moved, cancelled)
        return {"moved": moved, "cancelled": cancelled}

    follower_name = "reminders"

    async def follow_schedule_change(self, change: ScheduleChange) -> dict[str, int]:
        """Move, cancel or revive the changed sessions' reminders; re-plan room posts.

        Runs inside the schedule apply's transaction (a :class:`ScheduleFollower`).
        """
        counts = await self.follow_sessions(
            change.rescheduled_session_ids(), now=change.now, room_channels=change.room_channels
        )
        await self.plan_room_posts(change.room_channels, now=change.now)
        return counts

    async def follow_sessions(
        self, session_ids: Iterable[str], *, now: datetime, room_channels: Mapping[str, int]
    ) -> dict[str, int]:
        """Re-plan the reminders of these sessions in a few statements (a schedule apply).

        Their pending reminders are cancelled, then every subscriber's rows for the
        sessions still ahead are written again: same keys, so a moved row takes its new
        time and a cancelled one comes back. Like :meth:`follow_schedule`, but without a
        query per subscriber, so a refresh touching 20,000 subscriptions stays fast.
        Returns how many attendees' reminders moved and how many were cancelled.
        """
        index = self._schedule()
        wanted = sorted(set(session_ids))
        subscriptions = [
            subscription
            for session_id in wanted
            for subscription in await self._database.subscriptions.for_session(session_id)
        ]
        profiles = await self._database.users.profiles(s.user_id for s in subscriptions)
        rows: list[NewOutboxRow] = []
        moved = cancelled = 0
        for subscription in subscriptions:
            session = index.session(subscription.session_id)
            if session is None or session.start <= now:
                cancelled += 1
                continue
            chosen = self._preferences_of(profiles.get(subscription.user_id))
            if subscription.lead_minutes is not None:
                leads: tuple[int, ...] = (subscription.lead_minutes,)
            else:
                leads = chosen.leads
            delivery = chosen.delivery
            room_channel_id = room_channels.get(session.room_id or "")
            channel_id = room_channel_id if delivery == "channel" else None
            rows.extend(
                self._reminder_row(
                    subscription.user_id, session, lead, due, channel_id, room_channel_id
                )
                for lead, due in reminder_times(session, leads, now)
            )
            moved += 1
        async with self._database.transaction():
            await self._engine.cancel_sessions(REMINDER, wanted)
            await self._engine.replace_rows(rows)
            current = {session.id: session.start.isoformat() for session in index.sessions}
            await self._database.meta.set(STARTS_KEY, json.dumps(current, sort_keys=True))
        return {"moved": moved, "cancelled": cancelled}

    async def plan_room_posts(self, room_channels: Mapping[str, int], *, now: datetime) -> int:
        """Queue a "starting soon" post in each mapped room's channel for sessions ahead.

        Skipped entirely when neither the schedule nor the room map changed since the
        last plan, so a restart does not touch a thousand rows.
        """
        index = self._schedule()
        plan = hashlib.sha256(
            json.dumps(
                [
                    sorted(room_channels.items()),
                    self._room_post_lead,
                    [(s.id, s.start.isoformat(), s.room_id) for s in index.sessions],
                ]
            ).encode()
        ).hexdigest()
        if await self._database.meta.get(ROOM_PLAN_KEY) == plan:
            return 0
        lead = timedelta(minutes=self._room_post_lead)
        rows = [
            self._engine.message(
                f"{ROOM_POST}:{session.id}:{channel_id}",
                ROOM_POST,
                max(session.start - lead, now),
                _payload(session, self._room_post_lead),
                deadline_at=session.end,
                target_channel_id=channel_id,
                session_id=session.id,
                scope=ROOM_SCOPE,
            )
            for session in index.sessions
            if (channel_id := room_channels.get(session.room_id or "")) is not None
            and session.start > now
        ]
        planned = await self._engine.replace_scope(ROOM_POST, ROOM_SCOPE, rows)
        await self._database.meta.set(ROOM_PLAN_KEY, plan)
        return planned

    # -- rows --------------------------------------------------------------------------

    def _reminder_row(
        self,
        user_id: int,
        session: Session,
        lead: int,
        due: datetime,
        channel_id: int | None,
        fallback_channel_id: int | None,
    ) -> NewOutboxRow:
        """Return one reminder row: a DM, or (``channel_id``) a mention in the room channel.

        If the attendee's DMs are closed, the engine mentions them in
        ``fallback_channel_id`` (the session's room channel) instead.
        """
        return self._engine.message(
            reminder_key(session.id, user_id, lead),
            REMINDER,
            due,
            _payload(session, lead),
            deadline_at=session.end,
            target_user_id=user_id,
            target_channel_id=channel_id,
            fallback_channel_id=fallback_channel_id,
            session_id=session.id,
            scope=reminder_scope(session.id, user_id),
        )


def _payload(session: Session, lead: int) -> dict[str, Any]:
    return {"session_id": session.id, "lead": lead, "start": session.start.isoformat()}


def local_instant(day: date, clock: time, zone: str) -> datetime:
    """Return the instant the wall clocks of ``zone`` show ``clock`` on ``day``.

    A time the clocks skip (DST starts) becomes the first instant after the gap; a time
    they show twice becomes the first of the two.
    """
    naive = datetime.combine(day, clock)
    try:
        return localize_wall_time(naive, zone)
    except NonExistentTimeError:
        return localize_wall_time(naive + timedelta(hours=1), zone)
    except AmbiguousTimeError:
        return localize_wall_time(naive - timedelta(hours=1), zone) + timedelta(hours=1)
