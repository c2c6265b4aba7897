"""One line per moderator action for the moderation-log channel: who, what, when, where.

The line goes out as an outbox row of the engine's ``text`` kind (plain text pings
nobody, whatever mentions it contains), keyed by the action, its subject and instant.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from bot.timezones import discord_timestamp, format_time

MODERATION_LOG_PREFIX = "modlog"


def moderation_log_line(
    *, actor_id: int | None, action: str, at: datetime, zone: str, where: str | None = None
) -> str:
    """Return "🛡️ <@id> scheduled announcement #3 … · Wed 24 Feb 15:50 EST (<t:…:F>) · in <#…>"."""
    who = f"<@{actor_id}>" if actor_id is not None else "confbot"
    when = f"{format_time(at, zone)} ({discord_timestamp(at, 'F')})"
    parts = [f"🛡️ {who} {action}", when]
    if where:
        parts.append(f"in {where}")
    return " · ".join(parts)[:2000]


def moderation_log_key(subject: str, at: datetime) -> str:
    """Return a new outbox key for one log line.

    Two actions may share an instant (a simulated clock stands still), hence the token.
    """
    return f"{MODERATION_LOG_PREFIX}:{subject}:{at.isoformat()}:{secrets.token_hex(4)}"
