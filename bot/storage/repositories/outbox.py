"""The outbox: every message the bot will send, with exactly-once bookkeeping.

Life of a row: ``enqueue`` (pending) -> ``claim_due`` (sending) -> ``mark_sent`` (sent),
``mark_failed`` (back to pending at ``retry_at``, or failed), ``mark_skipped`` (past its
deadline or obsolete) or ``to_fallback`` (DMs closed: pending again, routed to a channel).
``cancel`` stops a pending row. ``attempts`` counts finished attempts only: at startup
``recover_sending`` returns rows a killed process left in ``sending`` to ``pending``
without counting one, flagged ``verify`` (the message may have reached Discord).
The unique key stops duplicates at enqueue time, the nonce at send time.
"""

from bot.storage.repositories.outbox_claims import OutboxClaims
from bot.storage.repositories.outbox_queue import OutboxQueue
from bot.storage.repositories.outbox_reads import OutboxReads
from bot.storage.repositories.outbox_rows import (
    STATUSES,
    NewOutboxRow,
    OutboxItem,
    OutboxRoute,
    OutboxStatus,
    PendingKind,
)

__all__ = [
    "STATUSES",
    "NewOutboxRow",
    "OutboxItem",
    "OutboxRepository",
    "OutboxRoute",
    "OutboxStatus",
    "PendingKind",
]


class OutboxRepository(OutboxQueue, OutboxClaims, OutboxReads):
    """The ``outbox`` table: its planning writes, its send bookkeeping and its reads."""
