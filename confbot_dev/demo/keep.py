"""What of the sandbox's world a ``--data-dir`` keeps for the next run, beside the database.

The database remembers people, channels and roles by id. The demo's sandbox gives
the server, its channels, roles and people ids derived from their names (the same in
every run), and this module keeps what a run adds: the simulated time it ended at,
people who joined with ``:as``, the roles the bot created (track roles) and who has
them, and every message (announcement copies the bot edits later, the history its
delivery engine checks). :class:`DemoHarness` puts them back before the bot starts.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.config import Config
from confbot_dev.harness import ConferenceHarness, ConferenceServer, build_conference_server
from confbot_dev.sandbox import Limits, Role

STATE_FILE = "demo-world.json"
VERSION = 1
log = logging.getLogger(__name__)


@dataclass
class KeptWorld:
    """The parts of a demo run's world the next run on the same data dir starts from."""

    clock: datetime | None = None
    members: list[str] = field(default_factory=list)  # in the order they joined
    roles: list[dict[str, Any]] = field(default_factory=list)  # {name, permissions, position}
    member_roles: dict[str, list[str]] = field(default_factory=dict)  # name -> role names
    messages: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def load(cls, data_dir: Path) -> KeptWorld:
        """Return what the last run in ``data_dir`` kept (nothing if it kept nothing).

        A file this version cannot read is set aside with a log record: the run starts afresh.
        """
        path = data_dir / STATE_FILE
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            if raw.get("version") != VERSION:
                raise ValueError(f"version {raw.get('version')!r}")
            clock = datetime.fromisoformat(raw["clock"]) if raw.get("clock") else None
            return cls(
                clock=clock,
                members=[str(name) for name in raw.get("members", [])],
                roles=list(raw.get("roles", [])),
                member_roles={str(k): list(v) for k, v in raw.get("member_roles", {}).items()},
                messages=list(raw.get("messages", [])),
            )
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
            log.warning("ignoring %s (%s): the demo's world starts afresh", path, error)
            return cls()

    def save(self, data_dir: Path) -> None:
        """Write this world to ``data_dir`` (replacing the last run's) for the next run."""
        raw = {
            "version": VERSION,
            "clock": self.clock.isoformat() if self.clock is not None else None,
            "members": self.members,
            "roles": self.roles,
            "member_roles": self.member_roles,
            "messages": self.messages,
        }
        path = data_dir / STATE_FILE
        partial = path.with_suffix(".partial")
        partial.write_text(json.dumps(raw), encoding="utf-8")
        partial.replace(path)


class DemoHarness(ConferenceHarness):
    """The conference harness with stable ids, rebuilt as the last run left its world."""

    def __init__(
        self,
        config: Config,
        *,
        start: datetime,
        speed: float,
        limits: Limits,
        kept: KeptWorld,
    ) -> None:
        """Prepare the harness; ``kept`` is put back once the server is built."""
        super().__init__(config, start=start, speed=speed, limits=limits, stable_ids=True)
        self._kept = kept
        self._built: frozenset[str] = frozenset()
        self._restored_up_to = 0  # the newest message id put back

    def _build_server(self) -> ConferenceServer:
        server = build_conference_server(self.sandbox, self.config)
        self._built = frozenset(role.name for role in server.guild.roles)
        self.restore(server, self._kept)
        return server

    def restore(self, server: ConferenceServer, kept: KeptWorld) -> None:
        """Add ``kept``'s people, roles and messages to the sandbox, and everyone's DM channel.

        A DM channel's id is derived from its person's, so the one the bot opened and
        stored in an earlier run exists again.
        """
        sandbox, guild = self.sandbox, server.guild
        for name in kept.members:
            if name not in server.members:
                server.members[name] = sandbox.add_member(guild, name)
        for raw in kept.roles:
            if guild_role(server, str(raw["name"])) is None:
                role = sandbox.add_role(
                    guild, str(raw["name"]), permissions=int(raw["permissions"])
                )
                role.position = int(raw.get("position", role.position))
        for name, role_names in kept.member_roles.items():
            member = guild.members.get(server.members[name].id) if name in server.members else None
            roles = [role for role in (guild_role(server, n) for n in role_names) if role]
            if member is not None:
                member.roles += [role for role in roles if role not in member.roles]
        for user in server.members.values():  # DM channels the bot may have kept ids of
            sandbox.world.dm_channel(user)
        world = sandbox.world
        for message in sorted(kept.messages, key=lambda m: int(m["id"])):
            channel_id, message_id = int(message["channel_id"]), int(message["id"])
            if channel_id not in world.channels:
                continue  # a channel this run does not have
            world.messages[message_id] = message
            world.channel_log.setdefault(channel_id, []).append(message_id)
            world.ids.skip_past(message_id)
            self._restored_up_to = max(self._restored_up_to, message_id)

    def sent_while_starting(self) -> list[dict[str, Any]]:
        """Return the bot's messages since the world was put back: what fell due meanwhile.

        A rerun started later (``--at``) has the bot send what fell due before anyone could
        watch; the demo shows these first.
        """
        bot_id = str(self.sandbox.bot_user.id)
        world = self.sandbox.world
        return [
            world.messages[i]
            for i in sorted(world.messages)
            if i > self._restored_up_to and world.messages[i]["author"]["id"] == bot_id
        ]

    def kept(self) -> KeptWorld:
        """Return what of this run's world the next run on the same data dir starts from."""
        server = self._started_server()
        world = self.sandbox.world
        added = [role for role in server.guild.roles if role.name not in self._built]
        by_id = {user.id: name for name, user in server.members.items()}
        return KeptWorld(
            clock=self.clock.now(),
            members=list(server.members),
            roles=[
                {"name": r.name, "permissions": r.permissions, "position": r.position}
                for r in added
            ],
            member_roles={
                by_id[member.user.id]: [r.name for r in member.roles if r.name not in self._built]
                for member in server.guild.members.values()
                if member.user.id in by_id and any(r.name not in self._built for r in member.roles)
            },
            messages=[
                world.messages[i]
                for ids in world.channel_log.values()
                for i in ids
                if i in world.messages
            ],
        )


def guild_role(server: ConferenceServer, name: str) -> Role | None:
    """Return the server's role called ``name``, if there is one."""
    return next((role for role in server.guild.roles if role.name == name), None)
