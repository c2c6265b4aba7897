"""The programme mirrored into Discord's scheduled events: which sessions, and their rows.

:class:`EventMirror` decides, at every refresh (a rolling job, and every applied schedule
change through the follower hook), which sessions have an event: those not ended and
starting within the window, at most the cap. What each session's event should be is kept
in ``event_mirror`` (mirrored, cancelled, dropped); each change of it is one outbox row of
kind :data:`EVENT_KIND`, scoped to the session, which the delivery engine carries out
(paced, retried, recovered) through :meth:`EventMirror.perform` in ``actions.py``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from bot.channels import ChannelDirectory
from bot.core import Core
from bot.events.actions import EventActions
from bot.events.interest import InterestSubscriber, InterestTracker
from bot.events.plan import EventSpec, Venue, in_window, spec_for
from bot.events.port import EventsPort, seen_from_payload
from bot.events.texts import channel_url, event_url, missing_permission_text, status_line
from bot.moderation import ModerationLog
from bot.programme.followers import ScheduleChange
from bot.schedule.model import Session
from bot.storage.repositories.outbox import NewOutboxRow
from bot.storage.repositories.scheduled_events import MirrorState

log = logging.getLogger(__name__)

EVENT_KIND = "scheduled_event"
REFRESH_JOB = "events:refresh"
SWEEP_JOB = "events:sweep"
# Rows are carried out soon after they are written; a row still waiting after a day is moot.
ROW_DEADLINE = timedelta(days=1)
# The duplicate sweep runs this long after a create (one list request for a burst of them).
SWEEP_DELAY = timedelta(minutes=1)


def event_scope(guild_id: int, session_id: str) -> str:
    """Return the outbox scope of one session's event rows."""
    return f"event:{guild_id}:{session_id}"


def phase_scope(guild_id: int, session_id: str) -> str:
    """Return the outbox scope of a STAGE/VOICE event's start and end rows."""
    return f"event-phase:{guild_id}:{session_id}"


class EventMirror:
    """Keep the server's event list equal to the programme's window."""

    follower_name = "events"

    def __init__(
        self,
        core: Core,
        moderation: ModerationLog,
        channels: ChannelDirectory,
        subscriber: InterestSubscriber,
    ) -> None:
        self._core = core
        self._channels = channels
        self._config = core.config.events
        self.port: EventsPort | None = None
        """The Discord side; set when the gateway is ready (``start``)."""
        self.guild_id: int | None = None
        self.missing: str | None = None
        """The permission the bot lacks (checked at start), or ``None``."""
        self.actions = EventActions(self, core, moderation)
        self.interest = InterestTracker(core, subscriber, self)
        self._handled = 0
        self._handled_changed = asyncio.Condition()
        # Session id -> its event's id, for the links answers show (read without awaiting).
        self._links: dict[str, int] = {}

    # -- what each session's event is --------------------------------------------------

    @property
    def window(self) -> timedelta:
        """Return how far ahead sessions are mirrored."""
        return timedelta(hours=self._config.window_hours)

    def wanted(self, now: datetime) -> list[Session]:
        """Return the sessions that should have an event at ``now``."""
        return in_window(self._core.schedule.sessions, now, self.window, self._config.cap)

    def spec(self, session: Session) -> EventSpec:
        """Return what ``session``'s event should say."""
        index = self._core.schedule
        room = index.room(session.room_id) if session.room_id else None
        configured = self._config.rooms.get(session.room_id or "")
        venue_channel = (
            self._channels.channel_id(configured.channel) if configured is not None else None
        )
        text_channel = self._channels.room_channel_ids().get(session.room_id or "")
        link = (
            channel_url(self.guild_id, text_channel)
            if self.guild_id is not None and text_channel is not None
            else None
        )
        venue = Venue(
            entity_type=configured.type if configured and venue_channel else "external",
            channel_id=venue_channel,
            channel_link=link,
            stream_url=room.stream_url if room else None,
            room_name=room.name if room else None,
        )
        speakers = [
            speaker.name
            for speaker_id in session.speaker_ids
            if (speaker := index.speaker(speaker_id)) is not None
        ]
        return spec_for(session, venue, speakers)

    # -- start, refresh, follow --------------------------------------------------------

    def connect(self, port: EventsPort) -> None:
        """Give the mirror its Discord side (the cog, when it loads)."""
        self.port = port

    async def start(self) -> None:
        """Check the permission once, then mirror and reconcile Interested (at ready)."""
        port = self.port
        if not self._config.enabled or port is None:
            return
        self.guild_id = port.guild_id()
        if self.guild_id is None:
            log.warning("The programme is not mirrored into Discord's events: no server.")
            return
        self.missing = port.missing_permission(self.guild_id)
        if self.missing is not None:
            log.warning(missing_permission_text(self.missing))
            return
        self._links = {
            row.session_id: row.event_id
            for row in (await self._core.database.scheduled_events.all(self.guild_id)).values()
            if row.state == "mirrored" and row.event_id is not None
        }
        await self.refresh()
        await self.interest.reconcile()

    async def on_gateway(self, name: str, data: dict[str, Any]) -> None:
        """Handle a scheduled-event dispatch (Interested, people's edits and deletes)."""
        if not self.active:
            return
        if name in ("GUILD_SCHEDULED_EVENT_USER_ADD", "GUILD_SCHEDULED_EVENT_USER_REMOVE"):
            event_id = int(data["guild_scheduled_event_id"])
            user_id = int(data["user_id"])
            if name.endswith("ADD"):
                await self.interest.added(event_id, user_id)
            else:
                await self.interest.removed(event_id, user_id)
        elif name == "GUILD_SCHEDULED_EVENT_UPDATE":
            seen = seen_from_payload(data)
            if seen is not None:
                await self.actions.seen_update(seen)
        elif name == "GUILD_SCHEDULED_EVENT_DELETE" and "id" in data:
            await self.actions.seen_delete(int(data["id"]))

    async def mark_handled(self, sequence: int) -> None:
        """Note that the gateway dispatch numbered ``sequence`` has been handled."""
        async with self._handled_changed:
            self._handled = max(self._handled, sequence)
            self._handled_changed.notify_all()

    async def wait_handled(self, sequence: int) -> None:
        """Wait until the dispatch numbered ``sequence`` (or a later one) has been handled.

        For tests and the demo: what a press of Interested did is stored once this returns.
        """
        async with self._handled_changed:
            await self._handled_changed.wait_for(lambda: self._handled >= sequence)

    def stop(self) -> None:
        """Stop rolling the window."""
        self._core.scheduler.cancel(REFRESH_JOB)
        self._core.scheduler.cancel(SWEEP_JOB)

    def note_event(self, session_id: str, event_id: int | None) -> None:
        """Remember the session's event (its link), or that it has none."""
        if event_id is None:
            self._links.pop(session_id, None)
        else:
            self._links[session_id] = event_id

    async def created(self, session_id: str, event_id: int) -> None:
        """Note a new (or found) event: its link, presses kept for it, the duplicate sweep."""
        self.note_event(session_id, event_id)
        if SWEEP_JOB not in self._core.scheduler.scheduled():
            when = self._core.clock.now() + SWEEP_DELAY
            self._core.scheduler.schedule_at(SWEEP_JOB, when, self._sweep)
        await self.interest.replay(event_id)

    async def _sweep(self) -> None:
        await self.actions.sweep()

    @property
    def active(self) -> bool:
        """Return whether the mirror runs (enabled, connected, permitted)."""
        return self._config.enabled and self.guild_id is not None and self.missing is None

    async def follow_schedule_change(self, change: ScheduleChange) -> Mapping[str, int]:
        """Move, retitle or cancel the events of what changed (inside the apply)."""
        if not self.active:
            return {}
        return await self.plan(change.now)

    async def refresh(self) -> Mapping[str, int]:
        """Roll the window to now: plan the rows, then arm the next refresh."""
        counts = await self.plan(self._core.clock.now())
        self._arm_next()
        return counts

    async def _tick(self) -> None:
        await self.refresh()

    def _arm_next(self) -> None:
        """Wake at the next instant the window changes, or after ``refresh_minutes``."""
        now = self._core.clock.now()
        when = now + timedelta(minutes=self._config.refresh_minutes)
        for session in self._core.schedule.sessions:
            for instant in (session.start - self.window, session.end):
                if now < instant < when:
                    when = instant
        self._core.scheduler.schedule_at(REFRESH_JOB, when, self._tick)

    async def plan(self, now: datetime) -> dict[str, int]:
        """Write one row for each session whose event must change; return counts."""
        guild_id = self.guild_id
        if guild_id is None:
            return {}
        repository = self._core.database.scheduled_events
        index = self._core.schedule
        wanted = {session.id: session for session in self.wanted(now)}
        counts = {"mirrored": 0, "cancelled": 0, "dropped": 0}
        async with self._core.database.transaction():
            known = await repository.all(guild_id)
            for session in wanted.values():
                spec = self.spec(session)
                await self._want(guild_id, session.id, "mirrored", spec.fingerprint(), counts)
            for session_id, mirror in known.items():
                if session_id in wanted or mirror.state != "mirrored":
                    continue
                current = index.session(session_id)
                if current is not None and current.end <= now:
                    continue  # over: Discord completes an EXTERNAL event, a row ends others
                state: MirrorState = "cancelled" if current is None else "dropped"
                await self._want(guild_id, session_id, state, state, counts)
        return {key: value for key, value in counts.items() if value}

    async def _want(
        self,
        guild_id: int,
        session_id: str,
        state: MirrorState,
        fingerprint: str,
        counts: dict[str, int],
    ) -> None:
        repository = self._core.database.scheduled_events
        mirror, changed = await repository.want(guild_id, session_id, state, fingerprint)
        if not changed:
            return
        counts[state] += 1
        if state != "mirrored":
            self.note_event(session_id, None)
        await self.queue(guild_id, session_id, mirror.generation, mirror.revision, state=state)

    async def queue(
        self,
        guild_id: int,
        session_id: str,
        generation: int,
        revision: int,
        *,
        revert: bool = False,
        state: MirrorState = "mirrored",
    ) -> None:
        """Make one row the session's only pending one: carry out what its event should be.

        A STAGE/VOICE event also gets its start and end rows (moved with the session).
        """
        engine = self._core.delivery
        now = self._core.clock.now()
        row = engine.message(
            f"{event_scope(guild_id, session_id)}:{generation}:{revision}",
            EVENT_KIND,
            now,
            {
                "guild_id": guild_id,
                "session_id": session_id,
                "generation": generation,
                "revert": revert,
            },
            deadline_at=now + ROW_DEADLINE,
            session_id=session_id,
            scope=event_scope(guild_id, session_id),
        )
        await engine.replace_scope(EVENT_KIND, event_scope(guild_id, session_id), [row])
        scope = phase_scope(guild_id, session_id)
        session = self._core.schedule.session(session_id)
        staged = (
            session is not None
            and state == "mirrored"
            and self.spec(session).entity_type != "external"
        )
        rows = self._phase_rows(guild_id, session, generation) if staged and session else []
        await engine.replace_scope(EVENT_KIND, scope, rows)

    def _phase_rows(self, guild_id: int, session: Session, generation: int) -> list[NewOutboxRow]:
        """Return a STAGE/VOICE event's start row (at the start) and end row (at the end)."""
        scope = phase_scope(guild_id, session.id)
        return [
            self._core.delivery.message(
                f"{scope}:{generation}:{phase}",
                EVENT_KIND,
                due,
                {
                    "guild_id": guild_id,
                    "session_id": session.id,
                    "generation": generation,
                    "phase": phase,
                },
                deadline_at=deadline,
                session_id=session.id,
                scope=scope,
            )
            for phase, due, deadline in (
                ("active", session.start, session.end),
                ("completed", session.end, session.end + ROW_DEADLINE),
            )
        ]

    # -- what others show ----------------------------------------------------------------

    def link_now(self, session_id: str) -> str | None:
        """Return the link to ``session_id``'s event as last known (answers, no request)."""
        event_id = self._links.get(session_id)
        if not self.active or self.guild_id is None or event_id is None:
            return None
        return event_url(self.guild_id, event_id)

    async def event_link(self, session_id: str) -> str | None:
        """Return the link to ``session_id``'s event, if it has one now."""
        if not self.active or self.guild_id is None:
            return None
        mirror = await self._core.database.scheduled_events.get(self.guild_id, session_id)
        if mirror is None or mirror.state != "mirrored" or mirror.event_id is None:
            return None
        return event_url(self.guild_id, mirror.event_id)

    async def status(self) -> str | None:
        """Return ``/conference status``'s line, or ``None`` when the mirror is off."""
        if not self._config.enabled:
            return None
        mirrored = 0
        if self.guild_id is not None:
            rows = await self._core.database.scheduled_events.all(self.guild_id)
            now = self._core.clock.now()
            index = self._core.schedule
            mirrored = sum(
                1
                for row in rows.values()
                if row.state == "mirrored"
                and row.event_id is not None
                and (session := index.session(row.session_id)) is not None
                and session.end > now
            )
        return status_line(mirrored, self._config.window_hours, self._config.cap, self.missing)
