"""The sandbox in a child process, for delivery benchmarks: the bot's process measures only the bot.

The parent (the bot) talks to the child over a pipe: ``init`` builds the conference
server with N subscribers (some with DMs closed; ``cold``: none of their DM channels
exists yet, so each open counts towards ``dm_channels_per_minute``, 40003 beyond),
``probe_start``/``probe_stop`` run ``/about`` as an attendee during a fan-out and
return the round trips, ``stats`` returns when each subscriber saw their message and by
which route (a DM, or a mention in #general), and what the sandbox counted (429s by
scope, invalid requests, requests by route, DM opens and 40003 refusals), ``stop`` ends the child.

``events`` lists the server's scheduled events, ``press`` has subscribers press
Interested (with the gateway event, or silently as while the bot is down).
``wall_offset`` moves Discord's wall clock, and with ``clock_follows_wall`` at ``init``
the sandbox's clock too (scheduled events start and end on it).

With ``observe=True`` at ``init`` (``bench/takeover.py``), an outer middleware also
records every message the bot created (when, from which local TCP port of the bot's
side, in which channel, its id) and how many gateway sockets were open at once:
``stats`` then has ``sends`` and ``gateway`` (``open``, ``max_open``, ``connections``).

Invalid requests: the sandbox's own ``invalid_requests`` counter when it has one (the
hardening work adds Discord's accounting); otherwise the 401, 403 and 429 answers in the
transcript are counted here, which is what Discord counts towards its ban.
"""

from __future__ import annotations

import asyncio
import cProfile
import json
import multiprocessing
import multiprocessing.connection
import os
import random
import time
from typing import Any

from aiohttp import web

from bot.config import Config
from confbot_dev.harness import build_conference_server
from confbot_dev.sandbox import Limits, RouteLimit, Sandbox
from confbot_dev.sandbox.server import Handler, Middleware

INTERACTION_PREFIXES = ("/interactions/", "/webhooks/")


def _child(connection: multiprocessing.connection.Connection) -> None:
    profile = os.environ.get("SANDBOX_PROFILE")  # where to write the child's cProfile stats
    if not profile:
        asyncio.run(_serve(connection))
        return
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        asyncio.run(_serve(connection))
    finally:
        profiler.disable()
        profiler.dump_stats(profile)


async def _serve(connection: multiprocessing.connection.Connection) -> None:
    loop = asyncio.get_running_loop()
    request = await loop.run_in_executor(None, connection.recv)
    # Interaction ids carry Discord's wall clock; the bot reads it on its simulated clock.
    wall_offset = [float(request.get("wall_offset", 0.0))]
    limits = Limits(
        global_per_second=int(request["global_per_second"]),
        default_route=RouteLimit(limit=100_000, per=1.0),
        wall_clock=lambda: time.time() + wall_offset[0],
        dm_channels_per_minute=int(request.get("dm_channels_per_minute", 30)),
    )
    if request.get("clock_follows_wall"):
        limits.clock = limits.wall_clock
    sends: list[tuple[float, int, int, int]] = []
    gateway = {"open": 0, "max_open": 0, "connections": 0}
    observers = [_observer(sends, gateway)] if request.get("observe") else []
    sandbox = Sandbox(
        limits=limits,
        bot_name="confbot",
        # Checking every body against the spec costs the sandbox (Discord's side) CPU.
        validate_requests=bool(request.get("validate_requests", True)),
        observers=observers,
    )
    await sandbox.start()
    server = build_conference_server(sandbox, Config())
    chooser = random.Random(request.get("seed", 0))
    closed_share = float(request.get("closed_share", 0.0))
    users = []
    closed = []
    for number in range(int(request["subscribers"])):
        dms_open = chooser.random() >= closed_share
        user = sandbox.add_member(server.guild, f"subscriber{number}", dms_open=dms_open)
        users.append(user)
        if not dms_open:
            closed.append(user.id)
    attendees = [
        sandbox.add_member(server.guild, f"attendee{number}")
        for number in range(int(request.get("attendees", 0)))
    ]
    # Cold: no DM channel exists until the bot opens one (counted towards the 40003 limit).
    cold = bool(request.get("cold", False))
    dm_channels = {} if cold else {user.id: sandbox.dm_channel(user).id for user in users}
    general = server.channels["general"]
    received: dict[int, list[float]] = {}
    routes: dict[int, str] = {}  # how each subscriber was first reached: "dm" or "mention"

    def record(message: dict[str, Any], edited: bool) -> None:
        if edited:
            return
        now = time.time()
        channel = sandbox.world.channels.get(int(message["channel_id"]))
        if channel is not None and channel.is_dm and channel.recipient is not None:
            received.setdefault(channel.recipient.id, []).append(now)
            routes.setdefault(channel.recipient.id, "dm")
        elif channel is not None and channel.id == general.id:
            allowed = message.get("allowed_mentions") or {}
            for user_id in allowed.get("users", []):
                received.setdefault(int(user_id), []).append(now)
                routes.setdefault(int(user_id), "mention")

    sandbox.on_bot_message(record)
    connection.send(
        {
            "env": sandbox.env(),
            "users": [user.id for user in users],
            "closed": closed,
            "dm_channels": dm_channels,
            "general": general.id,
        }
    )
    probe: asyncio.Task[list[float]] | None = None
    probing = asyncio.Event()
    alice = server.members["alice"]

    async def probe_loop(interval: float) -> list[float]:
        latencies: list[float] = []
        while probing.is_set():
            started = time.perf_counter()
            await sandbox.invoke(alice, "about", channel=general, timeout=30)
            latencies.append((time.perf_counter() - started) * 1000)
            await asyncio.sleep(interval)
        return latencies

    while True:
        command = await loop.run_in_executor(None, connection.recv)
        operation = command["op"]
        if operation == "probe_start":
            probing.set()
            probe = asyncio.create_task(probe_loop(float(command.get("interval", 0.1))))
            connection.send({"ok": True})
        elif operation == "probe_stop":
            probing.clear()
            latencies = await probe if probe is not None else []
            connection.send({"latencies_ms": latencies})
        elif operation == "wall_offset":
            wall_offset[0] = float(command["seconds"])
            connection.send({"ok": True})
        elif operation == "burst":
            connection.send(await _burst(sandbox, attendees, general, command["actions"]))
        elif operation == "stats":
            stats = _stats(sandbox, received, routes)
            if observers:
                stats.update(sends=list(sends), gateway=dict(gateway))
            connection.send(stats)
        elif operation == "events":
            connection.send({"events": _events(sandbox, server.guild)})
        elif operation == "press":
            pressed_at: list[float] = []
            for number, event_id in command["pairs"]:
                event = sandbox.world.scheduled_events[int(event_id)]
                user = users[int(number)]
                if command.get("dispatch", True):
                    pressed_at.append(time.time())
                    await sandbox.scheduled_events.press_interested(event, user)
                else:
                    event.users.add(user.id)
            connection.send({"pressed_at": pressed_at})
        elif operation == "stop":
            await sandbox.stop()
            connection.send({"ok": True})
            return


async def _burst(
    sandbox: Sandbox, attendees: list[Any], channel: Any, actions: list[dict[str, Any]]
) -> dict[str, Any]:
    """Send every action's interaction at once; return what the sandbox saw of each answer.

    An action is ``{"who": n, "command": "now", "options": {...}}`` (``"focused"`` makes it
    an autocomplete). Times are measured here, from the interaction's creation (where its
    3 s deadline starts) to the bot's first response (any callback: an answer, a defer, the
    choices) and to its final answer (the message, or the follow-up after a defer).
    ``after_error`` counts requests the bot made for an interaction after Discord refused
    one of them (answering a dead interaction again).
    """
    first: dict[int, float] = {}
    final: dict[int, float] = {}

    def acknowledged(rec: Any) -> None:
        first.setdefault(rec.id, time.monotonic())

    def done(rec: Any) -> None:
        first.setdefault(rec.id, time.monotonic())
        final.setdefault(rec.id, time.monotonic())

    unsubscribe = [
        sandbox.bus.subscribe("interaction_ack", acknowledged),
        sandbox.bus.subscribe("interaction_done", done),
    ]
    requests_before = len(sandbox.transcript.requests())
    rejected_before = len(sandbox.rejections) + len(sandbox.allowed_rejections)
    started = len(sandbox.world.interactions)
    cpu_before = time.process_time()

    async def one(action: dict[str, Any]) -> str | None:
        user = attendees[int(action["who"])]
        try:
            if action.get("focused"):
                await sandbox.autocomplete(
                    user,
                    action["command"],
                    action.get("options") or {},
                    focused=action["focused"],
                    channel=channel,
                    timeout=600,
                )
            else:
                await sandbox.invoke(
                    user,
                    action["command"],
                    action.get("options") or {},
                    channel=channel,
                    timeout=600,
                )
        except AssertionError as error:  # the sandbox refused the bot's answer
            return str(error)
        except TimeoutError:
            return "timeout"
        return None

    outcomes = await asyncio.gather(*(one(action) for action in actions))
    cpu = time.process_time() - cpu_before
    for stop in unsubscribe:
        stop()
    records = list(sandbox.world.interactions.values())[started:]
    requests = sandbox.transcript.requests()[requests_before:]
    refused = [
        *sandbox.rejections,
        *sandbox.allowed_rejections,
    ][rejected_before:]
    codes: dict[str, int] = {}
    for record in refused:
        code = record.response.get("code") if isinstance(record.response, dict) else None
        codes[str(code or record.status)] = codes.get(str(code or record.status), 0) + 1
    # Requests for an interaction after one of its requests was refused.
    after_error = 0
    failed_tokens: set[str] = set()
    tokens = {rec.token for rec in records}
    for record in requests:
        # /interactions/{id}/{token}/callback and /webhooks/{application}/{token}/...
        parts = record.path.split("/")
        token = parts[3] if len(parts) > 3 and parts[1] in ("interactions", "webhooks") else ""
        if token not in tokens:
            continue
        if token in failed_tokens:
            after_error += 1
        elif record.status >= 400 and record.status != 429:
            failed_tokens.add(token)
    return {
        "first_ms": [(first[rec.id] - rec.created_at) * 1000 for rec in records if rec.id in first],
        "final_ms": [(final[rec.id] - rec.created_at) * 1000 for rec in records if rec.id in final],
        "kinds": [
            [rec.what, (first.get(rec.id, 0) - rec.created_at) * 1000, rec.callback_type]
            for rec in records
        ],
        # How long the sandbox took to create and send them all (Discord's side).
        "dispatch_spread_ms": (
            (max(rec.created_at for rec in records) - min(rec.created_at for rec in records)) * 1000
            if records
            else 0.0
        ),
        "deadline_misses": sum(1 for rec in records if rec.expired),
        "deferred": sum(1 for rec in records if rec.callback_type == 5),
        "unanswered": sum(1 for outcome in outcomes if outcome == "timeout"),
        "failed": [outcome for outcome in outcomes if outcome][:5],
        "failed_count": sum(1 for outcome in outcomes if outcome),
        "refused_by_code": codes,
        "refused_examples": [
            f"{record.method} {record.route} {record.status} {record.body}"
            for record in refused[:5]
        ],
        "refused": len(refused),
        "requests_after_a_refusal": after_error,
        "requests": len(requests),
        "sandbox_cpu_seconds": cpu,
    }


def _observer(sends: list[tuple[float, int, int, int]], gateway: dict[str, int]) -> Middleware:
    """Return a middleware recording created messages and open gateway sockets."""

    @web.middleware
    async def observe(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path.startswith("/gateway"):
            gateway["open"] += 1
            gateway["connections"] += 1
            gateway["max_open"] = max(gateway["max_open"], gateway["open"])
            try:
                return await handler(request)
            finally:
                gateway["open"] -= 1
        peer = request.transport.get_extra_info("peername") if request.transport else None
        response = await handler(request)
        if (
            request.method == "POST"
            and request.path.endswith("/messages")
            and response.status == 200
            and isinstance(response, web.Response)
            and isinstance(response.body, bytes)
            and peer is not None
        ):
            message = json.loads(response.body)
            sends.append(
                (time.time(), int(peer[1]), int(message["channel_id"]), int(message["id"]))
            )
        return response

    return observe


def _events(sandbox: Sandbox, guild: Any) -> list[dict[str, Any]]:
    return [
        {
            "id": event.id,
            "name": event.name,
            "start": event.start.isoformat(),
            "status": event.status,
            "description": event.description or "",
            "users": len(event.users),
        }
        for event in sandbox.scheduled_events.in_guild(guild)
    ]


def _stats(
    sandbox: Sandbox, received: dict[int, list[float]], routes: dict[int, str]
) -> dict[str, Any]:
    requests = [
        record
        for record in sandbox.transcript.requests()
        if not record.route.startswith(INTERACTION_PREFIXES)
    ]
    by_route: dict[str, int] = {}
    for record in requests:
        name = f"{record.method} {record.route}"
        by_route[name] = by_route.get(name, 0) + 1
    counted = getattr(sandbox, "invalid_requests", None)
    if isinstance(counted, dict):  # the sandbox's own accounting: {"total": ..., ...}
        counted = counted.get("total")
    invalid = (
        counted
        if isinstance(counted, int)
        else sum(1 for record in sandbox.transcript.requests() if record.status in (401, 403, 429))
    )
    general = int(
        sandbox.world.channels
        and next(
            (
                channel.id
                for channel in sandbox.world.channels.values()
                if channel.name == "general"
            ),
            0,
        )
    )
    return {
        "received": received,
        "routes": routes,
        "dm_opens": sum(
            1
            for record in requests
            if record.method == "POST" and record.route == "/users/@me/channels"
        ),
        "dm_open_refusals": sum(
            1
            for record in requests
            if isinstance(record.response, dict) and record.response.get("code") == 40003
        ),
        "refused_dms": sum(1 for record in requests if record.status == 403),
        "mention_posts": sum(
            1
            for record in requests
            if record.method == "POST" and record.path == f"/channels/{general}/messages"
        ),
        "requests": len(requests),
        "requests_by_route": by_route,
        "ratelimit_hits": sandbox.ratelimit_hits,
        "invalid_requests": invalid,
        "invalid_requests_source": "sandbox" if isinstance(counted, int) else "transcript",
        "injected_faults": sandbox.injected_faults,
    }


class SandboxProcess:
    """The parent's handle on the sandbox child process."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._connection, child_end = context.Pipe()
        self._process = context.Process(target=_child, args=(child_end,), daemon=True)

    async def start(self, **init: Any) -> dict[str, Any]:
        """Start the child and build its world; return what ``init`` answered."""
        self._process.start()
        return await self.call("init", **init)

    async def call(self, operation: str, **arguments: Any) -> dict[str, Any]:
        """Send one command and wait for its answer (off the event loop)."""
        self._connection.send({"op": operation, **arguments})
        loop = asyncio.get_running_loop()
        answer: dict[str, Any] = await loop.run_in_executor(None, self._connection.recv)
        return answer

    async def stop(self) -> None:
        """Stop the sandbox and wait for the child to exit."""
        await self.call("stop")
        await asyncio.get_running_loop().run_in_executor(None, self._process.join, 10)
