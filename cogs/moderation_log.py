"""Write a moderator action to the moderation-log channel (see :mod:`bot.moderation`)."""

from __future__ import annotations

from bot.app import Confbot


def moderation_log_channel_id(bot: Confbot) -> int | None:
    """Return the moderation-log channel's id (configured by id or by name), or ``None``."""
    return bot.services.moderation.channel_id()


async def log_moderator_action(
    bot: Confbot,
    *,
    actor_id: int | None,
    action: str,
    subject: str,
    where: str | None = None,
) -> None:
    """Queue the moderation-log line of one action (``subject`` names what it was about)."""
    await bot.services.moderation.record_action(
        actor_id=actor_id, action=action, subject=subject, where=where
    )
