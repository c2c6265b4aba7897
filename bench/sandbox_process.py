"""The sandbox in a child process, for delivery benchmarks: the bot's process measures only the bot.

The parent (the bot) talks to the child over a pipe: ``init`` builds the conference
server with N subscribers (some with DMs closed), ``probe_start``/``probe_stop`` run
``/about`` as an attendee during a fan-out and return the round trips, ``stats``
returns when each subscriber saw their message and what the sandbox counted (429s by
scope, invalid requests, requests by route), ``stop`` ends the child.

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
import json
import multiprocessing
import multiprocessing.connection
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
    asyncio.run(_serve(connection))


async def _serve(connection: multiprocessing.connection.Connection) -> None:
    loop = asyncio.get_running_loop()
    request = await loop.run_in_executor(None, connection.recv)
    limits = Limits(
        global_per_second=int(request["global_per_second"]),
        default_route=RouteLimit(limit=100_000, per=1.0),
    )
    sends: list[tuple[float, int, int, int]] = []
    gateway = {"open": 0, "max_open": 0, "connections": 0}
    observers = [_observer(sends, gateway)] if request.get("observe") else []
    sandbox = Sandbox(limits=limits, bot_name="confbot", observers=observers)
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
    channel_owner = {sandbox.dm_channel(user).id: user.id for user in users}
    general = server.channels["general"]
    received: dict[int, list[float]] = {}

    def record(message: dict[str, Any], edited: bool) -> None:
        if edited:
            return
        now = time.time()
        channel_id = int(message["channel_id"])
        if channel_id in channel_owner:
            received.setdefault(channel_owner[channel_id], []).append(now)
        elif channel_id == general.id:
            allowed = message.get("allowed_mentions") or {}
            for user_id in allowed.get("users", []):
                received.setdefault(int(user_id), []).append(now)

    sandbox.on_bot_message(record)
    connection.send(
        {
            "env": sandbox.env(),
            "users": [user.id for user in users],
            "closed": closed,
            "dm_channels": {user.id: sandbox.dm_channel(user).id for user in users},
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
        elif operation == "stats":
            stats = _stats(sandbox, received)
            if observers:
                stats.update(sends=list(sends), gateway=dict(gateway))
            connection.send(stats)
        elif operation == "stop":
            await sandbox.stop()
            connection.send({"ok": True})
            return


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


def _stats(sandbox: Sandbox, received: dict[int, list[float]]) -> dict[str, Any]:
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
