"""Opening DM channels too fast is refused with 40003, as Discord does."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from confbot_dev.sandbox import Limits, Sandbox, User
from tests.support.clocks import HandClock
from tests.support.rules_bot import auth


@pytest.fixture
async def dm_sandbox() -> AsyncIterator[tuple[Sandbox, HandClock]]:
    """Start a bare sandbox whose rate-limit clock (which runs the DM window) is by hand."""
    buckets = HandClock()
    sandbox = Sandbox(limits=Limits(clock=HandClock(), bucket_clock=buckets))
    await sandbox.start()
    try:
        yield sandbox, buckets
    finally:
        await sandbox.stop()


async def _open_dm(sandbox: Sandbox, user: User) -> tuple[int, dict[str, Any]]:
    """POST /users/@me/channels for ``user``; return the status and the JSON body."""
    status, body, _headers = await _open_dm_with_headers(sandbox, user)
    return status, body


async def _open_dm_with_headers(
    sandbox: Sandbox, user: User
) -> tuple[int, dict[str, Any], dict[str, str]]:
    """POST /users/@me/channels for ``user``; return the status, JSON body and headers."""
    async with (
        aiohttp.ClientSession(headers=auth(sandbox)) as http,
        http.post(
            sandbox.api_base + "/users/@me/channels", json={"recipient_id": str(user.id)}
        ) as response,
    ):
        return response.status, await response.json(), dict(response.headers)


async def test_opening_dms_too_fast_is_a_40003_rate_limit(
    dm_sandbox: tuple[Sandbox, HandClock],
) -> None:
    """Past the per-minute limit a new DM is a 429 with code 40003 and a retry_after."""
    sandbox, _clock = dm_sandbox
    sandbox.limits.dm_channels_per_minute = 2
    users = [sandbox.add_user(name) for name in ("ann", "ben", "cat")]
    results = [await _open_dm_with_headers(sandbox, user) for user in users]
    assert [status for status, _body, _headers in results] == [200, 200, 429]
    _status, refused, headers = results[-1]
    assert headers["X-RateLimit-Scope"] == "user"
    assert float(headers["Retry-After"]) > 0
    assert refused["code"] == 40003
    assert refused["message"] == "You are opening direct messages too fast."
    assert refused["retry_after"] > 0
    assert sandbox.invalid_requests["total_by_status"] == {429: 1}
    assert sandbox.rejections == []


async def test_reopening_an_open_dm_does_not_count(dm_sandbox: tuple[Sandbox, HandClock]) -> None:
    """Asking again for an open DM returns the same channel, even at the limit."""
    sandbox, _clock = dm_sandbox
    sandbox.limits.dm_channels_per_minute = 1
    ann = sandbox.add_user("ann")
    first_status, first = await _open_dm(sandbox, ann)
    again_status, again = await _open_dm(sandbox, ann)
    assert (first_status, again_status) == (200, 200)
    assert again["id"] == first["id"]


async def test_dm_limit_frees_after_a_minute_on_the_clock(
    dm_sandbox: tuple[Sandbox, HandClock],
) -> None:
    """A minute later on the rate-limit clock a new DM opens again."""
    sandbox, clock = dm_sandbox
    sandbox.limits.dm_channels_per_minute = 1
    ann, ben = sandbox.add_user("ann"), sandbox.add_user("ben")
    assert (await _open_dm(sandbox, ann))[0] == 200
    assert (await _open_dm(sandbox, ben))[0] == 429
    clock.advance(60)
    assert (await _open_dm(sandbox, ben))[0] == 200
