"""A scheduled announcement is one outbox row per channel, keyed by its id and the channel.

All of an announcement's rows share one scope (``announcement:<id>``), so editing or
cancelling it touches exactly its copies. Announcements queued before several channels
existed keep their single row keyed ``announcement:<id>`` (the storage copy remembers it).

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


# Each channel is one request and one line in the moderation log and /announce list.
MAX_CHANNELS = 5


def announcement_scope(announcement_id: int) -> str:
    """Return the outbox scope shared by every copy of an announcement."""
    return f"{ANNOUNCEMENT}:{announcement_id}"


def announcement_key(announcement_id: int, channel_id: int) -> str:
    """Return the outbox key of the announcement's copy in one channel: posted once there."""
    return f"{ANNOUNCEMENT}:{announcement_id}:{channel_id}"


def announcement_row(
    engine: DeliveryEngine,
    announcement_id: int,
    channel_id: int,
    due_at: datetime,
    key: str | None = None,
) -> NewOutboxRow:
    """Return the outbox row that posts the announcement in one channel at ``due_at``.

    ``key`` is the copy's stored key (an old single-channel announcement's differs).
    """
    return engine.message(
        key or announcement_key(announcement_id, channel_id),
        ANNOUNCEMENT,
        due_at,
        {"announcement_id": announcement_id},
        deadline_at=due_at + REPORT_WINDOW,
        target_channel_id=channel_id,
        scope=announcement_scope(announcement_id),
    )


def too_late(due_at: datetime, now: datetime, grace: timedelta) -> bool:
    """Return whether a send at ``now`` is beyond the grace after ``due_at``."""
    return now - due_at > grace
