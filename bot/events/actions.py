"""Carrying out one event row: create, edit, cancel or delete the session's event, once.

The row says only which session (and generation); what to do is read when it runs, from
``event_mirror`` and the schedule, so a row queued before a later change does the latest
thing. One session's rows run one at a time (a lock per session).

Exactly once: Discord events have no nonce. ``creating`` is stored before a create request
and cleared with its answer; a row that finds it set (a crash, a lost answer) or that is
flagged ``verify`` lists the server's events and takes the bot's own (the marker in the
description, the bot as creator) before creating another. One risk remains: discord.py
retries a 500/502 itself, so a create Discord stored but answered 500 is made twice
within one request; :meth:`EventActions.sweep` (a minute after creates) lists the
server's events and deletes the bot's extra ones, keeping the one stored.

A STAGE or VOICE event is started (ACTIVE) at its session's start and ended (COMPLETED)
at its end by two more rows of the session (``phase``), keyed by the event's generation;
Discord moves only EXTERNAL events by itself.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict

from bot.core import Core
from bot.delivery import DeliveryError, RenderContext, RequestSlot, Skip
from bot.events.plan import marker_in, session_marker
from bot.events.port import FINISHED_EVENT, UNKNOWN_EVENT, EventsPort, EventStatus, SeenEvent
from bot.events.texts import recreated_text, reverted_text
from bot.events.view import MirrorView
from bot.moderation import ModerationLog
from bot.storage.repositories.outbox import OutboxItem
from bot.storage.repositories.scheduled_events import MirroredEvent

log = logging.getLogger(__name__)
GONE = (UNKNOWN_EVENT, FINISHED_EVENT)
# What a person may change on an event, by the name the log uses.
WATCHED = {
    "name": "title",
    "description": "description",
    "start": "start",
    "end": "end",
    "location": "location",
}


def phase_status(phase: str) -> EventStatus:
    """Return the status a phase row sets (``active``: started, else ``completed``)."""
    return "active" if phase == "active" else "completed"


class EventActions:
    """Carry out event rows (the engine's action for their kind); watch people's edits."""

    def __init__(self, mirror: MirrorView, core: Core, moderation: ModerationLog) -> None:
        self._mirror = mirror
        self._core = core
        self._moderation = moderation
        self._locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    def _port(self) -> EventsPort:
        port = self._mirror.port
        if port is None:
            raise DeliveryError("not connected to Discord yet", permanent=False)
        return port

    async def perform(
        self, item: OutboxItem, context: RenderContext, slot: RequestSlot
    ) -> int | None:
        """Do what the session's event should be now; return the event's id."""
        guild_id = int(item.payload["guild_id"])
        session_id = str(item.payload["session_id"])
        async with self._locks[session_id]:
            repository = self._core.database.scheduled_events
            mirror = await repository.get(guild_id, session_id)
            if mirror is None or mirror.generation != int(item.payload["generation"]):
                raise Skip("superseded by a later event row")
            phase = item.payload.get("phase")
            if phase in ("active", "completed"):
                return await self._set_phase(mirror, phase, slot)
            if mirror.state == "mirrored":
                return await self._mirror_session(item, mirror, slot)
            return await self._remove(mirror, slot)

    async def _mirror_session(
        self, item: OutboxItem, mirror: MirroredEvent, slot: RequestSlot
    ) -> int:
        session = self._core.schedule.session(mirror.session_id)
        if session is None:
            raise Skip("the session left the schedule")
        spec = self._mirror.spec(session)
        port = self._port()
        repository = self._core.database.scheduled_events
        event_id = mirror.event_id
        written = mirror.written
        if event_id is None and (mirror.creating or item.verify):
            found = await self._find_own(mirror, slot)
            if found is not None:
                event_id, written = found.id, None
                await repository.set_event(mirror.guild_id, mirror.session_id, event_id, None)
                await self._mirror.created(mirror.session_id, event_id)
        if event_id is None:
            await repository.set_creating(mirror.guild_id, mirror.session_id)
            async with slot():
                created = await port.create(mirror.guild_id, spec)
            await repository.set_event(
                mirror.guild_id, mirror.session_id, created.id, spec.fields()
            )
            await self._mirror.created(mirror.session_id, created.id)
            return created.id
        if written == spec.fields() and not item.payload.get("revert"):
            return event_id
        try:
            async with slot():
                await port.edit(mirror.guild_id, event_id, spec)
        except DeliveryError as error:
            if error.code not in GONE:
                raise
            # Someone deleted it, or it is over: the next plan makes a new one.
            await repository.lost(mirror.guild_id, mirror.session_id)
            self._mirror.note_event(mirror.session_id, None)
            raise Skip(f"the event is gone ({error.code})") from error
        await repository.set_event(mirror.guild_id, mirror.session_id, event_id, spec.fields())
        self._mirror.note_event(mirror.session_id, event_id)
        return event_id

    async def _remove(self, mirror: MirroredEvent, slot: RequestSlot) -> int | None:
        """Cancel (a cancelled session) or delete (out of the window) the session's event."""
        repository = self._core.database.scheduled_events
        self._mirror.note_event(mirror.session_id, None)
        event_id = mirror.event_id
        if event_id is None and mirror.creating:
            found = await self._find_own(mirror, slot)
            event_id = found.id if found is not None else None
        if event_id is None:
            await repository.set_event(mirror.guild_id, mirror.session_id, None, None)
            raise Skip("no event to remove")
        port = self._port()
        try:
            async with slot():
                if mirror.state == "cancelled":
                    await port.set_status(mirror.guild_id, event_id, "canceled")
                else:
                    await port.delete(mirror.guild_id, event_id)
        except DeliveryError as error:
            if error.code not in GONE and error.status != 400:
                raise
            if error.status == 400 and error.code not in GONE:
                # An ACTIVE event cannot be cancelled (SCHEDULED → CANCELED only): delete it.
                async with slot():
                    await port.delete(mirror.guild_id, event_id)
        await repository.set_event(mirror.guild_id, mirror.session_id, None, None)
        return event_id

    async def _set_phase(self, mirror: MirroredEvent, phase: str, slot: RequestSlot) -> int:
        """Start (``active``) or end (``completed``) a STAGE/VOICE event, once.

        A retried request may find its first attempt landed (Discord then refuses the same
        transition): the event's status, as listed, says whether it is done.
        """
        if mirror.state != "mirrored":
            raise Skip("the session's event is being removed")
        if mirror.event_id is None:
            raise DeliveryError("the event is not made yet", permanent=False)
        session = self._core.schedule.session(mirror.session_id)
        if session is None:
            raise Skip("the session left the schedule")
        if phase == "active" and session.end <= self._core.clock.now():
            raise Skip("the session is over: only its end is left to do")
        await self._transition(mirror, mirror.event_id, phase_status(phase), slot)
        log.info("%s the event of %s", "started" if phase == "active" else "ended", session.id)
        return mirror.event_id

    async def _transition(
        self, mirror: MirroredEvent, event_id: int, status: EventStatus, slot: RequestSlot
    ) -> None:
        port = self._port()
        try:
            async with slot():
                await port.set_status(mirror.guild_id, event_id, status)
        except DeliveryError as error:
            if error.code in GONE:
                raise Skip(f"the event is gone or finished ({error.code})") from error
            if error.status != 400:
                raise
            # Refused: an earlier attempt (answered 5xx or lost) may have done it, or the
            # event never started (the bot was down at the start): start it, then end it.
            current = await self._status_of(mirror, slot)
            if current == status:
                return
            if status == "completed" and current == "scheduled":
                await self._transition(mirror, event_id, "active", slot)
                await self._transition(mirror, event_id, "completed", slot)
                return
            raise

    async def _status_of(self, mirror: MirroredEvent, slot: RequestSlot) -> EventStatus | None:
        port = self._port()
        async with slot():
            events = await port.events(mirror.guild_id)
        found = [event.status for event in events if event.id == mirror.event_id]
        return found[0] if found else None

    async def sweep(self) -> int:
        """Delete the bot's extra events of a session (a create made twice); return how many.

        discord.py retries a create Discord answered 500/502, so Discord may hold the
        session's event twice. The one stored is kept; an event of a session whose create
        is still under way is left alone. One list request, one delete per extra event.
        """
        port, guild_id = self._mirror.port, self._mirror.guild_id
        if port is None or guild_id is None or not self._mirror.active:
            return 0
        budget = self._core.delivery.budget
        try:
            async with budget.request():
                events = await port.events(guild_id)
        except DeliveryError as error:
            log.warning("The server's events were not listed for duplicates: %s", error)
            return 0
        rows = await self._core.database.scheduled_events.all(guild_id)
        by_marker = {session_marker(session_id): row for session_id, row in rows.items()}
        deleted = 0
        for event in sorted(events, key=lambda seen: seen.id):
            marker = marker_in(event.description)
            row = by_marker.get(marker) if marker is not None else None
            if (
                event.creator_id != port.bot_user_id
                or not event.open
                or row is None
                or row.creating
                or row.event_id is None
                or row.event_id == event.id
            ):
                continue
            try:
                async with budget.request():
                    await port.delete(guild_id, event.id)
            except DeliveryError as error:
                if error.code not in GONE:
                    log.warning(
                        "A duplicate event of %s was not deleted: %s", row.session_id, error
                    )
                continue
            deleted += 1
            log.warning(
                "Deleted a duplicate Discord event %d of %s (kept %d): a create was answered "
                "with a server error after Discord stored it, and retried",
                event.id,
                row.session_id,
                row.event_id,
            )
        return deleted

    async def _find_own(self, mirror: MirroredEvent, slot: RequestSlot) -> SeenEvent | None:
        """Return the bot's open event for the session, if an earlier attempt made one."""
        port = self._port()
        marker = session_marker(mirror.session_id)
        async with slot():
            events = await port.events(mirror.guild_id)
        mine = [
            event
            for event in events
            if event.creator_id == port.bot_user_id and event.open and marker in event.description
        ]
        if mine:
            log.info("found the event of %s made before an interruption", mirror.session_id)
        return min(mine, key=lambda event: event.id) if mine else None

    # -- people's changes to the bot's events ------------------------------------------

    async def seen_update(self, event: SeenEvent) -> None:
        """Put the schedule back on one of the bot's events that a person edited."""
        guild_id = self._mirror.guild_id
        if guild_id is None or not self._mirror.active:
            return
        repository = self._core.database.scheduled_events
        mirror = await repository.by_event(event.id)
        if mirror is None or mirror.state != "mirrored":
            return  # not the bot's, or being removed
        session = self._core.schedule.session(mirror.session_id)
        if session is None:
            return
        if event.status == "canceled":
            await self._lost(mirror, session.title)
            return
        spec = self._mirror.spec(session).fields()
        seen = {
            "name": event.name,
            "description": event.description,
            "start": event.start.isoformat(),
            "end": event.end.isoformat() if event.end else None,
            "location": event.location,
        }
        written = mirror.written or {}
        changed = [
            WATCHED[key]
            for key, value in seen.items()
            if value != spec.get(key) and value != written.get(key)
        ]
        if not changed:
            return  # the bot's own write, or Discord starting or ending it
        bumped = await repository.bump_revision(guild_id, mirror.session_id)
        if bumped is None:
            return
        await self._mirror.queue(
            guild_id, mirror.session_id, bumped.generation, bumped.revision, revert=True
        )
        await self._moderation.record_action(
            actor_id=None,
            action=reverted_text(session.title, changed),
            subject=f"event:{mirror.session_id}",
        )

    async def seen_delete(self, event_id: int) -> None:
        """Make again one of the bot's events that a person deleted."""
        if self._mirror.guild_id is None or not self._mirror.active:
            return
        mirror = await self._core.database.scheduled_events.by_event(event_id)
        if mirror is None or mirror.state != "mirrored":
            return
        session = self._core.schedule.session(mirror.session_id)
        if session is not None:
            await self._lost(mirror, session.title)

    async def _lost(self, mirror: MirroredEvent, title: str) -> None:
        await self._core.database.scheduled_events.lost(mirror.guild_id, mirror.session_id)
        self._mirror.note_event(mirror.session_id, None)
        await self._mirror.plan(self._core.clock.now())
        await self._moderation.record_action(
            actor_id=None, action=recreated_text(title), subject=f"event:{mirror.session_id}"
        )
