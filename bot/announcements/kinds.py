"""The ``announcement`` outbox kind: what each channel's copy says when it is sent.

The renderer is registered with the delivery engine in ``Services.build``. It reads
the announcement at send time, so an edit made while a copy waits is what goes out,
with the named session's card as it is then. The grace is checked here, not by the
row's deadline (see ``planning.py``): a copy the bot could not post in time is skipped
*and* told to the moderation log.
"""

from __future__ import annotations

from datetime import timedelta

from bot.announcements.planning import too_late
from bot.announcements.text import Ping, announcement_message
from bot.answers.reader import Reader
from bot.core import Core
from bot.delivery import RenderContext, Skip
from bot.moderation import ModerationLog
from bot.rendering.cards import Card
from bot.rendering.outgoing import OutgoingMessage
from bot.rendering.sessions import session_card
from bot.rendering.text import neutralise
from bot.storage.repositories.announcements import Announcement
from bot.storage.repositories.outbox import OutboxItem


class AnnouncementKind:
    """Render announcement rows: the moderator's text, its only ping, the session card."""

    def __init__(self, core: Core, moderation: ModerationLog) -> None:
        self._core = core
        self._moderation = moderation

    async def render(self, item: OutboxItem, context: RenderContext) -> OutgoingMessage:
        """Return the announcement as its moderator wrote it, pinging only the chosen role.

        The same text goes to every channel, with the named session's card as it is now.

        :raises Skip: it was cancelled, or the bot could not post it within the grace
            (then the moderation log is told).
        """
        found = await self._core.database.announcements.get(
            int(item.payload.get("announcement_id", 0))
        )
        if found is None or found.status == "cancelled":
            raise Skip("the announcement was cancelled")
        grace = self._core.config.announcements.grace_minutes
        if too_late(item.due_at, context.now, timedelta(minutes=grace)):
            channel_id = item.target_channel_id or found.channel_id
            await self._moderation.record_action(
                actor_id=None,
                action=(
                    f"skipped announcement #{found.id} “{neutralise(found.title)}”: it was due "
                    f"<t:{int(item.due_at.timestamp())}:F>, more than {grace} minutes ago"
                ),
                subject=f"announcement-missed:{found.id}:{channel_id}",
                where=f"<#{channel_id}>",
            )
            raise Skip(f"more than {grace} minutes late")
        return self.message(found)

    def message(self, found: Announcement) -> OutgoingMessage:
        """Return the announcement's message as it goes to each of its channels."""
        return announcement_message(
            found.title, found.content, Ping.parse(found.ping), self.session_card(found.session_id)
        )

    def session_card(self, session_id: str | None) -> Card | None:
        """Return the session's card as /session shows it, in the conference's zone.

        The audience is everyone, so no reader's own zone; ``None`` if the session left
        the schedule (the announcement then goes without it).
        """
        if session_id is None:
            return None
        index = self._core.schedule
        session = index.session(session_id)
        if session is None:
            return None
        zone = self._core.conference_zone
        return session_card(session, index, Reader(zone, "24h", zone, zone_is_set=False))
