"""Carrying out one event row: create, edit, cancel or delete the session's event, once.

The row says only which session (and generation); what to do is read when it runs, from
``event_mirror`` and the schedule, so a row queued before a later change does the latest
thing. One session's rows run one at a time (a lock per session).

Exactly once: Discord events have no nonce. ``creating`` is stored before a create request
and cleared with its answer; a row that finds it set (a crash, a lost answer) or that is
flagged ``verify`` lists the server's events and takes the bot's own (the marker in the
description, the bot as creator) before creating another.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict

from bot.core import Core
from bot.delivery import DeliveryError, RenderContext, RequestSlot, Skip
from bot.events.plan import session_marker
from bot.events.port import FINISHED_EVENT, UNKNOWN_EVENT, EventsPort, SeenEvent
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
        if event_id is None:
            await repository.set_creating(mirror.guild_id, mirror.session_id)
            async with slot():
                created = await port.create(mirror.guild_id, spec)
            await repository.set_event(
                mirror.guild_id, mirror.session_id, created.id, spec.fields()
            )
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
            raise Skip(f"the event is gone ({error.code})") from error
        await repository.set_event(mirror.guild_id, mirror.session_id, event_id, spec.fields())
        return event_id

    async def _remove(self, mirror: MirroredEvent, slot: RequestSlot) -> int | None:
        """Cancel (a cancelled session) or delete (out of the window) the session's event."""
        repository = self._core.database.scheduled_events
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
            if error.code not in GONE and not (error.status == 400 and error.permanent):
                raise
            if error.status == 400 and error.code not in GONE:
                # An ACTIVE event cannot be cancelled (SCHEDULED → CANCELED only): delete it.
                async with slot():
                    await port.delete(mirror.guild_id, event_id)
        await repository.set_event(mirror.guild_id, mirror.session_id, None, None)
        return event_id

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
        await self._mirror.plan(self._core.clock.now())
        await self._moderation.record_action(
            actor_id=None, action=recreated_text(title), subject=f"event:{mirror.session_id}"
        )
