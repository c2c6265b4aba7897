"""Heads-up DMs for speakers who are on Discord: the outbox kind and its planner.

One row per (session, speaker, Discord user), due ``lead`` before the session, with
the session's start as its deadline (a heads-up after the talk began is no use).
Planning is per speaker: a link touches only that speaker's rows (scope
``speaker:<id>``), cancelling those of an old account and adding what is missing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from bot.delivery.engine import DeliveryEngine
from bot.schedule.index import ScheduleIndex
from bot.storage.repositories.outbox import NewOutboxRow

__all__ = [
    "SPEAKER_ALERT_KIND",
    "alert_key",
    "plan_speaker_alert",
    "plan_speaker_alerts",
    "speaker_rows",
    "speaker_scope",
]

# The outbox kind of a speaker's heads-up DM (``/conference status`` counts it by this name).
SPEAKER_ALERT_KIND = "speaker_dm"


def alert_key(session_id: str, speaker_id: str, user_id: int) -> str:
    """Return the outbox key of one speaker's heads-up for one session."""
    return f"{SPEAKER_ALERT_KIND}:{session_id}:{speaker_id}:{user_id}"


def speaker_scope(speaker_id: str) -> str:
    """Return the outbox scope of one speaker's heads-ups."""
    return f"speaker:{speaker_id}"


def speaker_rows(
    engine: DeliveryEngine,
    index: ScheduleIndex,
    speaker_id: str,
    user_id: int | None,
    *,
    lead: timedelta,
    now: datetime,
    room_channels: Mapping[str, int],
) -> list[NewOutboxRow]:
    """Return the heads-up rows one speaker should have (none without a Discord account).

    Like a reminder, a heads-up that cannot be a DM (DMs closed, or no DM channel by its
    due time) is a mention in the session's room channel, on time.
    """
    if user_id is None:
        return []
    return [
        engine.message(
            alert_key(session.id, speaker_id, user_id),
            SPEAKER_ALERT_KIND,
            session.start - lead,
            {"session_id": session.id, "speaker_id": speaker_id},
            deadline_at=session.start,
            target_user_id=user_id,
            fallback_channel_id=room_channels.get(session.room_id or ""),
            session_id=session.id,
            scope=speaker_scope(speaker_id),
        )
        for session in index.sessions_by_speaker(speaker_id)
        if session.start > now
    ]


async def plan_speaker_alert(
    engine: DeliveryEngine,
    index: ScheduleIndex,
    speaker_id: str,
    user_id: int | None,
    *,
    lead: timedelta,
    now: datetime,
    room_channels: Mapping[str, int],
) -> int:
    """Make one speaker's pending heads-ups match their link; return how many were added."""
    rows = speaker_rows(
        engine, index, speaker_id, user_id, lead=lead, now=now, room_channels=room_channels
    )
    return await engine.replace_scope(SPEAKER_ALERT_KIND, speaker_scope(speaker_id), rows)


async def plan_speaker_alerts(
    engine: DeliveryEngine,
    index: ScheduleIndex,
    links: Mapping[str, int],
    *,
    lead: timedelta,
    now: datetime,
    room_channels: Mapping[str, int],
) -> int:
    """Plan the heads-ups of every linked speaker (at start); return how many were added.

    Rows already planned are kept (exactly once). Heads-ups whose talk began while the bot
    was down are skipped first (counted in ``/conference status``), not cancelled.
    """
    await engine.skip_expired(now)
    added = 0
    for speaker_id, user_id in links.items():
        added += await plan_speaker_alert(
            engine, index, speaker_id, user_id, lead=lead, now=now, room_channels=room_channels
        )
    return added
