"""A scheduled announcement is one outbox row of the delivery engine, keyed by its id.

The row's deadline is far beyond the grace on purpose: the engine skips rows past
their deadline silently, while an announcement the bot could not post within the
grace must be skipped *and reported*. So the renderer checks the grace
(:func:`too_late`), queues the moderation-log line and raises ``Skip``; the deadline
only bounds how long a forgotten row lingers.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.delivery import DeliveryEngine
from bot.storage.repositories.outbox import NewOutboxRow

ANNOUNCEMENT = "announcement"
# Past this, a row is skipped by the engine without a report (the bot was down a week).
REPORT_WINDOW = timedelta(days=7)


def announcement_key(announcement_id: int) -> str:
    """Return the outbox key (and scope) of an announcement: one message per announcement."""
    return f"{ANNOUNCEMENT}:{announcement_id}"


def announcement_row(
    engine: DeliveryEngine, announcement_id: int, channel_id: int, due_at: datetime
) -> NewOutboxRow:
    """Return the outbox row that posts the announcement in its channel at ``due_at``."""
    key = announcement_key(announcement_id)
    return engine.message(
        key,
        ANNOUNCEMENT,
        due_at,
        {"announcement_id": announcement_id},
        deadline_at=due_at + REPORT_WINDOW,
        target_channel_id=channel_id,
        scope=key,
    )


def too_late(due_at: datetime, now: datetime, grace: timedelta) -> bool:
    """Return whether a send at ``now`` is beyond the grace after ``due_at``."""
    return now - due_at > grace
