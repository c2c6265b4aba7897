"""What a `confbot demo --data-dir` keeps of the sandbox's world for its next run."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.config import Config
from confbot_dev.demo.keep import STATE_FILE, KeptWorld
from confbot_dev.harness import build_conference_server
from confbot_dev.sandbox import Sandbox


def ids_of_a_new_server(*, stable: bool) -> dict[str, int]:
    """Return the ids a fresh sandbox gives the conference server's named entities."""
    sandbox = Sandbox(stable_ids=stable)
    server = build_conference_server(sandbox, Config())
    return {
        "bot": sandbox.bot_user.id,
        "guild": server.guild.id,
        **{f"#{name}": channel.id for name, channel in server.channels.items()},
        **{f"role {role.name}": role.id for role in server.guild.roles},
        **{name: user.id for name, user in server.members.items()},
        "dm": sandbox.world.dm_channel(server.members["alice"]).id,
    }


def test_stable_sandboxes_give_named_entities_the_same_ids() -> None:
    """Two sandboxes with stable ids agree on every id of the server, its channels and people."""
    first, second = ids_of_a_new_server(stable=True), ids_of_a_new_server(stable=True)
    assert first == second
    del first["role @everyone"]  # the guild's id, as on Discord
    assert len(set(first.values())) == len(first)  # and no two others share one


def test_named_ids_sort_before_the_ids_of_messages() -> None:
    """A message id (made now) is larger than any named id, so the two never meet."""
    sandbox = Sandbox(stable_ids=True)
    named = ids_of_a_new_server(stable=True)
    assert sandbox.ids.next() > max(named.values())


def test_a_kept_world_reads_back_as_written(tmp_path: Path) -> None:
    """The clock, people, roles and messages a run keeps are what the next run loads."""
    kept = KeptWorld(
        clock=datetime(2021, 2, 24, 20, 52, tzinfo=UTC),
        members=["alice", "carol"],
        roles=[{"name": "Track: Security", "permissions": 0, "position": 3}],
        member_roles={"carol": ["Track: Security"]},
        messages=[{"id": "7", "channel_id": "9", "content": "hi", "author": {"id": "1"}}],
    )
    kept.save(tmp_path)
    assert KeptWorld.load(tmp_path) == kept


def test_no_kept_world_or_an_unreadable_one_starts_afresh(tmp_path: Path) -> None:
    """A data dir without the file, or with one this version cannot read, starts a new world."""
    assert KeptWorld.load(tmp_path) == KeptWorld()
    (tmp_path / STATE_FILE).write_text("{", encoding="utf-8")
    assert KeptWorld.load(tmp_path) == KeptWorld()
    (tmp_path / STATE_FILE).write_text('{"version": 99}', encoding="utf-8")
    assert KeptWorld.load(tmp_path) == KeptWorld()
