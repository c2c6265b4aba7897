"""Enforce Discord-style rate limits and the invalid-request limit, with injectable clocks."""

from __future__ import annotations

import hashlib
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

from confbot_dev.sandbox.config import Clock, Faults, Limits, RouteLimit


@dataclass
class _Window:
    limit: int
    per: float
    reset_at: float = 0.0
    used: int = 0

    def roll(self, now: float) -> None:
        if now >= self.reset_at:
            self.used = 0
            self.reset_at = now + self.per


@dataclass
class Verdict:
    """Decide one request: ``allowed`` or a 429 ``body``; ``headers`` always apply."""

    allowed: bool
    headers: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] | None = None
    scope: str | None = None


def bucket_hash(route_key: str) -> str:
    """Return a stable opaque bucket id for ``"METHOD /template"``."""
    return hashlib.sha256(route_key.encode()).hexdigest()[:16]


class RateLimiter:
    """Count requests per bucket and globally; remember every 429 by scope."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._buckets: dict[str, _Window] = {}
        self._global = _Window(limit=limits.global_per_second, per=1.0)
        self.hits: Counter[str] = Counter()
        # The long Retry-After fault: when its route frees (bot clock), and how many
        # requests came back before that.
        self._held_until: float | None = None
        self.early_retries = 0

    def check_long_retry_after(
        self, route_key: str, faults: Faults, *, exempt: bool = False
    ) -> Verdict:
        """Answer ``Faults.long_retry_after``: one 429 on its route, held on the bot's clock.

        The rate-limits page: a 429 says how long to wait in ``retry_after`` (and the
        ``Retry-After`` header); a request on the route before then is limited again. The
        fault is used up by the request it refuses; each request that comes back too early
        is counted in :attr:`early_retries` and refused with the time still to wait.
        """
        scope = "global" if faults.long_retry_after_global else "user"
        if scope == "global" and exempt:
            return Verdict(allowed=True)
        if scope == "user" and route_key != faults.long_retry_after_route:
            return Verdict(allowed=True)
        now = self.limits.clock()
        if self._held_until is None:
            if faults.long_retry_after <= 0:
                return Verdict(allowed=True)
            self._held_until = now + faults.long_retry_after
            faults.long_retry_after = 0.0
        elif now >= self._held_until:
            self._held_until = None
            return Verdict(allowed=True)
        else:
            self.early_retries += 1
        retry = self._held_until - now
        self.hits[scope] += 1
        if scope == "global":
            headers = {
                "X-RateLimit-Global": "true",
                "X-RateLimit-Scope": "global",
                "Retry-After": f"{retry:.3f}",
            }
        else:
            headers = {
                "X-RateLimit-Limit": "1",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset-After": f"{retry:.3f}",
                "X-RateLimit-Bucket": bucket_hash(route_key),
                "X-RateLimit-Scope": "user",
                "Retry-After": f"{retry:.3f}",
            }
        return Verdict(
            allowed=False,
            headers=headers,
            body={
                "message": "You are being rate limited.",
                "retry_after": round(retry, 3),
                "global": scope == "global",
            },
            scope=scope,
        )

    def check(self, route_key: str, major: str, *, global_exempt: bool) -> Verdict:
        """Charge one request to its buckets and say whether it may proceed."""
        now = self.limits.bucket_clock()
        if not global_exempt:
            self._global.limit = self.limits.global_per_second
            self._global.roll(now)
            if self._global.used >= self._global.limit:
                retry = max(self._global.reset_at - now, 0.0)
                self.hits["global"] += 1
                return Verdict(
                    allowed=False,
                    headers={
                        "X-RateLimit-Global": "true",
                        "X-RateLimit-Scope": "global",
                        "Retry-After": f"{retry:.3f}",
                    },
                    body={
                        "message": "You are being rate limited.",
                        "retry_after": round(retry, 3),
                        "global": True,
                    },
                    scope="global",
                )
        limit: RouteLimit = self.limits.route_limit(route_key)
        digest = bucket_hash(route_key)
        key = f"{digest}:{major}"
        window = self._buckets.get(key)
        if window is None:
            window = self._buckets[key] = _Window(limit=limit.limit, per=limit.per)
        window.roll(now)
        reset_after = max(window.reset_at - now, 0.0)
        headers = {
            "X-RateLimit-Limit": str(window.limit),
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": digest,
        }
        if window.used >= window.limit:
            self.hits["user"] += 1
            headers.update(
                {
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Scope": "user",
                    "Retry-After": f"{reset_after:.3f}",
                }
            )
            body = {
                "message": "You are being rate limited.",
                "retry_after": round(reset_after, 3),
                "global": False,
            }
            return Verdict(allowed=False, headers=headers, body=body, scope="user")
        window.used += 1
        if not global_exempt:
            self._global.used += 1
        headers["X-RateLimit-Remaining"] = str(window.limit - window.used)
        return Verdict(allowed=True, headers=headers)

    def check_shared(self, route_key: str, major: str) -> Verdict:
        """Charge one request to the route's shared per-resource limit, if it has one.

        The rate-limits page's "Exceeded Resource Rate Limit" example: scope ``shared``, the
        message "The resource is being rate limited.", and ``X-RateLimit-Remaining`` left as
        the user's own bucket says (the user did not exhaust it).
        """
        limit = self.limits.shared_limit(route_key)
        if limit is None:
            return Verdict(allowed=True)
        now = self.limits.bucket_clock()
        key = f"shared:{bucket_hash(route_key)}:{major}"
        window = self._buckets.get(key)
        if window is None:
            window = self._buckets[key] = _Window(limit=limit.limit, per=limit.per)
        window.roll(now)
        if window.used < window.limit:
            window.used += 1
            return Verdict(allowed=True)
        retry = max(window.reset_at - now, 0.0)
        self.hits["shared"] += 1
        return Verdict(
            allowed=False,
            headers={"X-RateLimit-Scope": "shared", "Retry-After": f"{retry:.3f}"},
            body={
                "message": "The resource is being rate limited.",
                "retry_after": round(retry, 3),
                "global": False,
            },
            scope="shared",
        )


class SlidingWindow:
    """Remember events for ``per`` seconds of an injectable clock; count what is inside."""

    def __init__(self, clock: Clock, per: float) -> None:
        self._clock = clock
        self.per = per
        self._events: deque[tuple[float, int]] = deque()

    def _expire(self, now: float) -> None:
        while self._events and self._events[0][0] <= now - self.per:
            self._events.popleft()
        if self._events and self._events[-1][0] > now:
            # The clock was set backwards (SimulatedClock.set): forget the "future".
            self._events = deque(event for event in self._events if event[0] <= now)

    def add(self, tag: int = 0) -> None:
        """Record one event tagged ``tag`` (an HTTP status, say) at the current instant."""
        now = self._clock()
        self._expire(now)
        self._events.append((now, tag))

    def tags(self) -> list[int]:
        """Return the tags of the events still inside the window, oldest first."""
        self._expire(self._clock())
        return [tag for _at, tag in self._events]

    def until_below(self, count: int) -> float:
        """Return the seconds until fewer than ``count`` events remain inside the window."""
        now = self._clock()
        self._expire(now)
        excess = len(self._events) - count
        if excess < 0:
            return 0.0
        return max(self._events[excess][0] + self.per - now, 0.0)


class InvalidRequests:
    """Count 401, 403 and non-shared 429 answers, the way Discord's ban threshold does.

    The rate-limits page ("Invalid Request Limit aka Cloudflare bans"): an invalid request
    is one that results in 401, 403 or 429; "429 errors returned with X-RateLimit-Scope:
    shared are not counted against you"; the limit is 10,000 per 10 minutes.
    """

    STATUSES = (401, 403, 429)

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.total: Counter[int] = Counter()
        self._window = SlidingWindow(lambda: self.limits.clock(), limits.invalid_request_window)

    @staticmethod
    def counts(status: int, scope: str | None) -> bool:
        """Return whether an answer with ``status`` (and 429 ``scope``) is an invalid request."""
        return status in InvalidRequests.STATUSES and not (status == 429 and scope == "shared")

    def record(self, status: int, scope: str | None) -> None:
        """Count one answer if it is an invalid request."""
        if self.counts(status, scope):
            self.total[status] += 1
            self._window.add(status)

    def in_window(self) -> Counter[int]:
        """Return the invalid requests of the last window, by status."""
        self._window.per = self.limits.invalid_request_window
        return Counter(self._window.tags())

    def banned(self) -> bool:
        """Return whether the in-window count has reached the configured limit."""
        return self.ban_lifts_in() > 0

    def ban_lifts_in(self) -> float:
        """Return the seconds until the in-window count drops below the limit (0: no ban)."""
        self._window.per = self.limits.invalid_request_window
        return self._window.until_below(self.limits.invalid_request_limit)
