"""Guild scheduled events as resources/guild-scheduled-event and events/gateway describe them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest

from confbot_dev.sandbox import Guild, Limits, RouteLimit, Sandbox
from confbot_dev.sandbox.gateway import INTENT_GUILD_SCHEDULED_EVENTS, Session
from confbot_dev.sandbox.permissions import CONNECT, CREATE_EVENTS, MANAGE_EVENTS, VIEW_CHANNEL
from confbot_dev.sandbox.scheduled_events import (
    ACTIVE,
    CANCELED,
    COMPLETED,
    EXTERNAL,
    SCHEDULED,
    VOICE,
)
from confbot_dev.sandbox.spec import response_errors
from confbot_dev.sandbox.state import GUILD_VOICE
from tests.support.clocks import HandClock
from tests.support.rules_bot import auth

START = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
BASE = "/guilds/{guild_id}/scheduled-events"
ONE = BASE + "/{guild_scheduled_event_id}"


@pytest.fixture
async def events() -> AsyncIterator[tuple[Sandbox, HandClock, Guild]]:
    """A sandbox whose bot may create events in guild G, at 08:00 on the conference's day."""
    clock = HandClock(start=(START - timedelta(hours=1)).timestamp())
    limits = Limits(clock=clock, global_per_second=10_000, default_route=RouteLimit(10_000, 1))
    sandbox = Sandbox(limits=limits)
    await sandbox.start()
    guild = sandbox.add_guild("G")
    bot_role = guild.roles[1]
    bot_role.permissions |= CREATE_EVENTS
    try:
        yield sandbox, clock, guild
    finally:
        await sandbox.stop()


def external(name: str = "Keynote", start: datetime = START, **extra: Any) -> dict[str, Any]:
    """Return an EXTERNAL event body one hour long."""
    return {
        "name": name,
        "privacy_level": 2,
        "entity_type": EXTERNAL,
        "scheduled_start_time": start.isoformat(),
        "scheduled_end_time": (start + timedelta(hours=1)).isoformat(),
        "entity_metadata": {"location": "Main hall"},
        **extra,
    }


async def call(
    sandbox: Sandbox, method: str, path: str, body: Any = None, **query: str
) -> tuple[int, Any]:
    """Send one request as the bot; return the status and the JSON (None for 204)."""
    async with (
        aiohttp.ClientSession(headers=auth(sandbox)) as http,
        http.request(method, sandbox.api_base + path, json=body, params=query) as response,
    ):
        data = None if response.status == 204 else await response.json()
        return response.status, data


def base(guild: Guild) -> str:
    return f"/guilds/{guild.id}/scheduled-events"


async def test_creating_an_external_event_answers_it_in_the_spec_shape(
    events: tuple[Sandbox, HandClock, Guild],
) -> None:
    """Create Guild Scheduled Event returns the event object (SCHEDULED, the bot as creator)."""
    sandbox, _clock, guild = events
    status, body = await call(sandbox, "POST", base(guild), external())
    assert status == 200, body
    assert body["status"] == SCHEDULED
    assert body["creator_id"] == str(sandbox.bot_user.id)
    assert body["entity_metadata"] == {"location": "Main hall"}
    assert response_errors("POST", BASE, status, body) == []
    status, listed = await call(sandbox, "GET", base(guild), with_user_count="true")
    assert [e["name"] for e in listed] == ["Keynote"]
    assert listed[0]["user_count"] == 0
    assert response_errors("GET", BASE, status, listed) == []


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"name": ""}, ["name"]),
        ({"name": "x" * 101}, ["name"]),
        ({"description": ""}, ["description"]),
        ({"description": "x" * 1001}, ["description"]),
        ({"entity_metadata": {"location": ""}}, ["entity_metadata", "location"]),
        ({"entity_metadata": {"location": "x" * 101}}, ["entity_metadata", "location"]),
        ({"scheduled_end_time": None}, ["scheduled_end_time"]),
    ],
)
async def test_field_limits_and_external_requirements_are_refused_at_the_field(
    events: tuple[Sandbox, HandClock, Guild], change: dict[str, Any], path: list[str]
) -> None:
    """Name 1-100, description 1-1000, location 1-100; EXTERNAL needs an end (the docs' table)."""
    sandbox, _clock, guild = events
    sandbox.allow_rejection(status=400, code=50035)
    status, body = await call(sandbox, "POST", base(guild), external(**change))
    assert (status, body["code"]) == (400, 50035)
    node = body["errors"]
    for key in path:
        node = node[key]
    assert node["_errors"]
    assert sandbox.world.scheduled_events == {}


async def test_the_101st_open_event_is_refused_but_a_completed_one_frees_a_place(
    events: tuple[Sandbox, HandClock, Guild],
) -> None:
    """At most 100 SCHEDULED or ACTIVE events per guild (30038); COMPLETED ones do not count."""
    sandbox, clock, guild = events
    for index in range(100):
        start = START + timedelta(hours=index)
        status, _ = await call(sandbox, "POST", base(guild), external(f"S{index}", start))
        assert status == 200
    sandbox.allow_rejection(status=400, code=30038)
    late = START + timedelta(days=10)
    status, body = await call(sandbox, "POST", base(guild), external("Extra", late))
    assert (status, body["code"]) == (400, 30038)
    clock.advance(timedelta(hours=2, minutes=30).total_seconds())
    status, _ = await call(sandbox, "POST", base(guild), external("Extra", late))
    assert status == 200


async def test_external_events_start_and_end_on_the_clock(
    events: tuple[Sandbox, HandClock, Guild],
) -> None:
    """Status Update Automation: an EXTERNAL event is ACTIVE at its start, COMPLETED at its end."""
    sandbox, clock, guild = events
    _, created = await call(sandbox, "POST", base(guild), external())
    one = f"{base(guild)}/{created['id']}"
    clock.advance(3600)
    assert (await call(sandbox, "GET", one))[1]["status"] == ACTIVE
    clock.advance(3600)
    assert (await call(sandbox, "GET", one))[1]["status"] == COMPLETED


async def test_cancelled_is_final_and_scheduled_cannot_jump_to_completed(
    events: tuple[Sandbox, HandClock, Guild],
) -> None:
    """SCHEDULED→CANCELED is allowed; SCHEDULED→COMPLETED is not; a finished event is 180000."""
    sandbox, _clock, guild = events
    _, created = await call(sandbox, "POST", base(guild), external())
    one = f"{base(guild)}/{created['id']}"
    sandbox.allow_rejection(status=400)
    status, body = await call(sandbox, "PATCH", one, {"status": COMPLETED})
    assert (status, body["code"]) == (400, 50035)
    status, body = await call(sandbox, "PATCH", one, {"status": CANCELED})
    assert (status, body["status"]) == (200, CANCELED)
    status, body = await call(sandbox, "PATCH", one, {"name": "Again"})
    assert (status, body["code"]) == (400, 180000)


async def test_creating_needs_create_events_and_others_events_need_manage_events(
    events: tuple[Sandbox, HandClock, Guild],
) -> None:
    """Permissions Requirements: EXTERNAL create needs CREATE_EVENTS; another's needs MANAGE."""
    sandbox, _clock, guild = events
    _, created = await call(sandbox, "POST", base(guild), external())
    event = sandbox.world.scheduled_events[int(created["id"])]
    event.creator = sandbox.world.users[guild.owner_id]
    sandbox.allow_rejection(status=403, code=50013)
    status, _ = await call(sandbox, "PATCH", f"{base(guild)}/{event.id}", {"name": "Mine"})
    assert status == 403
    guild.roles[1].permissions &= ~CREATE_EVENTS
    status, _ = await call(sandbox, "POST", base(guild), external())
    assert status == 403
    guild.roles[1].permissions |= MANAGE_EVENTS
    status, body = await call(sandbox, "PATCH", f"{base(guild)}/{event.id}", {"name": "Mine"})
    assert (status, body["name"]) == (200, "Mine")


async def test_a_voice_event_needs_connect_in_its_channel(
    events: tuple[Sandbox, HandClock, Guild],
) -> None:
    """A VOICE event needs CREATE_EVENTS, VIEW_CHANNEL and CONNECT in its channel."""
    sandbox, _clock, guild = events
    room = sandbox.add_channel(guild, "room-a", kind=GUILD_VOICE)
    body = {
        "name": "Talk",
        "privacy_level": 2,
        "entity_type": VOICE,
        "channel_id": str(room.id),
        "scheduled_start_time": START.isoformat(),
    }
    sandbox.add_overwrite(room, guild.members[sandbox.bot_user.id].user, deny=CONNECT)
    sandbox.allow_rejection(status=403, code=50013)
    assert (await call(sandbox, "POST", base(guild), body))[0] == 403
    sandbox.add_overwrite(
        room, guild.members[sandbox.bot_user.id].user, allow=CONNECT | VIEW_CHANNEL
    )
    status, created = await call(sandbox, "POST", base(guild), body)
    assert (status, created["channel_id"]) == (200, str(room.id))
    one = f"{base(guild)}/{created['id']}"
    assert (await call(sandbox, "PATCH", one, {"status": ACTIVE}))[1]["status"] == ACTIVE


async def test_users_are_paged_ascending_with_before_winning_over_after(
    events: tuple[Sandbox, HandClock, Guild],
) -> None:
    """Get Guild Scheduled Event Users: by user id ascending, ≤100, ``before`` wins, members."""
    sandbox, _clock, guild = events
    _, created = await call(sandbox, "POST", base(guild), external())
    people = [sandbox.add_member(guild, f"p{index:03}") for index in range(150)]
    for person in people:
        await sandbox.driver.press_interested(person, int(created["id"]))
    ids = sorted(p.id for p in people)
    users = f"{base(guild)}/{created['id']}/users"
    _, first = await call(sandbox, "GET", users, with_member="true")
    assert [int(u["user"]["id"]) for u in first] == ids[:100]
    assert "member" in first[0]
    _, rest = await call(sandbox, "GET", users, after=str(ids[99]))
    assert [int(u["user"]["id"]) for u in rest] == ids[100:]
    assert "member" not in rest[0]
    _, before = await call(sandbox, "GET", users, before=str(ids[10]), after=str(ids[5]), limit="3")
    assert [int(u["user"]["id"]) for u in before] == ids[7:10]
    sandbox.allow_rejection(status=400, code=50035)
    assert (await call(sandbox, "GET", users, limit="101"))[0] == 400
    one = f"{base(guild)}/{created['id']}"
    assert (await call(sandbox, "GET", one, with_user_count="1"))[1]["user_count"] == 150


async def test_deleting_answers_204_and_the_event_is_unknown_after(
    events: tuple[Sandbox, HandClock, Guild],
) -> None:
    """Delete Guild Scheduled Event returns 204; the event is then 10070 Unknown."""
    sandbox, _clock, guild = events
    _, created = await call(sandbox, "POST", base(guild), external())
    one = f"{base(guild)}/{created['id']}"
    assert (await call(sandbox, "DELETE", one))[0] == 204
    sandbox.allow_rejection(status=404, code=10070)
    assert (await call(sandbox, "GET", one))[1]["code"] == 10070


def test_scheduled_event_dispatches_need_their_intent(
    events: tuple[Sandbox, HandClock, Guild],
) -> None:
    """events/gateway: the five GUILD_SCHEDULED_EVENT_* events come only with the intent."""
    sandbox, _clock, _guild = events
    data = {"guild_scheduled_event_id": "1", "user_id": "2", "guild_id": "3"}
    without = Session(session_id="a", intents=0)
    with_intent = Session(session_id="b", intents=INTENT_GUILD_SCHEDULED_EVENTS)
    name = "GUILD_SCHEDULED_EVENT_USER_ADD"
    assert sandbox.gateway._visible(without, name, data) is None
    assert sandbox.gateway._visible(with_intent, name, data) == data
