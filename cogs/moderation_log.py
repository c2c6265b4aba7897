"""Write a moderator action to the moderation-log channel, through the delivery engine.

Every moderator command calls :func:`log_moderator_action` once it acted: the line
(who, what, when in the conference zone and as ``<t:…>``, where) becomes a ``text``
outbox row to ``guild.moderation_log_channel``, so it is sent once, paced, and pings
nobody. Without a configured (or visible) channel the action is only logged.
"""

from __future__ import annotations

import logging

import discord

from bot.announcements.moderation_log import moderation_log_key, moderation_log_line
from bot.app import Confbot
from bot.delivery.engine import TEXT_KIND

log = logging.getLogger(__name__)


def moderation_log_channel_id(bot: Confbot) -> int | None:
    """Return the moderation-log channel's id (configured by id or by name), or ``None``."""
    configured = bot.config.guild.moderation_log_channel
    if configured is None or isinstance(configured, int):
        return configured
    for guild in bot.guilds:
        channel = discord.utils.get(guild.text_channels, name=configured.lstrip("#"))
        if channel is not None:
            return channel.id
    return None


async def log_moderator_action(
    bot: Confbot,
    *,
    actor_id: int | None,
    action: str,
    subject: str,
    where: str | None = None,
) -> None:
    """Queue the moderation-log line of one action (``subject`` names what it was about)."""
    now = bot.clock.now()
    line = moderation_log_line(
        actor_id=actor_id, action=action, at=now, zone=bot.services.conference_zone, where=where
    )
    channel_id = moderation_log_channel_id(bot)
    log.info("moderator action: %s", line)
    if channel_id is None:
        log.warning("no moderation-log channel configured or visible; not posted: %s", line)
        return
    await bot.services.delivery.enqueue(
        moderation_log_key(subject, now),
        TEXT_KIND,
        now,
        {"content": line},
        target_channel_id=channel_id,
    )
