"""What to do with a row: failure classification, retry backoff, deadlines, lateness.

Failures are classified by what Discord said, never by what discord.py did about it:
connection errors, timeouts, 5xx and 429 (even one discord.py gave up on) are
transient and retried with backoff; only the codes in :data:`PERMANENT_CODES` are
final. Everything else is retried up to the attempt limit.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

# Discord JSON error codes no retry can fix.
CANNOT_MESSAGE_USER = 50007
UNKNOWN_CHANNEL = 10003
UNKNOWN_USER = 10013
MISSING_ACCESS = 50001
MISSING_PERMISSIONS = 50013
PERMANENT_CODES = frozenset(
    {CANNOT_MESSAGE_USER, UNKNOWN_CHANNEL, UNKNOWN_USER, MISSING_ACCESS, MISSING_PERMISSIONS}
)

# Discord returns the earlier message for a repeated nonce only for a few minutes.
NONCE_WINDOW = timedelta(minutes=5)
# Sent later than this after its due time, a row counts as late (and renderers say so).
LATE_AFTER = timedelta(minutes=1)
FIRST_RETRY = timedelta(seconds=2)
# Capped so that a row's retries (2+4+8+16+32+60+60... s) stay within the nonce window
# with the default attempt limit: a resend after an ambiguous failure is deduplicated.
LONGEST_RETRY = timedelta(seconds=60)

Audience = Literal["dm", "channel"]


# discord.py's max_ratelimit_timeout as confbot sets it (its smallest): a 429 asking for
# longer is handed over (the engine schedules the wait); a shorter one discord.py sleeps
# out by itself, inside the request.
WAITED_OUT_BY_DISCORD_PY_SECONDS = 30.0


class DeliveryError(Exception):
    """A request failed. ``permanent`` ones are not retried; ``ambiguous`` ones may have landed.

    ``code`` is Discord's JSON error code (``None`` for network errors), ``status``
    the HTTP status, ``retry_after`` what a 429 asked for, in seconds.
    """

    def __init__(
        self,
        message: str,
        *,
        permanent: bool,
        ambiguous: bool = False,
        code: int | None = None,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.ambiguous = ambiguous
        self.code = code
        self.status = status
        self.retry_after = retry_after


class Skip(Exception):
    """The row no longer needs sending (its session is gone); it is marked skipped."""


def http_failure(
    status: int, code: int | None, text: str, *, retry_after: float | None = None
) -> DeliveryError:
    """Return the :class:`DeliveryError` for an HTTP answer Discord gave."""
    message = f"Discord {status} (code {code}): {text}"[:500]
    if code in PERMANENT_CODES:
        return DeliveryError(message, permanent=True, code=code, status=status)
    # A 5xx may come after Discord stored the message; a 429 never does.
    return DeliveryError(
        message,
        permanent=False,
        ambiguous=status >= 500,
        code=code,
        status=status,
        retry_after=retry_after,
    )


def network_failure(error: BaseException) -> DeliveryError:
    """Return the :class:`DeliveryError` for a connection error or a timeout (may have landed)."""
    return DeliveryError(
        f"network: {type(error).__name__}: {error}"[:500], permanent=False, ambiguous=True
    )


def retry_delay(attempts: int, retry_after: float | None = None) -> timedelta:
    """Return how long to wait before attempt ``attempts + 1`` (2 s, 4 s, ... up to 60 s)."""
    delay = min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_RETRY)
    if retry_after is not None:
        delay = max(delay, timedelta(seconds=retry_after))
    return delay


def nonce_for(key: str) -> str:
    """Return the Discord nonce (at most 25 characters) for an outbox key."""
    return hashlib.sha256(key.encode()).hexdigest()[:25]


@dataclass(frozen=True, slots=True)
class RenderContext:
    """What a renderer knows besides the row: when it is rendered and for whom.

    ``audience`` is ``"dm"`` for one person, ``"channel"`` for a fallback mention
    read by many (use ``<t:…>`` timestamps, not one reader's zone).
    """

    now: datetime
    due_at: datetime
    deadline_at: datetime
    audience: Audience = "dm"

    @property
    def lateness(self) -> timedelta:
        """Return how long after its due time the row is sent (zero when on time)."""
        return max(self.now - self.due_at, timedelta(0))

    @property
    def late(self) -> bool:
        """Return whether the row goes out late enough that its text should say so."""
        return self.lateness > LATE_AFTER


def minutes_phrase(delta: timedelta) -> str:
    """Return "1 minute" / "7 minutes" for a positive duration (rounded down, at least 1)."""
    minutes = max(int(delta.total_seconds() // 60), 1)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
