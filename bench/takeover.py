"""Benchmark takeovers: the active `confbot run` SIGKILLed mid fan-out, a standby finishing it.

Usage: ``python bench/takeover.py [--dms 1000] [--kills 10] [--takeover-seconds 3]
[--restart-database] [--outage-seconds 2]``. Prints one JSON object.

A throw-away PostgreSQL cluster holds one database; the sandbox runs in its own process
(``bench/sandbox_process.py``, Discord's global 50 requests/s) and ``--dms`` reminders
are due at once, one DM each. Two ``confbot run`` processes start on it (one takes the
lease, the other stands by). Each time the active has sent its share of the fan-out
(``dms / (2 x (kills + 1))``: the kills end about halfway through) and a standby is
standing by (its row in ``instances``), the active is SIGKILLed and a new process is
started as the next standby, as a supervisor would; a process that exits by itself
(status 4: it lost the lease) is replaced too.
With ``--restart-database``, PostgreSQL is stopped (``pg_ctl -m immediate``) halfway
through the fan-out and started again ``--outage-seconds`` later: an outage longer than
the lease (half of ``takeover_seconds``) makes the active exit (status 4) and a standby
take over; a shorter one, the active reconnects (``exits_without_kill`` says which).

The processes run on the system clock, as in production; the reminders are due when
the first process starts.

What is measured, all as the sandbox saw it:

* ``takeover_p50_s`` / ``takeover_p99_s`` — from each kill to the first message another
  process sent (the sandbox records each created message with the bot's TCP port; this
  process maps ports to processes through ``/proc`` while they live);
* ``lost`` — recipients without their DM; ``duplicated`` — DMs beyond the first (distinct
  message ids; a resend Discord deduplicated by its nonce is not a second message);
* ``max_gateway_sessions`` — gateway sockets open at once; ``max_sending_processes`` —
  processes whose first-to-last sends overlap in time (both must be 1);
* ``takeover_seconds`` — the configured takeover time the p99 must stay under (the
  lease itself is half of it; see ``bot/lease.py``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import signal
import socket
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
from sandbox_process import SandboxProcess

from bot.clock import SimulatedClock
from bot.delivery import TEXT_KIND
from bot.delivery.engine import DeliveryEngine
from bot.scheduler import KeyedScheduler
from bot.storage.database import open_database
from confbot_dev.postgres import ThrowawayCluster

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "examples" / "seed-conference.toml"
PASSWORD_VARIABLE = "CONFBOT_BENCH_DATABASE_PASSWORD"  # noqa: S105 - a variable name
DISCORD_LIMIT = 50
POLL = 0.05


def percentile(samples: list[float], q: float) -> float:
    """Return the ``q``-th percentile (0-100) of ``samples``, nearest-rank (0 when empty)."""
    if not samples:
        return 0.0
    ordered = sorted(samples)
    return ordered[max(1, math.ceil(q / 100 * len(ordered))) - 1]


def tcp_ports(pid: int) -> set[int]:
    """Return the local ports of the TCP sockets process ``pid`` has open (via ``/proc``)."""
    inodes: set[str] = set()
    with contextlib.suppress(OSError):
        for fd in os.listdir(f"/proc/{pid}/fd"):
            with contextlib.suppress(OSError):
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
    ports: set[int] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError), open(table, encoding="ascii") as lines:
            for line in list(lines)[1:]:
                fields = line.split()
                if len(fields) > 9 and fields[9] in inodes:
                    ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


@dataclass
class Bot:
    """One ``confbot run`` process and what this benchmark saw of it."""

    process: asyncio.subprocess.Process
    started: float
    ended: float | None = None
    killed: bool = False
    ports: set[int] = field(default_factory=set)
    log: Path | None = None

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def instance(self) -> str:
        return f"{socket.gethostname()}:{self.pid}"


class Fleet:
    """The bot processes: started, killed, replaced when they exit, their ports watched."""

    def __init__(self, config: Path, env: dict[str, str], logs: Path) -> None:
        self.config = config
        self.env = env
        self.logs = logs
        self.bots: list[Bot] = []
        self.exits: list[dict[str, Any]] = []
        self._closing = False

    async def start(self) -> Bot:
        """Start one more `confbot run` (it stands by until it takes the lease)."""
        path = self.logs / f"bot{len(self.bots)}.log"
        log = path.open("wb")
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--config", str(self.config), env=self.env,
            cwd=REPO, stdin=asyncio.subprocess.DEVNULL, stdout=log, stderr=log,
        )  # fmt: skip
        log.close()
        bot = Bot(process, time.time(), log=path)
        self.bots.append(bot)
        asyncio.get_running_loop().create_task(self._watch(bot))
        return bot

    async def _watch(self, bot: Bot) -> None:
        code = await bot.process.wait()
        bot.ended = bot.ended or time.time()
        if not bot.killed and not self._closing:
            # e.g. 4: it lost the lease; a supervisor starts it again
            said = bot.log.read_text(errors="replace").splitlines()[-3:] if bot.log else []
            self.exits.append({"status": code, "last_lines": said})
            await self.start()

    def kill(self, bot: Bot) -> float:
        """SIGKILL ``bot``; return when."""
        bot.killed = True
        bot.process.send_signal(signal.SIGKILL)
        bot.ended = time.time()
        return bot.ended

    def alive(self) -> list[Bot]:
        return [bot for bot in self.bots if bot.process.returncode is None and not bot.killed]

    def by_pid(self, pid: int) -> Bot | None:
        return next((bot for bot in self.bots if bot.pid == pid), None)

    async def watch_ports(self) -> None:
        """Record every live process's TCP ports, every ``POLL`` seconds, until cancelled."""
        while True:
            for bot in self.alive():
                bot.ports |= tcp_ports(bot.pid)
            await asyncio.sleep(POLL)

    async def close(self) -> None:
        self._closing = True
        for bot in self.bots:
            if bot.process.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    bot.process.terminate()
                await bot.process.wait()

    def sender_of(self, port: int, moment: float) -> Bot | None:
        """Return the process that had ``port`` open at ``moment``."""
        for bot in self.bots:
            if port in bot.ports and bot.started <= moment <= (bot.ended or math.inf) + 1:
                return bot
        return None


def write_config(directory: Path, url: str, takeover_seconds: float) -> Path:
    """Write the bots' config: the PostgreSQL ``url``, ``takeover_seconds``, 40 requests/s."""
    path = directory / "config.toml"
    path.write_text(
        "[bot]\n"
        'log_level = "WARNING"\n'
        "[storage]\n"
        f"database = {url!r}\n"
        f"password_env = {PASSWORD_VARIABLE!r}\n"
        f"data_dir = {str(directory)!r}\n"
        f"takeover_seconds = {takeover_seconds}\n"
        "[schedule]\n"
        f"source = {str(SEED)!r}\n"
        "[delivery]\n"
        "requests_per_second = 40\n",
        encoding="utf-8",
    )
    return path


async def plan(url: str, users: list[int], dm_channels: dict[str, int]) -> None:
    """Write one DM row per user, due now, through the engine's API; DM channels known."""
    due = datetime.now(UTC)
    clock = SimulatedClock(due, speed=0)
    async with await open_database(url) as database:
        for user, channel in dm_channels.items():
            await database.recipients.set_dm_channel(int(user), channel)
        engine = DeliveryEngine(database, KeyedScheduler(clock), clock)
        rows = [
            engine.message(
                f"{TEXT_KIND}:keynote:{user}",
                TEXT_KIND,
                due,
                {"content": f"The keynote starts in 10 minutes ({user})."},
                deadline_at=due + timedelta(days=1),
                target_user_id=user,
            )
            for user in users
        ]
        await engine.enqueue_many(rows)


class Watcher:
    """Reads the database (the lease, the instances) and the sandbox's sends."""

    def __init__(self, url: str, sandbox: SandboxProcess) -> None:
        self.url = url
        self.sandbox = sandbox

    async def sends(self) -> list[tuple[float, int, int, int]]:
        stats = await self.sandbox.call("stats")
        return [(float(t), int(p), int(c), int(m)) for t, p, c, m in stats["sends"]]

    async def holder(self) -> tuple[str | None, set[str]]:
        """Return the lease's last holder and every instance seen (``None``: no answer)."""
        try:
            conn = await asyncpg.connect(self.url, timeout=2)
        except (OSError, asyncpg.PostgresError, TimeoutError):
            return None, set()
        try:
            holder = await conn.fetchval("SELECT holder FROM leases WHERE name = 'active'")
            rows = await conn.fetch("SELECT instance FROM instances")
        except (OSError, asyncpg.PostgresError):
            return None, set()
        finally:
            with contextlib.suppress(Exception):
                await conn.close()
        return holder, {row["instance"] for row in rows}


async def run(args: argparse.Namespace) -> dict[str, Any]:
    """Run the fan-out with kills (and perhaps a database restart); return the figures."""
    with tempfile.TemporaryDirectory() as directory, ThrowawayCluster() as cluster:
        url = cluster.create_database("takeover")
        sandbox = SandboxProcess()
        world = await sandbox.start(
            subscribers=args.dms, global_per_second=DISCORD_LIMIT, seed=0, observe=True
        )
        users: list[int] = world["users"]
        channel_owner = {channel: int(user) for user, channel in world["dm_channels"].items()}
        await plan(url, users, world["dm_channels"])
        config = write_config(Path(directory), cluster.url("takeover", with_password=False),
                              args.takeover_seconds)  # fmt: skip
        env = {**os.environ, **world["env"], PASSWORD_VARIABLE: cluster.password}
        fleet = Fleet(config, env, Path(directory))
        watcher = Watcher(url, sandbox)
        ports = asyncio.create_task(fleet.watch_ports())
        kills: list[tuple[float, int]] = []
        outage: tuple[float, float] | None = None
        started = time.time()
        try:
            await fleet.start()
            await fleet.start()
            share = max(1, args.dms // (2 * (args.kills + 1)))
            restart_at = args.dms // 2 if args.restart_database else None
            since = 0
            while time.time() - started < args.timeout:
                sends = await watcher.sends()
                delivered = {channel_owner.get(send[2]) for send in sends} - {None}
                if len(delivered) >= args.dms:
                    break
                if restart_at is not None and len(sends) >= restart_at:
                    restart_at = None
                    outage = await restart_database(cluster, args.outage_seconds)
                    continue
                if len(kills) < args.kills and len(sends) - since >= share:
                    holder, seen = await watcher.holder()
                    active = _bot_of(fleet, holder)
                    alive = fleet.alive()
                    standing_by = [b for b in alive if b is not active and b.instance in seen]
                    if active in alive and standing_by:
                        kills.append((fleet.kill(active), active.pid))
                        await fleet.start()
                        since = len(sends)
                await asyncio.sleep(0.1)
            await asyncio.sleep(2.0)  # a late duplicate would land now
            sends = await watcher.sends()
            gateway = (await sandbox.call("stats"))["gateway"]
        finally:
            ports.cancel()
            await fleet.close()
            await sandbox.stop()
    return figures(args, fleet, sends, gateway, kills, channel_owner, outage, started)


async def restart_database(cluster: ThrowawayCluster, outage: float) -> tuple[float, float]:
    """Stop PostgreSQL at once, wait ``outage`` seconds, start it; return both moments."""
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, cluster.stop_server)
    stopped = time.time()
    await asyncio.sleep(outage)
    await loop.run_in_executor(None, cluster.start_server)
    return stopped, time.time()


def _bot_of(fleet: Fleet, holder: str | None) -> Bot | None:
    if holder is None:
        return None
    pid = holder.rpartition(":")[2]
    return fleet.by_pid(int(pid)) if pid.isdigit() else None


def figures(
    args: argparse.Namespace,
    fleet: Fleet,
    sends: list[tuple[float, int, int, int]],
    gateway: dict[str, int],
    kills: list[tuple[float, int]],
    channel_owner: dict[int, int],
    outage: tuple[float, float] | None,
    started: float,
) -> dict[str, Any]:
    """Turn what the sandbox and this process saw into the report."""
    messages: dict[int, set[int]] = {}
    spans: dict[int, list[float]] = {}
    unattributed = 0
    for moment, port, channel, message_id in sends:
        user = channel_owner.get(channel)
        if user is not None:
            messages.setdefault(user, set()).add(message_id)
        sender = fleet.sender_of(port, moment)
        if sender is None:
            unattributed += 1
            continue
        span = spans.setdefault(sender.pid, [moment, moment])
        span[0], span[1] = min(span[0], moment), max(span[1], moment)
    takeovers = []
    for moment, pid in kills:
        after = [
            send[0]
            for send in sends
            if send[0] > moment and (bot := fleet.sender_of(send[1], send[0])) and bot.pid != pid
        ]
        if after:
            takeovers.append(min(after) - moment)
    edges = sorted([(s, 1) for s, _ in spans.values()] + [(e, -1) for _, e in spans.values()],
                   key=lambda edge: (edge[0], -edge[1]))  # fmt: skip
    overlap = deepest = 0
    for _, step in edges:
        overlap += step
        deepest = max(deepest, overlap)
    lost = args.dms - len(messages)
    duplicated = sum(len(ids) - 1 for ids in messages.values())
    p99 = percentile(takeovers, 99)
    return {
        "dms": args.dms,
        "kills": len(kills),
        "takeovers_measured": len(takeovers),
        "takeover_p50_s": round(percentile(takeovers, 50), 3),
        "takeover_p99_s": round(p99, 3),
        "takeover_seconds": args.takeover_seconds,
        "lost": lost,
        "duplicated": duplicated,
        "max_gateway_sessions": gateway["max_open"],
        "gateway_connections": gateway["connections"],
        "max_sending_processes": deepest,
        "unattributed_sends": unattributed,
        "processes_started": len(fleet.bots),
        "exits_without_kill": fleet.exits,
        "database_restart": None
        if outage is None
        else {"outage_s": round(outage[1] - outage[0], 2), "at_s": round(outage[0] - started, 2)},
        "wall_seconds": round(max((s[0] for s in sends), default=started) - started, 2),
        "done": lost == 0
        and duplicated == 0
        and deepest <= 1
        and gateway["max_open"] <= 1
        and p99 < args.takeover_seconds,
    }


def main(argv: list[str] | None = None) -> int:
    """Parse the flags, run, print one JSON object."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dms", type=int, default=1000)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--takeover-seconds", type=float, default=3.0)
    parser.add_argument("--restart-database", action="store_true")
    parser.add_argument("--outage-seconds", type=float, default=2.0)
    parser.add_argument("--timeout", type=float, default=600.0)
    args = parser.parse_args(argv)
    print(json.dumps(asyncio.run(run(args))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
