"""Tunable limits and fault injection settings for the sandbox."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

Clock = Callable[[], float]

MESSAGE_CREATE_ROUTE = "POST /channels/{channel_id}/messages"


@dataclass(frozen=True)
class RouteLimit:
    """Describe one rate-limit bucket: ``limit`` requests every ``per`` seconds."""

    limit: int
    per: float


def _default_routes() -> dict[str, RouteLimit]:
    return {MESSAGE_CREATE_ROUTE: RouteLimit(limit=5, per=5.0)}


@dataclass
class Limits:
    """Hold every limit the sandbox enforces; ``clock`` is monotonic seconds."""

    global_per_second: int = 50
    routes: dict[str, RouteLimit] = field(default_factory=_default_routes)
    default_route: RouteLimit = RouteLimit(limit=100, per=1.0)
    interaction_deadline: float = 3.0
    followup_window: float = 15 * 60.0
    nonce_window: float = 5 * 60.0
    heartbeat_interval_ms: int = 41_250
    wait_timeout: float = 10.0
    clock: Clock = time.monotonic

    def route_limit(self, route_key: str) -> RouteLimit:
        """Return the bucket limit for ``"METHOD /template"``."""
        return self.routes.get(route_key, self.default_route)


@dataclass
class Faults:
    """Describe injected faults; everything is off by default."""

    error_rate: float = 0.0
    error_statuses: tuple[int, ...] = (500, 502)
    latency: float = 0.0
    seed: int = 0
    # Share of message creates that are stored and then answered by closing the
    # connection (the client sees aiohttp.ServerDisconnectedError after the commit).
    disconnect_rate: float = 0.0
