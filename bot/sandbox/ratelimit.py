"""Enforce Discord-style global and per-route rate limits with an injectable clock."""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from bot.sandbox.config import Limits, RouteLimit


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

    def check(self, route_key: str, major: str, *, global_exempt: bool) -> Verdict:
        """Charge one request to its buckets and say whether it may proceed."""
        now = self.limits.clock()
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
