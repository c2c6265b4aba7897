"""Render the reminders' outbox rows when they are sent: reminders, digests, room posts.

Each renderer reads the schedule, the reader and the room channels at send time, so a
late send says so, a retitled session shows its new title, and a row whose session left
the schedule is skipped. The results are plain data (:class:`OutgoingMessage`): the
buttons are custom_ids the reminders cog (and the speakers cog's "Open session") answer.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from bot.answers.reader import Reader, reader_for
from bot.channels import ChannelDirectory
from bot.core import Core
from bot.custom_ids import id_in_custom_id
from bot.delivery import RenderContext, Skip
from bot.reminders.agenda import agenda_sessions
from bot.reminders.custom_ids import OPEN_SESSION, UNREMIND
from bot.reminders.texts import (
    OPEN_SESSION_LABEL,
    STOP_REMINDER_LABEL,
    digest_text,
    reminder_text,
    room_post_text,
)
from bot.rendering.outgoing import ButtonSpec, OutgoingMessage
from bot.rendering.sessions import session_card
from bot.storage.repositories.outbox import OutboxItem
from bot.timezones import local_day

__all__ = ["ReminderRenderers"]


class ReminderRenderers:
    """The renderers of the ``reminder``, ``digest`` and ``room_post`` kinds."""

    def __init__(
        self,
        core: Core,
        channels: ChannelDirectory,
        track_role_id: Callable[[str], int | None],
    ) -> None:
        self._core = core
        self._channels = channels
        self._track_role_id = track_role_id

    async def _reader(self, user_id: int) -> Reader:
        return await reader_for(self._core.database, user_id, self._core.conference_zone)

    async def reminder(self, item: OutboxItem, context: RenderContext) -> OutgoingMessage:
        """Return a reminder, rendered now (late sends say they are late), with its buttons.

        A reminder to a room channel (delivery "channel") pings that attendee only.

        :raises Skip: the session left the schedule.
        """
        index = self._core.schedule
        session = index.session(str(item.payload.get("session_id")))
        if session is None:
            raise Skip("the session left the schedule")
        user_id = item.target_user_id or 0
        # Read in a channel by many (a closed-DM fallback): the conference's clocks.
        reader = await self._reader(user_id if context.audience == "dm" else 0)
        text = reminder_text(
            session,
            index,
            reader,
            now=context.now,
            room_channel_id=self._channels.room_channel_ids().get(session.room_id or ""),
        )
        buttons = (
            ButtonSpec(STOP_REMINDER_LABEL, id_in_custom_id(UNREMIND, session.id)),
            ButtonSpec(OPEN_SESSION_LABEL, id_in_custom_id(OPEN_SESSION, session.id)),
        )
        if item.target_channel_id is not None:
            return OutgoingMessage(
                f"<@{user_id}> {text}", mention_user_ids=(user_id,), buttons=buttons
            )
        return OutgoingMessage(text, buttons=buttons)

    async def digest(self, item: OutboxItem, context: RenderContext) -> str:
        """Return the morning digest of the user's sessions on that local day.

        :raises Skip: nothing on the agenda that day (no empty digests).
        """
        user_id = item.target_user_id or 0
        reader = await self._reader(user_id)
        day = date.fromisoformat(str(item.payload.get("day")))
        index = self._core.schedule
        sessions = [
            session
            for session in await agenda_sessions(self._core.database, index, user_id)
            if local_day(session.start, reader.zone) == day
        ]
        if not sessions:
            raise Skip("nothing on the agenda that day")
        return digest_text(day, sessions, index, reader, now=context.now)

    async def room_post(self, item: OutboxItem, context: RenderContext) -> OutgoingMessage:
        """Return a room channel's "starting soon" post with the session card.

        Followers of the session's track are pinged through its role, and nobody else.

        :raises Skip: the session left the schedule.
        """
        index = self._core.schedule
        session = index.session(str(item.payload.get("session_id")))
        if session is None:
            raise Skip("the session left the schedule")
        text = room_post_text(session, index, now=context.now)
        card = session_card(session, index, await self._reader(0))
        role_id = self._track_role_id(session.track_id) if session.track_id else None
        if role_id is None:
            return OutgoingMessage(text, cards=(card,))
        return OutgoingMessage(f"<@&{role_id}> {text}", cards=(card,), mention_role_ids=(role_id,))
