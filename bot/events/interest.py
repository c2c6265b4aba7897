"""Interested on a mirrored event subscribes the person to its session's reminders.

One subscription per person and session whether they pressed Interested, "Remind me" or
both: Interested makes one only when there is none, and remembers that it did
(``event_interest.subscribed``), so taking Interested back removes only what it made.
Reminders keep the person's own leads and delivery (the reminders feature plans them;
this package reaches it through :class:`InterestSubscriber`, registered by the factory).

After a restart the users of every mirrored event are paged (100 a request, paced) and
compared with what is stored, so presses made while the bot was down are applied.

A press can come before the bot knows the event is its own: Discord announces the event
(and anyone may press Interested on it) before the create's answer arrives, or the answer
was lost and the event is found later. Presses on events the bot does not know are kept
in memory (the latest per person, for the newest :data:`EARLY_EVENTS` events) and applied
when one of them turns out to be the bot's (:meth:`InterestTracker.replay`); a restart's
reconcile covers what memory lost.

"Remind me" after Interested makes the subscription the person's own
(:meth:`InterestTracker.claimed`, a reminders hook): taking Interested back then keeps it.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import Protocol

from bot.core import Core
from bot.delivery import DeliveryError
from bot.events.port import UNKNOWN_EVENT
from bot.events.view import MirrorView
from bot.schedule.model import Session

log = logging.getLogger(__name__)
# Presses kept for events the bot does not know (yet), for at most this many events.
EARLY_EVENTS = 1000


class InterestSubscriber(Protocol):
    """What Interested does to a person's agenda (the reminders feature, in practice)."""

    async def is_subscribed(self, user_id: int, session_id: str) -> bool:
        """Return whether the person already has the session in their agenda."""
        ...

    async def subscribe(self, user_id: int, session: Session) -> bool:
        """Subscribe the person with their own leads; return ``False`` if it cannot be."""
        ...

    async def unsubscribe(self, user_id: int, session_id: str) -> None:
        """Remove the session from the person's agenda and cancel its reminders."""
        ...


class InterestTracker:
    """Turn USER_ADD / USER_REMOVE into subscriptions; reconcile them after a restart."""

    def __init__(self, core: Core, subscriber: InterestSubscriber, mirror: MirrorView) -> None:
        self._core = core
        self._subscriber = subscriber
        self._mirror = mirror
        # Event id -> user id -> pressed (True) or taken back, for events not known yet.
        self._early: OrderedDict[int, dict[int, bool]] = OrderedDict()

    def _keep(self, event_id: int, user_id: int, pressed: bool) -> None:
        self._early.setdefault(event_id, {})[user_id] = pressed
        self._early.move_to_end(event_id)
        while len(self._early) > EARLY_EVENTS:
            self._early.popitem(last=False)

    async def added(self, event_id: int, user_id: int) -> bool:
        """Subscribe ``user_id`` to the session of ``event_id``; return whether it was new."""
        if user_id == self._bot_id():
            return False
        repository = self._core.database.scheduled_events
        mirror = await repository.by_event(event_id)
        if mirror is None:
            # Perhaps the bot's, its id not stored yet: keep the press, then look again
            # (the id may have been stored, and replayed, while this one looked).
            self._keep(event_id, user_id, pressed=True)
            mirror = await repository.by_event(event_id)
            if mirror is None:
                return False
            self._early.get(event_id, {}).pop(user_id, None)
        session = self._core.schedule.session(mirror.session_id)
        if session is None:
            return False
        made = False
        if not await self._subscriber.is_subscribed(user_id, session.id):
            made = await self._subscriber.subscribe(user_id, session)
        return await repository.add_interest(event_id, user_id, session.id, subscribed=made)

    async def removed(self, event_id: int, user_id: int) -> bool:
        """Undo what Interested on ``event_id`` did for ``user_id``; return whether it had."""
        interest = await self._core.database.scheduled_events.remove_interest(event_id, user_id)
        if interest is None:
            if event_id in self._early:
                self._keep(event_id, user_id, pressed=False)
            return False
        if interest.subscribed:
            await self._subscriber.unsubscribe(user_id, interest.session_id)
        return True

    async def replay(self, event_id: int) -> int:
        """Apply the presses kept for ``event_id``, now known as the bot's; return how many."""
        kept = self._early.pop(event_id, {})
        applied = 0
        for user_id, pressed in kept.items():
            if pressed:
                applied += await self.added(event_id, user_id)
        if applied:
            log.info("%d Interested pressed before event %d was stored", applied, event_id)
        return applied

    async def claimed(self, user_id: int, session_id: str) -> None:
        """The person asked for the session's reminders themselves: Interested keeps off it."""
        await self._core.database.scheduled_events.claim_interest(user_id, session_id)

    def _bot_id(self) -> int | None:
        port = self._mirror.port
        return port.bot_user_id if port is not None else None

    async def reconcile(self) -> dict[str, int]:
        """Apply the Interested presses made while the bot was down; return the counts."""
        port, guild_id = self._mirror.port, self._mirror.guild_id
        if port is None or guild_id is None:
            return {}
        repository = self._core.database.scheduled_events
        budget = self._core.delivery.budget
        counts = {"added": 0, "removed": 0}
        lost = 0
        for mirror in (await repository.all(guild_id)).values():
            if mirror.state != "mirrored" or mirror.event_id is None:
                continue
            interested: set[int] = set()
            after = 0
            try:
                while True:
                    async with budget.request():
                        page = await port.interested(guild_id, mirror.event_id, after)
                    interested.update(page)
                    if len(page) < 100:
                        break
                    after = max(page)
            except DeliveryError as error:
                if error.code == UNKNOWN_EVENT:
                    # Deleted while the bot was down: the plan below makes it again.
                    await repository.lost(guild_id, mirror.session_id)
                    lost += 1
                else:
                    log.warning("Interested on %s not read: %s", mirror.session_id, error)
                continue
            known = await repository.interested(mirror.event_id)
            for user_id in sorted(interested - known):
                counts["added"] += await self.added(mirror.event_id, user_id)
            for user_id in sorted(known - interested):
                counts["removed"] += await self.removed(mirror.event_id, user_id)
        if lost:
            log.info("%d mirrored events were deleted while the bot was down", lost)
            await self._mirror.plan(self._core.clock.now())
        if counts["added"] or counts["removed"]:
            log.info(
                "Interested while the bot was down: %d added, %d taken back",
                counts["added"],
                counts["removed"],
            )
        return counts
