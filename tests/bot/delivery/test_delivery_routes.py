"""The best route on time: a DM if its channel can be open by the due time, else a mention.

Discord limits how fast a bot opens DM channels (topics/rate-limits; the sandbox refuses
more than ``dm_channels_per_minute`` new ones with a 429 coded 40003). The engine plans
each cold recipient's open in a slot of its open budget; whoever's open cannot come by
the due time is mentioned in the fallback channel on time, many to a message, pinging
exactly them (reference/message "Allowed Mentions": ``parse`` empty, ``users`` listed).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from bot.config import Config
from bot.delivery import TEXT_KIND, passes
from bot.storage.repositories.outbox import NewOutboxRow
from confbot_dev.harness import ConferenceHarness
from confbot_dev.sandbox import RouteLimit, User
from confbot_dev.sandbox.config import MESSAGE_CREATE_ROUTE
from tests.conftest import ErrorCollector

from .conftest import OPEN_DM_ROUTE, engine_of, fast_config, fast_limits
from .test_delivery_fallback import pinged

DUE_IN = timedelta(seconds=30)


@pytest.fixture
async def slow_opens(seed_config: Config) -> AsyncIterator[ConferenceHarness]:
    """A bot allowed one DM open a minute, on a clock running at real speed."""
    config = fast_config(seed_config, fallback_channel="general", dm_opens_per_minute=1)
    async with ConferenceHarness(config, limits=fast_limits(), speed=1.0) as started:
        yield started


async def remind(harness: ConferenceHarness, users: list[User]) -> None:
    """Queue one text DM per user, due :data:`DUE_IN` from now."""
    engine = engine_of(harness)
    due = harness.clock.now() + DUE_IN
    for user in users:
        await engine.enqueue(
            f"text:keynote:{user.id}",
            TEXT_KIND,
            due,
            {"content": "The keynote starts soon"},
            target_user_id=user.id,
            session_id="keynote",
        )


async def test_who_cannot_have_a_dm_by_the_due_time_is_mentioned_on_time(
    slow_opens: ConferenceHarness,
) -> None:
    """Four cold recipients, one open a minute: the first gets a DM, three one mention.

    The first open is made at once (planned when the rows were written); the others'
    slots are a minute apart, after the due time, so they are mentioned instead, in one
    message sent by the due time, with no request refused.
    """
    harness = slow_opens
    users = [harness.member(name) for name in ("alice", "bob", "carol", "dave")]
    await remind(harness, users)
    engine = engine_of(harness)
    assert await engine.open_dm_channel(users[0].id) is not None  # its planned open
    due = harness.clock.now() + DUE_IN
    harness.clock.set(due - timedelta(seconds=1))
    await engine.deliver_due()
    assert [m["content"] for m in harness.sandbox.dm_messages(users[0])] == [
        "The keynote starts soon"
    ]
    (posted,) = harness.sandbox.messages(harness.channel("general"))
    assert pinged(posted) == sorted(str(user.id) for user in users[1:])
    assert posted["allowed_mentions"]["parse"] == []
    assert "The keynote starts soon" in posted["content"]
    assert "allow direct messages" not in posted["content"]  # their DMs are not closed
    opens = harness.sandbox.transcript.requests(method="POST", route=OPEN_DM_ROUTE)
    assert len(opens) == 1
    assert harness.sandbox.rejections == []
    counts = (await engine.delivery_counts())[TEXT_KIND]
    assert (counts.sent, counts.late, counts.failed) == (4, 0, 0)


async def test_a_refused_open_is_learnt_and_its_row_mentioned(fast: ConferenceHarness) -> None:
    """A 40003 with a long Retry-After: that row is mentioned, and opens wait it out.

    topics/rate-limits: wait ``retry_after`` before the route is tried again. The engine
    holds its open budget for it and slows down to what Discord had granted.
    """
    fast.sandbox.faults.long_retry_after = 45.0
    fast.sandbox.faults.long_retry_after_route = "POST /users/@me/channels"
    alice, bob = fast.member("alice"), fast.member("bob")
    engine = engine_of(fast)
    await engine.enqueue(
        "text:a", TEXT_KIND, fast.clock.now(), {"content": "Soon"}, target_user_id=alice.id
    )
    await engine.deliver_due()
    (posted,) = fast.sandbox.messages(fast.channel("general"))
    assert pinged(posted) == [str(alice.id)]
    assert engine.dm_open_budget.next_slot_in() > 30
    await engine.enqueue(
        "text:b", TEXT_KIND, fast.clock.now(), {"content": "Soon"}, target_user_id=bob.id
    )
    await engine.deliver_due()
    assert len(fast.sandbox.messages(fast.channel("general"))) == 2
    # One refused open; no request came back before the Retry-After.
    assert fast.sandbox.ratelimiter.early_retries == 0
    assert len(fast.sandbox.transcript.requests(method="POST", route=OPEN_DM_ROUTE)) == 1


async def mentioned_during_slow_fan_out(
    harness: ConferenceHarness, user: User, *, posts_due_in: float = 3.0
) -> tuple[datetime, datetime]:
    """Write a DM to ``user`` due in 3 s while 100 channel posts (5 s at 20/s) are sent.

    The posts are due in ``posts_due_in`` seconds. Return when (the bot's clock) the
    fallback channel got the mention of ``user``, and the DM's due time.
    """
    engine = engine_of(harness)
    room, general = harness.channel("main-stage"), harness.channel("general")
    now = harness.clock.now()
    due, posts_due = now + timedelta(seconds=3), now + timedelta(seconds=posts_due_in)
    await engine.enqueue_many(
        [
            engine.message(
                f"text:room:{n}", TEXT_KIND, posts_due, {"content": f"Post {n}"},
                target_channel_id=room.id,
            )
            for n in range(100)
        ]
    )  # fmt: skip
    await harness.sandbox.wait_for_bot_message(room)  # the fan-out has begun
    mentioned_at: list[datetime] = []

    def note(message: dict[str, Any], edited: bool) -> None:
        if message["channel_id"] == str(general.id) and not edited:
            mentioned_at.append(harness.clock.now())

    stop = harness.sandbox.on_bot_message(note)
    try:
        await engine.enqueue(
            "text:last", TEXT_KIND, due, {"content": "The keynote starts soon"},
            target_user_id=user.id,
        )  # fmt: skip
        posted = await harness.sandbox.wait_for_bot_message(general, timeout=30)
    finally:
        stop()
    assert pinged(posted) == [str(user.id)]
    return mentioned_at[0], due


def slow_fan_out_config(seed_config: Config, **delivery: object) -> Config:
    """Return a config whose budget (20 requests/s) makes 100 posts take 5 s."""
    return fast_config(seed_config, fallback_channel="general", requests_per_second=20, **delivery)


async def test_a_last_moment_subscriber_is_mentioned_before_the_fan_out_in_flight_ends(
    seed_config: Config,
) -> None:
    """A cold DM written 3 s before its due time, while a slow fan-out runs past it.

    Its recipient cannot have a DM channel in time (the minute's one open is spent), so
    the row is routed to a mention when written, and that mention goes out by the due
    time, ahead of the channel posts still waiting for the budget.
    """
    config = slow_fan_out_config(seed_config, dm_opens_per_minute=1)
    async with ConferenceHarness(config, limits=fast_limits(), speed=1.0) as harness:
        alice, bob = harness.member("alice"), harness.member("bob")
        assert await engine_of(harness).open_dm_channel(bob.id) is not None
        mentioned_at, due = await mentioned_during_slow_fan_out(harness, alice)
        assert mentioned_at <= due


async def test_an_open_refused_mid_fan_out_is_mentioned_by_the_due_time(
    seed_config: Config,
) -> None:
    """The open of a last-moment DM is refused (a 40003 asking 45 s) during a slow fan-out.

    The open goes ahead of the slots the posts reserved, so the refusal comes at once and
    the row is mentioned in time (the mention, too, goes ahead of the posts).
    """
    async with ConferenceHarness(
        slow_fan_out_config(seed_config), limits=fast_limits(), speed=1.0
    ) as harness:
        harness.sandbox.faults.long_retry_after = 45.0
        harness.sandbox.faults.long_retry_after_route = "POST /users/@me/channels"
        mentioned_at, due = await mentioned_during_slow_fan_out(harness, harness.member("alice"))
        assert mentioned_at <= due
        opens = harness.sandbox.transcript.requests(method="POST", route=OPEN_DM_ROUTE)
        assert len(opens) == 1


async def test_closed_dms_found_mid_fan_out_are_mentioned_before_the_due_time(
    seed_config: Config,
) -> None:
    """A DM to someone whose DMs are known closed, claimed early during a slow fan-out.

    Routed to a mention when claimed, its mention goes out before its due time, ahead of
    the posts still waiting for the budget's slots.
    """
    async with ConferenceHarness(
        slow_fan_out_config(seed_config), limits=fast_limits(), speed=1.0
    ) as harness:
        alice = harness.member("alice")
        assert harness.bot is not None
        await harness.bot.services.database.recipients.mark_dms_closed(
            alice.id, harness.clock.now()
        )
        mentioned_at, due = await mentioned_during_slow_fan_out(harness, alice, posts_due_in=5)
        assert mentioned_at <= due


async def test_mentions_of_a_burst_of_subscribers_start_early_enough(seed_config: Config) -> None:
    """650 people a DM cannot reach, written in three bursts, due in 8 s.

    A channel takes 5 messages in 5 s (the sandbox's default), so 650 mentions need two
    of its windows. Rows written within a second of the last planning are planned when
    that second is over (not when they are claimed, seconds before they are due), and
    before the wake-up is chosen, so their mentions start early enough; the last person,
    written when the sixth mention message arrives, is mentioned by the due time too.
    """
    config = fast_config(seed_config, fallback_channel="general", dm_opens_per_minute=1)
    limits = fast_limits()
    limits.routes = {MESSAGE_CREATE_ROUTE: RouteLimit(limit=5, per=5.0)}
    async with ConferenceHarness(config, limits=limits, speed=1.0) as harness:
        engine = engine_of(harness)
        general = harness.channel("general")
        people = [harness.member(f"attendee{n}") for n in range(651)]
        assert await engine.open_dm_channel(people[0].id) is not None  # the minute's open
        due = harness.clock.now() + timedelta(seconds=8)

        def rows(users: list[User]) -> list[NewOutboxRow]:
            return [
                engine.message(
                    f"text:{user.id}", TEXT_KIND, due, {"content": "The keynote starts soon"},
                    target_user_id=user.id,
                )
                for user in users
            ]  # fmt: skip

        arrived: list[tuple[datetime, list[str]]] = []
        sixth = asyncio.Event()

        def note(message: dict[str, Any], edited: bool) -> None:
            if message["channel_id"] == str(general.id) and not edited:
                arrived.append((harness.clock.now(), pinged(message)))
                if len(arrived) == 6:
                    sixth.set()

        stop = harness.sandbox.on_bot_message(note)
        try:
            await engine.enqueue_many(rows(people[1:400]))
            await harness.sandbox.wait_for_bot_message(general, timeout=30)
            await engine.enqueue_many(rows(people[400:650]))
            await asyncio.wait_for(sixth.wait(), 30)
            await engine.enqueue_many(rows(people[650:]))
            while sum(len(users) for _, users in arrived) < 650:
                await harness.sandbox.wait_for_bot_message(general, timeout=30)
        finally:
            stop()
        assert max(moment for moment, _ in arrived) <= due
        pinged_once = sorted(user for _, users in arrived for user in users)
        assert pinged_once == sorted(str(user.id) for user in people[1:])


@pytest.fixture
def roomy_final_mention(monkeypatch: pytest.MonkeyPatch) -> None:
    """The final mention goes 3 s ahead and latecomers wait 2 s for the next (1.5 s and 1 s).

    On a loaded machine a final message sent late, or a latecomer written more than the
    wait after it, leaves no time to gather them, and each then goes at once, as it
    should; the tests of the gathering need that time.
    """
    monkeypatch.setattr(passes, "MENTION_FINAL_SECONDS", 3.0)
    monkeypatch.setattr(passes, "CHANNEL_SECONDS_PER_MESSAGE", 2.0)


@pytest.mark.usefixtures("roomy_final_mention")
async def test_latecomers_after_the_final_mention_are_gathered_into_one_more(
    seed_config: Config,
) -> None:
    """Three people subscribe one after another just after the final mention message.

    A channel takes 5 messages in 5 s: a message each could use up its room before the
    due time. They are gathered into one more message after a wait, by the due time.
    """
    config = fast_config(seed_config, fallback_channel="general", dm_opens_per_minute=1)
    async with ConferenceHarness(config, limits=fast_limits(), speed=1.0) as harness:
        engine = engine_of(harness)
        general = harness.channel("general")
        first, *late = [harness.member(f"attendee{n}") for n in range(4)]
        assert await engine.open_dm_channel(harness.member("bob").id) is not None
        due = harness.clock.now() + timedelta(seconds=5)

        async def subscribe(user: User) -> None:
            await engine.enqueue(
                f"text:{user.id}", TEXT_KIND, due, {"content": "The keynote starts soon"},
                target_user_id=user.id,
            )  # fmt: skip

        await subscribe(first)
        final = await harness.sandbox.wait_for_bot_message(general, timeout=30)
        assert pinged(final) == [str(first.id)]
        for user in late:
            await subscribe(user)
        gathered = await harness.sandbox.wait_for_bot_message(general, timeout=30)
        gathered_at = harness.clock.now()
        assert pinged(gathered) == sorted(str(user.id) for user in late)
        assert gathered_at <= due


@pytest.mark.usefixtures("roomy_final_mention")
async def test_the_wake_up_waits_for_the_latecomers_message_instead_of_spinning(
    seed_config: Config,
) -> None:
    """Right after the final mention message, a latecomer's row is due within the lead.

    Its message goes the wait after the final one, so the engine's next wake-up is then,
    not at once (a pass woken now would claim nothing and wake again, over and over).
    """
    config = fast_config(seed_config, fallback_channel="general", dm_opens_per_minute=1)
    async with ConferenceHarness(config, limits=fast_limits(), speed=1.0) as harness:
        engine = engine_of(harness)
        first, late = harness.member("attendee0"), harness.member("attendee1")
        assert await engine.open_dm_channel(harness.member("bob").id) is not None
        due = harness.clock.now() + timedelta(seconds=5)
        for user in (first, late):
            if user is late:
                await harness.sandbox.wait_for_bot_message(harness.channel("general"), timeout=30)
            await engine.enqueue(
                f"text:{user.id}", TEXT_KIND, due, {"content": "The keynote starts soon"},
                target_user_id=user.id,
            )  # fmt: skip
        wake = await engine.next_wake()
        assert wake is not None
        assert wake > harness.clock.now()


async def test_a_refusal_discord_py_waits_out_is_seen_and_its_row_mentioned(
    seed_config: Config,
) -> None:
    """Discord refuses a last-moment open with a 40003 asking 3 s; discord.py waits it out.

    The engine never sees that 429 (discord.py sleeps any Retry-After under its
    ``max_ratelimit_timeout``), only an open taking seconds instead of milliseconds. The
    row due in 2 s is mentioned by its due time instead of waiting for it; the open is
    still made and kept, and opens go on at the pace Discord had granted.
    """
    config = fast_config(seed_config, fallback_channel="general", dm_opens_per_minute=30)
    async with ConferenceHarness(config, limits=fast_limits(), speed=1.0) as harness:
        harness.sandbox.faults.long_retry_after = 3.0
        harness.sandbox.faults.long_retry_after_route = "POST /users/@me/channels"
        engine = engine_of(harness)
        alice, general = harness.member("alice"), harness.channel("general")
        due = harness.clock.now() + timedelta(seconds=2)
        await engine.enqueue(
            "text:alice", TEXT_KIND, due, {"content": "The keynote starts soon"},
            target_user_id=alice.id,
        )  # fmt: skip
        posted = await harness.sandbox.wait_for_bot_message(general, timeout=30)
        assert harness.clock.now() <= due
        assert pinged(posted) == [str(alice.id)]
        assert await engine.open_dm_channel(alice.id) is not None  # made, once allowed
        assert harness.sandbox.dm_messages(alice) == []
        assert engine.dm_open_budget.rate * 60 < 30
        opens = harness.sandbox.transcript.requests(method="POST", route=OPEN_DM_ROUTE)
        assert [record.status for record in opens] == [429, 200]


async def test_while_discord_holds_an_open_the_fan_out_goes_on_by_mentions(
    seed_config: Config,
) -> None:
    """An open is held (a 10 s 429 discord.py sleeps out); then 4 cold DMs and a warm one.

    With two sends at a time, rows waiting for opens behind the held one would take both
    places until their due time. Once an open is seen held, no DM channel is promised
    sooner than discord.py's longest wait: the cold rows are mentioned and the warm DM
    goes, all by the due time.
    """
    config = fast_config(seed_config, fallback_channel="general", max_concurrent_sends=2)
    async with ConferenceHarness(config, limits=fast_limits(), speed=1.0) as harness:
        engine = engine_of(harness)
        general = harness.channel("general")
        alice, dave = harness.member("alice"), harness.member("dave")
        cold = [harness.member(name) for name in ("bob", "carol", "erin", "frank")]
        assert await engine.open_dm_channel(dave.id) is not None
        harness.sandbox.faults.long_retry_after = 10.0
        harness.sandbox.faults.long_retry_after_route = "POST /users/@me/channels"
        held_due = harness.clock.now() + timedelta(seconds=4)
        await engine.enqueue(
            "text:alice", TEXT_KIND, held_due, {"content": "Soon"}, target_user_id=alice.id
        )
        held = await harness.sandbox.wait_for_bot_message(general, timeout=30)
        assert pinged(held) == [str(alice.id)]  # her open is held: seconds, not milliseconds
        arrived: dict[str, datetime] = {}
        everyone = asyncio.Event()

        def note(message: dict[str, Any], edited: bool) -> None:
            for user in pinged(message) or [message["channel_id"]]:
                arrived.setdefault(user, harness.clock.now())
            if len(arrived) == len(cold) + 1:
                everyone.set()

        stop = harness.sandbox.on_bot_message(note)
        try:
            due = harness.clock.now() + timedelta(seconds=3)
            await engine.enqueue_many(
                [
                    engine.message(
                        f"text:{user.id}", TEXT_KIND, due, {"content": "Soon"},
                        target_user_id=user.id,
                    )
                    for user in [*cold, dave]
                ]
            )  # fmt: skip
            await asyncio.wait_for(everyone.wait(), 30)
        finally:
            stop()
        dave_dm = str(harness.sandbox.dm_channel(dave).id)
        assert sorted(arrived) == sorted([*(str(user.id) for user in cold), dave_dm])
        assert max(arrived.values()) <= due


async def test_a_clock_that_jumped_has_let_the_planning_second_pass(seed_config: Config) -> None:
    """Planning held back for a second is not held back again once the clock jumped past it.

    The demo's ``:wait`` jumps the bot's clock. Measured in real time only, the second
    would never seem over: the engine woke again and again a few milliseconds of the
    clock apart, and a reminder could be passed over until the next job.
    """
    config = fast_config(seed_config, fallback_channel="general")
    async with ConferenceHarness(config, limits=fast_limits(), speed=1.0) as harness:
        engine = engine_of(harness)
        alice = harness.member("alice")
        due = harness.clock.now() + timedelta(minutes=10)
        await engine.enqueue(
            "text:alice", TEXT_KIND, due, {"content": "Soon"}, target_user_id=alice.id
        )
        await engine.rearm()
        held = await engine.rearm()  # within the second: planning is looked at again soon
        assert held is not None
        assert held <= harness.clock.now() + timedelta(seconds=1)
        harness.clock.set(harness.clock.now() + timedelta(seconds=5))
        wake = await engine.rearm()
        assert wake is not None
        assert wake > harness.clock.now() + timedelta(minutes=5)


async def test_a_failure_planning_a_last_moment_row_mid_pass_does_not_reach_its_writer(
    seed_config: Config, bot_logs_no_errors: ErrorCollector, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Planning the open of a row written during a fan-out fails unexpectedly (a bug).

    The command that wrote the row is not failed by it: the error is logged with a code,
    and the fan-out under way goes on.
    """
    bot_logs_no_errors.allow("delivery: could not plan DM opens (code")
    async with ConferenceHarness(
        slow_fan_out_config(seed_config), limits=fast_limits(), speed=1.0
    ) as harness:
        engine = engine_of(harness)
        assert harness.bot is not None
        outbox = harness.bot.services.database.outbox
        room = harness.channel("main-stage")
        due = harness.clock.now() + timedelta(seconds=3)
        await engine.enqueue_many(
            [
                engine.message(
                    f"text:room:{n}", TEXT_KIND, due, {"content": f"Post {n}"},
                    target_channel_id=room.id,
                )
                for n in range(40)
            ]
        )  # fmt: skip
        await harness.sandbox.wait_for_bot_message(room)  # the fan-out's pass has begun

        async def broken(*args: object, **kwargs: object) -> object:
            raise RuntimeError("a bug in planning")

        monkeypatch.setattr(outbox, "needing_dm_channels", broken)
        await engine.enqueue(
            "text:last", TEXT_KIND, due, {"content": "Soon"},
            target_user_id=harness.member("alice").id,
        )  # fmt: skip
        planned = [r for r in bot_logs_no_errors.records if "could not plan DM opens" in r.msg]
        assert len(planned) == 1
        monkeypatch.undo()
        posted = asyncio.Event()

        def note(message: dict[str, Any], edited: bool) -> None:
            if len(harness.sandbox.messages(room)) == 40:
                posted.set()

        stop = harness.sandbox.on_bot_message(note)
        try:
            note({}, False)  # perhaps all out already
            await asyncio.wait_for(posted.wait(), 30)
        finally:
            stop()
