"""The outbox's rows: what a row holds, what a planner writes, what a preview counts.

Plain data shared by the outbox repository's parts (:mod:`~bot.storage.repositories.outbox`),
with the column list every ``SELECT`` and ``RETURNING`` uses and its decoding.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, cast

from bot.storage._codec import from_db_time, from_db_time_or_none, from_json
from bot.storage._executor import Row

OutboxStatus = Literal["pending", "sending", "sent", "failed", "skipped", "cancelled"]
OutboxRoute = Literal["direct", "fallback"]
STATUSES: tuple[OutboxStatus, ...] = (
    "pending",
    "sending",
    "sent",
    "failed",
    "skipped",
    "cancelled",
)


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """One outbox row. ``payload`` is the JSON object given at enqueue time."""

    id: int
    key: str
    kind: str
    due_at: datetime
    status: OutboxStatus
    attempts: int
    last_error: str | None
    payload: dict[str, Any]
    target_user_id: int | None
    target_channel_id: int | None
    discord_message_id: int | None
    created_at: datetime
    updated_at: datetime
    deadline_at: datetime
    session_id: str | None = None
    scope: str | None = None
    route: OutboxRoute = "direct"
    fallback_channel_id: int | None = None
    verify: bool = False
    late: bool = False
    claimed_at: datetime | None = None
    sent_at: datetime | None = None
    # The due time it was planned for, when a retry moved ``due_at`` (``None`` before).
    planned_due_at: datetime | None = None

    @property
    def planned_due(self) -> datetime:
        """Return when the row was due: retries move ``due_at``, not this."""
        return self.planned_due_at or self.due_at


@dataclass(frozen=True, slots=True)
class NewOutboxRow:
    """A row to enqueue: see :meth:`OutboxRepository.enqueue` for the fields."""

    key: str
    kind: str
    due_at: datetime
    deadline_at: datetime
    payload: dict[str, Any] = field(default_factory=dict)
    target_user_id: int | None = None
    target_channel_id: int | None = None
    fallback_channel_id: int | None = None
    session_id: str | None = None
    scope: str | None = None


@dataclass(frozen=True, slots=True)
class PendingKind:
    """Pending rows of one kind due soon: how many, to how many users, the first, a sample."""

    kind: str
    count: int
    recipients: int
    first_due: datetime
    sample_id: int


OUTBOX_COLUMNS = (
    "id, key, kind, due_at, status, attempts, last_error, payload, target_user_id,"
    " target_channel_id, discord_message_id, created_at, updated_at, deadline_at, session_id,"
    " scope, route, fallback_channel_id, verify, late, claimed_at, sent_at, planned_due_at"
)


def outbox_item(row: Row) -> OutboxItem:
    """Return the :class:`OutboxItem` of a row selected with :data:`OUTBOX_COLUMNS`."""
    return OutboxItem(
        id=row["id"],
        key=row["key"],
        kind=row["kind"],
        due_at=from_db_time(row["due_at"]),
        status=cast(OutboxStatus, row["status"]),
        attempts=row["attempts"],
        last_error=row["last_error"],
        payload=from_json(row["payload"]),
        target_user_id=row["target_user_id"],
        target_channel_id=row["target_channel_id"],
        discord_message_id=row["discord_message_id"],
        created_at=from_db_time(row["created_at"]),
        updated_at=from_db_time(row["updated_at"]),
        deadline_at=from_db_time(row["deadline_at"]),
        session_id=row["session_id"],
        scope=row["scope"],
        route=cast(OutboxRoute, row["route"]),
        fallback_channel_id=row["fallback_channel_id"],
        verify=bool(row["verify"]),
        late=bool(row["late"]),
        claimed_at=from_db_time_or_none(row["claimed_at"]),
        sent_at=from_db_time_or_none(row["sent_at"]),
        planned_due_at=from_db_time_or_none(row["planned_due_at"]),
    )
