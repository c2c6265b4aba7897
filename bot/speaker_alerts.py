"""Heads-up DMs for speakers who are on Discord: planned as outbox rows.

One row per (session, speaker, Discord user), due ``lead`` before the session. The
key makes planning idempotent: planning again after a restart or a new link adds
only what is missing, and rows for a link that changed are cancelled.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from bot.delivery import DeliveryEngine
from bot.schedule.index import ScheduleIndex
from bot.storage.database import Database

KIND = "speaker_dm"


def alert_key(session_id: str, speaker_id: str, user_id: int) -> str:
    """Return the outbox key of one speaker's heads-up for one session."""
    return f"{KIND}:{session_id}:{speaker_id}:{user_id}"


async def plan_speaker_alerts(
    engine: DeliveryEngine,
    database: Database,
    index: ScheduleIndex,
    links: Mapping[str, int],
    *,
    lead: timedelta,
    now: datetime,
) -> int:
    """Enqueue a heads-up for every linked speaker's sessions still to start; return how many.

    Rows already planned are kept (exactly once); pending rows for a speaker whose
    link changed or was removed are cancelled.
    """
    for item in await database.outbox.pending():
        if item.kind != KIND:
            continue
        if links.get(str(item.payload.get("speaker_id"))) != item.target_user_id:
            await engine.cancel(item.key)
    added = 0
    for speaker_id, user_id in links.items():
        for session in index.sessions_by_speaker(speaker_id):
            if session.start <= now:
                continue
            added += await engine.enqueue(
                alert_key(session.id, speaker_id, user_id),
                KIND,
                session.start - lead,
                {"session_id": session.id, "speaker_id": speaker_id},
                target_user_id=user_id,
            )
    return added
