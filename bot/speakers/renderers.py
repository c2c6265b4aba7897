"""The heads-up DM's renderer: an outbox row of :data:`SPEAKER_ALERT_KIND` → its text.

Registered with the delivery engine when the services are built, so rows planned
before a restart are rendered whatever cogs load.
"""

from __future__ import annotations

from bot.answers.reader import reader_for
from bot.channels import ChannelDirectory
from bot.core import Core
from bot.delivery import RenderContext, Skip
from bot.speakers.texts import speaker_heads_up
from bot.storage.repositories.outbox import OutboxItem

__all__ = ["HeadsUpRenderer"]


class HeadsUpRenderer:
    """Word a speaker's heads-up from the schedule shown when it is sent."""

    def __init__(self, core: Core, channels: ChannelDirectory) -> None:
        self._core = core
        self._channels = channels

    async def __call__(self, item: OutboxItem, context: RenderContext) -> str:
        """Return the heads-up text for an outbox row (its deadline is the session's start).

        :raises Skip: the session or speaker is no longer in the schedule.
        """
        core = self._core
        index = core.schedule
        session = index.session(str(item.payload.get("session_id")))
        speaker = index.speaker(str(item.payload.get("speaker_id")))
        if session is None or speaker is None or speaker.id not in session.speaker_ids:
            raise Skip("the session or its speaker left the schedule")
        reader = await reader_for(core.database, item.target_user_id or 0, core.conference_zone)
        room = index.room(session.room_id) if session.room_id else None
        return speaker_heads_up(
            speaker,
            session,
            reader,
            room_name=room.name if room else None,
            room_channel_mention=self.room_channel_mention(session.room_id),
            stream_url=session.stream_url or (room.stream_url if room else None),
        )

    def room_channel_mention(self, room_id: str | None) -> str | None:
        """Return ``<#id>`` for the room's configured channel, ``#name`` if it cannot be found."""
        if room_id is None:
            return None
        configured = self._core.config.guild.room_channels.get(room_id)
        if configured is None:
            return None
        channel_id = self._channels.channel_id(configured)
        if channel_id is not None:
            return f"<#{channel_id}>"
        return f"#{configured}"
