"""The sandbox in a child process, for delivery benchmarks: the bot's process measures only the bot.

The parent (the bot) talks to the child over a pipe: ``init`` builds the conference
server with N subscribers (some with DMs closed; ``cold``: none of their DM channels
exists yet, so each open counts towards ``dm_channels_per_minute``, 40003 beyond),
``probe_start``/``probe_stop`` run ``/about`` as an attendee during a fan-out and
return the round trips, ``stats`` returns when each subscriber saw their message and by
which route (a DM, or a mention in #general), and what the sandbox counted (429s by
scope, invalid requests, requests by route, DM opens and 40003 refusals), ``stop`` ends the child.

Invalid requests: the sandbox's own ``invalid_requests`` counter when it has one (the
hardening work adds Discord's accounting); otherwise the 401, 403 and 429 answers in the
transcript are counted here, which is what Discord counts towards its ban.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import multiprocessing.connection
import random
import time
from typing import Any

from bot.config import Config
from confbot_dev.harness import build_conference_server
from confbot_dev.sandbox import Limits, RouteLimit, Sandbox

INTERACTION_PREFIXES = ("/interactions/", "/webhooks/")


def _child(connection: multiprocessing.connection.Connection) -> None:
    asyncio.run(_serve(connection))


async def _serve(connection: multiprocessing.connection.Connection) -> None:
    loop = asyncio.get_running_loop()
    request = await loop.run_in_executor(None, connection.recv)
    limits = Limits(
        global_per_second=int(request["global_per_second"]),
        default_route=RouteLimit(limit=100_000, per=1.0),
        dm_channels_per_minute=int(request.get("dm_channels_per_minute", 30)),
    )
    sandbox = Sandbox(limits=limits, bot_name="confbot")
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
        elif operation == "stats":
            connection.send(_stats(sandbox, received, routes))
        elif operation == "stop":
            await sandbox.stop()
            connection.send({"ok": True})
            return


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
