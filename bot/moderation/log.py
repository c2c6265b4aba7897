"""Write to the moderation-log channel through the delivery engine.

Moderator commands record what they did (:meth:`ModerationLog.record_action`: who,
what, when in the conference zone and as ``<t:…>``, where); the schedule's lifecycle
reports what it could not do (:meth:`ModerationLog.report`). Each line becomes a
``text`` outbox row to ``guild.moderation_log_channel``, so it is sent once, paced,
and pings nobody. Without a configured (or visible) channel it is only logged.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from datetime import timedelta

from bot.channels import ChannelDirectory
from bot.clock import Clock
from bot.config import Config
from bot.delivery import TEXT_KIND, DeliveryEngine
from bot.moderation.lines import moderation_log_key, moderation_log_line

__all__ = ["REPORT_DEADLINE", "ModerationLog"]

log = logging.getLogger(__name__)

# A report is news for a day; the engine skips it after that.
REPORT_DEADLINE = timedelta(hours=24)


class ModerationLog:
    """The moderation-log channel, as the features write to it."""

    def __init__(
        self,
        config: Config,
        clock: Clock,
        delivery: DeliveryEngine,
        channels: ChannelDirectory,
        conference_zone: Callable[[], str],
    ) -> None:
        self._config = config
        self._clock = clock
        self._delivery = delivery
        self._channels = channels
        self._conference_zone = conference_zone

    def channel_id(self) -> int | None:
        """Return the moderation-log channel's id (configured by id or by name), or ``None``."""
        configured = self._config.guild.moderation_log_channel
        if isinstance(configured, str):
            configured = configured.lstrip("#")
        return self._channels.channel_id(configured)

    async def record_action(
        self, *, actor_id: int | None, action: str, subject: str, where: str | None = None
    ) -> None:
        """Queue the line of one moderator action (``subject`` names what it was about)."""
        now = self._clock.now()
        line = moderation_log_line(
            actor_id=actor_id, action=action, at=now, zone=self._conference_zone(), where=where
        )
        channel_id = self.channel_id()
        log.info("moderator action: %s", line)
        if channel_id is None:
            log.warning("no moderation-log channel configured or visible; not posted: %s", line)
            return
        await self._delivery.enqueue(
            moderation_log_key(subject, now),
            TEXT_KIND,
            now,
            {"content": line},
            target_channel_id=channel_id,
        )

    async def report(self, text: str) -> bool:
        """Queue ``text`` as it is (a day's deadline); return whether a channel is configured."""
        channel_id = self.channel_id()
        if channel_id is None:
            log.info("moderation log (no channel configured): %s", text)
            return False
        now = self._clock.now()
        digest = hashlib.sha256(f"{now.isoformat()}:{text}".encode()).hexdigest()[:16]
        await self._delivery.enqueue(
            f"modlog:{digest}",
            TEXT_KIND,
            now,
            {"content": text[:2000]},
            deadline_at=now + REPORT_DEADLINE,
            target_channel_id=channel_id,
        )
        return True
