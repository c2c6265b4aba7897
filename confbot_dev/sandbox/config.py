"""Tunable limits and fault injection settings for the sandbox."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

Clock = Callable[[], float]

MESSAGE_CREATE_ROUTE = "POST /channels/{channel_id}/messages"
EVENT_CREATE_ROUTE = "POST /guilds/{guild_id}/scheduled-events"


@dataclass(frozen=True)
class RouteLimit:
    """Describe one rate-limit bucket: ``limit`` requests every ``per`` seconds."""

    limit: int
    per: float


def _default_routes() -> dict[str, RouteLimit]:
    return {MESSAGE_CREATE_ROUTE: RouteLimit(limit=5, per=5.0)}


@dataclass
class Limits:
    """Hold every limit the sandbox enforces.

    ``clock`` is the bot's clock in seconds: the interaction deadline, the token lifetime,
    the nonce window and the invalid-request window (and so the ban) run on it.
    :class:`~confbot_dev.harness.ConferenceHarness` sets it from its SimulatedClock, so
    ``clock.advance(timedelta(minutes=16))`` ages an interaction token.

    ``bucket_clock`` runs every limit answered with a 429 that discord.py retries: the
    per-route, global and shared buckets and the DM-opening window (40003). It stays real
    time even in the harness: discord.py waits out ``X-RateLimit-Reset-After`` and
    ``Retry-After`` with real sleeps, so buckets on a stopped clock would never refill.
    """

    global_per_second: int = 50
    routes: dict[str, RouteLimit] = field(default_factory=_default_routes)
    default_route: RouteLimit = RouteLimit(limit=100, per=1.0)
    # Per-resource limits shared by every user ("X-RateLimit-Scope: shared"), keyed like
    # ``routes``; counted per top-level resource (channel, guild, webhook).
    shared_routes: dict[str, RouteLimit] = field(default_factory=dict)
    interaction_deadline: float = 3.0
    followup_window: float = 15 * 60.0
    nonce_window: float = 5 * 60.0
    # The rate-limits page: "10,000 per 10 minutes" 401/403/429 answers, then a ban.
    invalid_request_limit: int = 10_000
    invalid_request_window: float = 10 * 60.0
    # POST /users/@me/channels for a new recipient, per sliding minute (40003 beyond).
    dm_channels_per_minute: int = 30
    heartbeat_interval_ms: int = 41_250
    # How long a heartbeat's ACK takes to come back, as over a network. discord.py's keep-alive
    # thread notes when it sent a heartbeat only after the send returns; an ACK processed
    # before that (a loopback answers at once) makes it measure from the previous beat and
    # report ~41 s of latency ("Can't keep up"). Discord's own round trip is tens of ms.
    heartbeat_ack_delay: float = 0.01
    wait_timeout: float = 10.0
    clock: Clock = time.monotonic
    # Discord's wall clock as a Unix time, which an interaction's id carries (its
    # ``created_at``, what the bot compares with its clock to see how long it waited). The
    # harness sets it to the bot's SimulatedClock, as Discord and a bot share real time.
    wall_clock: Clock = time.time
    bucket_clock: Clock = time.monotonic

    def shared_limit(self, route_key: str) -> RouteLimit | None:
        """Return the shared per-resource limit for ``"METHOD /template"``, if any."""
        return self.shared_routes.get(route_key)

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
    # Share of message creates that are stored and then answered with one of
    # ``error_statuses`` (a 5xx after the commit: the client cannot tell it landed).
    stored_error_rate: float = 0.0
    # At most this many stored-then-5xx answers in all (``None``: no limit). With 500 or
    # 502 discord.py retries the request itself, so a limit of 1 stores a create twice.
    stored_error_limit: int | None = None
    # The routes ``disconnect_rate`` and ``stored_error_rate`` apply to (stored, then the
    # answer lost): message creates by default; add EVENT_CREATE_ROUTE to lose event creates.
    stored_routes: frozenset[str] = frozenset({MESSAGE_CREATE_ROUTE})
    # The next request on ``long_retry_after_route`` is a user-scope 429 whose Retry-After
    # is this many seconds of the bot's clock (``Limits.clock``); the route stays limited
    # until then (topics/rate-limits: "wait retry_after seconds before retrying"). Over
    # discord.py's smallest ``max_ratelimit_timeout`` (30 s) discord.py hands it to the bot
    # at once (``RateLimited``) instead of sleeping it in real time. 0: off.
    long_retry_after: float = 0.0
    long_retry_after_route: str = MESSAGE_CREATE_ROUTE
    # The long Retry-After is global instead (topics/rate-limits, "Global Rate Limit":
    # ``"global": true``, ``X-RateLimit-Global``, scope "global"): every route but the
    # interaction endpoints is refused until it is over.
    long_retry_after_global: bool = False
