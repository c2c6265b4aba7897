"""Turn attendees' choices into outbox rows: reminders, morning digests, room posts.

Every message is a row first (the database is the truth), keyed so that planning
again adds nothing twice:

* ``reminder:{session}:{user}:{lead}`` due ``lead`` minutes before the session;
* ``digest:{user}:{local date}`` due at the attendee's digest time on that local day;
* ``room_post:{session}:{channel}`` due ``room_post_lead`` before the session.

Planning is incremental: a subscription touches only its own rows, a settings change
only that user's, and a schedule change only the rows of the sessions that changed
(found by comparing each session's start with the one stored when it was planned).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol

from bot.errors import AmbiguousTimeError, NonExistentTimeError, UserError
from bot.schedule.index import ScheduleIndex
from bot.schedule.model import Session
from bot.storage.database import Database
from bot.timezones import localize_wall_time

log = logging.getLogger(__name__)

REMINDER = "reminder"
DIGEST = "digest"
ROOM_POST = "room_post"
# Meta keys: each planned session's start, and what the room posts were planned from.
STARTS_KEY = "reminders:planned_starts"
ROOM_PLAN_KEY = "reminders:room_plan"
# A digest is worth sending until its local day is over; a room post until the session ends.
DIGEST_GRACE = timedelta(hours=6)


class Outbox(Protocol):
    """What planning needs of the delivery engine."""

    async def enqueue(
        self,
        key: str,
        kind: str,
        due_at: datetime,
        payload: dict[str, object],
        *,
        target_user_id: int | None = None,
        target_channel_id: int | None = None,
    ) -> bool:
        """Add a row (no-op if the key is queued) and re-arm; return whether it was added."""
        ...

    async def cancel(self, key: str) -> bool:
        """Cancel a pending row; return whether there was one."""
        ...

    async def rearm(self) -> datetime | None:
        """Re-arm the wake-up after rows were moved."""
        ...


def reminder_prefix(session_id: str, user_id: int | None = None) -> str:
    """Return the key prefix of a session's reminders (one user's, or everyone's)."""
    return f"{REMINDER}:{session_id}:" + ("" if user_id is None else f"{user_id}:")


def reminder_key(session_id: str, user_id: int, lead: int) -> str:
    """Return the outbox key of one reminder."""
    return f"{reminder_prefix(session_id, user_id)}{lead}"


def digest_prefix(user_id: int) -> str:
    """Return the key prefix of one user's digests."""
    return f"{DIGEST}:{user_id}:"


@dataclass(frozen=True, slots=True)
class Subscribed:
    """What /remind did: whether it was new, and when the reminders will come."""

    session: Session
    added: bool
    due: tuple[datetime, ...]
    leads: tuple[int, ...]


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
        outbox: Outbox,
        database: Database,
        schedule: Callable[[], ScheduleIndex],
        *,
        default_leads: tuple[int, ...],
        default_delivery: str,
        room_post_lead: int,
    ) -> None:
        self._outbox = outbox
        self._database = database
        self._schedule = schedule
        self._default_leads = default_leads
        self._default_delivery = default_delivery
        self._room_post_lead = room_post_lead

    # -- one attendee ---------------------------------------------------------------

    async def leads_for(self, user_id: int) -> tuple[int, ...]:
        """Return the user's reminder leads (their own, or the configured default)."""
        profile = await self._database.users.get(user_id)
        if profile is not None and profile.reminder_leads:
            return profile.reminder_leads
        return self._default_leads

    async def delivery_for(self, user_id: int) -> str:
        """Return where the user's reminders go: "dm" or "channel"."""
        profile = await self._database.users.get(user_id)
        if profile is not None and profile.delivery:
            return profile.delivery
        return self._default_delivery

    async def subscribe(
        self,
        user_id: int,
        session: Session,
        *,
        lead: int | None,
        now: datetime,
        room_channel_id: int | None,
    ) -> Subscribed:
        """Add the session to the user's agenda and queue its reminders.

        ``lead`` overrides the user's leads for this session. Subscribing again with
        another lead replaces the pending reminders.

        :raises UserError: the session has already started.
        """
        leads = (lead,) if lead is not None else await self.leads_for(user_id)
        times = reminder_times(session, leads, now)
        async with self._database.transaction():
            added = await self._database.subscriptions.subscribe(user_id, session.id, lead)
            if not added:
                await self._database.subscriptions.set_lead(user_id, session.id, lead)
            await self._cancel_prefix(reminder_prefix(session.id, user_id))
            delivery = await self.delivery_for(user_id)
            for each_lead, due in times:
                await self._enqueue_reminder(
                    user_id, session, each_lead, due, delivery, room_channel_id
                )
        return Subscribed(session, added, tuple(due for _, due in times), leads)

    async def unsubscribe(self, user_id: int, session_id: str) -> bool:
        """Remove the session from the user's agenda and cancel its pending reminders."""
        async with self._database.transaction():
            removed = await self._database.subscriptions.unsubscribe(user_id, session_id)
            await self._cancel_prefix(reminder_prefix(session_id, user_id))
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
        """Queue the user's morning digest for each conference day still ahead in ``zone``."""
        await self._cancel_prefix(digest_prefix(user_id))
        profile = await self._database.users.get(user_id)
        if profile is None or profile.digest_time is None:
            return 0
        hour, minute = (int(part) for part in profile.digest_time.split(":"))
        planned = 0
        for day in self._schedule().local_days(zone):
            due = local_instant(day, time(hour, minute), zone)
            if due <= now:
                continue
            planned += await self._outbox.enqueue(
                f"{digest_prefix(user_id)}{day.isoformat()}",
                DIGEST,
                due,
                {"day": day.isoformat(), "zone": zone},
                target_user_id=user_id,
            )
        return planned

    async def forget(self, user_id: int) -> None:
        """Cancel the user's pending digests (reminders go with their subscriptions)."""
        await self._cancel_prefix(digest_prefix(user_id))

    # -- the whole conference ---------------------------------------------------------

    async def follow_schedule(self, *, now: datetime) -> dict[str, int]:
        """Move or cancel the pending rows of sessions whose start changed since planning.

        Only the changed sessions' rows are read. Returns counts of moved and cancelled.
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
            for prefix in (reminder_prefix(session_id), f"{ROOM_POST}:{session_id}:"):
                for item in await self._database.outbox.pending_with_prefix(prefix):
                    if session is None or session.end <= now:
                        cancelled += await self._outbox.cancel(item.key)
                        continue
                    lead = int(item.payload.get("lead", 0))
                    due = max(session.start - timedelta(minutes=lead), now)
                    payload = {**item.payload, "start": session.start.isoformat()}
                    moved += await self._database.outbox.reschedule(item.key, due, payload)
        if current != before:
            await self._database.meta.set(STARTS_KEY, json.dumps(current, sort_keys=True))
        if moved:
            await self._outbox.rearm()
        if moved or cancelled:
            log.info("schedule changed: %d reminders moved, %d cancelled", moved, cancelled)
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
        planned = 0
        for session in index.sessions:
            channel_id = room_channels.get(session.room_id or "")
            if channel_id is None or session.start <= now:
                continue
            planned += await self._outbox.enqueue(
                f"{ROOM_POST}:{session.id}:{channel_id}",
                ROOM_POST,
                max(session.start - lead, now),
                _payload(session, self._room_post_lead),
                target_channel_id=channel_id,
            )
        await self._database.meta.set(ROOM_PLAN_KEY, plan)
        return planned

    # -- rows --------------------------------------------------------------------------

    async def _enqueue_reminder(
        self,
        user_id: int,
        session: Session,
        lead: int,
        due: datetime,
        delivery: str,
        room_channel_id: int | None,
    ) -> None:
        payload = _payload(session, lead)
        if delivery == "channel" and room_channel_id is not None:
            payload["mention_user_id"] = user_id
            await self._outbox.enqueue(
                reminder_key(session.id, user_id, lead),
                REMINDER,
                due,
                payload,
                target_user_id=user_id,
                target_channel_id=room_channel_id,
            )
            return
        await self._outbox.enqueue(
            reminder_key(session.id, user_id, lead),
            REMINDER,
            due,
            payload,
            target_user_id=user_id,
        )

    async def _cancel_prefix(self, prefix: str) -> int:
        cancelled = 0
        for item in await self._database.outbox.pending_with_prefix(prefix):
            cancelled += await self._outbox.cancel(item.key)
        return cancelled


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
