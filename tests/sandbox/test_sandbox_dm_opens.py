"""Opening DM channels too fast is refused with 40003, as Discord does."""

from __future__ import annotations

from typing import Any

import aiohttp

from bot.sandbox import Sandbox, User
from tests.sandbox.rules_bot import HandClock, auth


async def _open_dm(sandbox: Sandbox, user: User) -> tuple[int, dict[str, Any]]:
    """POST /users/@me/channels for ``user``; return the status and the JSON body."""
    async with (
        aiohttp.ClientSession(headers=auth(sandbox)) as http,
        http.post(
            sandbox.api_base + "/users/@me/channels", json={"recipient_id": str(user.id)}
        ) as response,
    ):
        return response.status, await response.json()


async def test_opening_dms_too_fast_is_a_40003_rate_limit(
    bare_rules: tuple[Sandbox, HandClock],
) -> None:
    """Past the per-minute limit a new DM is a 429 with code 40003 and a retry_after."""
    sandbox, _clock = bare_rules
    sandbox.limits.dm_channels_per_minute = 2
    users = [sandbox.add_user(name) for name in ("ann", "ben", "cat")]
    results = [await _open_dm(sandbox, user) for user in users]
    assert [status for status, _body in results] == [200, 200, 429]
    refused = results[-1][1]
    assert refused["code"] == 40003
    assert refused["message"] == "You are opening direct messages too fast."
    assert refused["retry_after"] > 0
    assert sandbox.invalid_requests["total_by_status"] == {429: 1}
    assert sandbox.rejections == []


async def test_reopening_an_open_dm_does_not_count(bare_rules: tuple[Sandbox, HandClock]) -> None:
    """Asking again for an open DM returns the same channel, even at the limit."""
    sandbox, _clock = bare_rules
    sandbox.limits.dm_channels_per_minute = 1
    ann = sandbox.add_user("ann")
    first_status, first = await _open_dm(sandbox, ann)
    again_status, again = await _open_dm(sandbox, ann)
    assert (first_status, again_status) == (200, 200)
    assert again["id"] == first["id"]


async def test_dm_limit_frees_after_a_minute_on_the_clock(
    bare_rules: tuple[Sandbox, HandClock],
) -> None:
    """A minute later on the sandbox clock a new DM opens again."""
    sandbox, clock = bare_rules
    sandbox.limits.dm_channels_per_minute = 1
    ann, ben = sandbox.add_user("ann"), sandbox.add_user("ben")
    assert (await _open_dm(sandbox, ann))[0] == 200
    assert (await _open_dm(sandbox, ben))[0] == 429
    clock.advance(60)
    assert (await _open_dm(sandbox, ben))[0] == 200
