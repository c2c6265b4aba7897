"""Closed DMs: the user is remembered, and mentioned in the fallback channel instead."""

from __future__ import annotations

from bot.delivery import TEXT_KIND
from confbot_dev.harness import ConferenceHarness
from confbot_dev.sandbox import User

from .conftest import engine_of


def closed(harness: ConferenceHarness, name: str) -> User:
    """Add an attendee whose DMs are closed to the bot."""
    assert harness.server is not None
    return harness.sandbox.add_member(harness.server.guild, name, dms_open=False)


async def remind_everyone(harness: ConferenceHarness, users: list[User], session: str) -> None:
    """Queue one text DM per user for ``session``, due now, in one write (as a planner does)."""
    engine = engine_of(harness)
    await engine.enqueue_many(
        [
            engine.message(
                f"text:{session}:{user.id}",
                TEXT_KIND,
                harness.clock.now(),
                {"content": f"{session} starts soon"},
                target_user_id=user.id,
                session_id=session,
            )
            for user in users
        ]
    )
    await engine.deliver_due()


def pinged(message: dict[str, object]) -> list[str]:
    """Return the user ids a message's allowed_mentions lets it ping, as sorted strings."""
    allowed = message["allowed_mentions"]
    assert isinstance(allowed, dict)
    return sorted(str(user) for user in allowed.get("users", []))


def invalid_requests(harness: ConferenceHarness) -> int:
    """Return how many requests Discord refused with a 4xx (not 429): they count to a ban."""
    return len(harness.sandbox.rejections)


async def test_closed_dms_get_one_mention_in_the_fallback_channel(fast: ConferenceHarness) -> None:
    """Three closed DMs: one message in #general pings exactly them and says how to fix it."""
    shy = [closed(fast, f"shy{number}") for number in range(3)]
    open_ = [fast.member("alice"), fast.member("bob")]
    await remind_everyone(fast, shy + open_, "keynote")
    (posted,) = fast.sandbox.messages(fast.channel("general"))
    assert all(f"<@{user.id}>" in posted["content"] for user in shy)
    assert "keynote starts soon" in posted["content"]
    assert "allow direct messages" in posted["content"]
    assert pinged(posted) == sorted(str(user.id) for user in shy)
    assert posted["allowed_mentions"]["parse"] == []
    for user in open_:
        assert len(fast.sandbox.dm_messages(user)) == 1
    assert invalid_requests(fast) == len(shy)
    counts = (await engine_of(fast).delivery_counts())[TEXT_KIND]
    assert (counts.sent, counts.failed) == (5, 0)
    fast.sandbox.rejections.clear()  # the 403s were the point of this test


async def test_a_second_reminder_spends_no_request_on_closed_dms(fast: ConferenceHarness) -> None:
    """The next reminder mentions them without trying their DMs, and without re-explaining."""
    shy = [closed(fast, f"shy{number}") for number in range(3)]
    await remind_everyone(fast, shy, "keynote")
    refused = invalid_requests(fast)
    await remind_everyone(fast, shy, "closing")
    assert invalid_requests(fast) == refused
    first, second = fast.sandbox.messages(fast.channel("general"))
    assert "closing starts soon" in second["content"]
    assert "allow direct messages" in first["content"]
    assert "allow direct messages" not in second["content"]
    fast.sandbox.rejections.clear()


async def test_mentions_are_batched_within_discord_limits(fast: ConferenceHarness) -> None:
    """250 closed DMs: several messages, each under 2000 characters and 100 pinged users."""
    shy = [closed(fast, f"shy{number}") for number in range(250)]
    await remind_everyone(fast, shy, "keynote")
    posts = fast.sandbox.messages(fast.channel("general"))
    assert len(posts) >= 3
    assert all(len(post["content"]) <= 2000 for post in posts)
    assert all(len(pinged(post)) <= 100 for post in posts)
    mentioned = [user for post in posts for user in pinged(post)]
    assert sorted(mentioned) == sorted(str(user.id) for user in shy)
    fast.sandbox.rejections.clear()


async def test_two_rows_of_one_closed_user_are_one_mention(fast: ConferenceHarness) -> None:
    """Two leads of one reminder for someone with closed DMs: one mention, both rows sent."""
    shy = closed(fast, "shy")
    engine = engine_of(fast)
    for lead in (60, 10):
        await engine.enqueue(
            f"text:keynote:{shy.id}:{lead}",
            TEXT_KIND,
            fast.clock.now(),
            {"content": "keynote starts soon"},
            target_user_id=shy.id,
            session_id="keynote",
        )
    await engine.deliver_due()
    (posted,) = fast.sandbox.messages(fast.channel("general"))
    assert posted["content"].count(f"<@{shy.id}>") == 1
    assert (await engine.delivery_counts())[TEXT_KIND].sent == 2
    fast.sandbox.rejections.clear()
