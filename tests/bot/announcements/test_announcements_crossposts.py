"""Crossposting copies in announcement channels: once each, outcomes stored, failures logged."""

from __future__ import annotations

from bot.announcements.crossposts import ALREADY_CROSSPOSTED
from bot.announcements.planning import announcement_key
from bot.announcements.posted import ConnectionFailed, DiscordRefused
from bot.announcements.service import AnnouncementService
from bot.services import Services

from .conftest import HALLWAY, NEWS, FakePosted, mark_posted, moderation_lines, new_draft, send_now


async def crosspost_state(services: Services, key: str) -> str | None:
    """Return what became of the copy's crosspost."""
    copy = await services.database.announcements.copy_by_key(key)
    assert copy is not None
    return copy.crosspost


async def test_a_copy_in_an_announcement_channel_is_published_once(
    services: Services, service: AnnouncementService, posted: FakePosted
) -> None:
    """Sent in #news: published with its message id; a second follow-up does nothing."""
    draft = await new_draft(service)
    await send_now(service, draft)
    row = await mark_posted(services, draft, NEWS, 555)
    await service.crossposts.after_sent(row, 555)
    await service.crossposts.after_sent(row, 555)
    assert posted.published == [(NEWS, 555)]
    assert await crosspost_state(services, row.key) == "published"


async def test_a_copy_elsewhere_is_settled_without_a_request(
    services: Services, service: AnnouncementService, posted: FakePosted
) -> None:
    """Sent in a plain text channel: nothing to publish, and that is stored."""
    draft = await new_draft(service, (HALLWAY,))
    await send_now(service, draft)
    row = await mark_posted(services, draft, HALLWAY, 556)
    await service.crossposts.after_sent(row, 556)
    assert posted.published == []
    assert await crosspost_state(services, row.key) == "not-announcement-channel"


async def test_already_crossposted_counts_as_done_and_is_not_reported(
    services: Services, service: AnnouncementService, posted: FakePosted
) -> None:
    """Discord's 40033 (a run stopped before recording it): published, no moderation line."""
    draft = await new_draft(service)
    await send_now(service, draft)
    row = await mark_posted(services, draft, NEWS, 557)
    before = await moderation_lines(services)
    posted.failure = DiscordRefused(
        400, ALREADY_CROSSPOSTED, "This message has already been crossposted."
    )
    await service.crossposts.after_sent(row, 557)
    assert await crosspost_state(services, row.key) == "published"
    assert await moderation_lines(services) == before


async def test_a_refusal_is_stored_and_told_to_the_moderation_log(
    services: Services, service: AnnouncementService, posted: FakePosted
) -> None:
    """403 Missing Permissions: failed, and the log says what Discord said, where."""
    draft = await new_draft(service)
    await send_now(service, draft)
    row = await mark_posted(services, draft, NEWS, 558)
    posted.failure = DiscordRefused(403, 50013, "Missing Permissions")
    await service.crossposts.after_sent(row, 558)
    assert await crosspost_state(services, row.key) == "failed"
    line = (await moderation_lines(services))[-1]
    assert f"could not crosspost announcement #{draft.id} “Keynote soon”" in line
    assert "Discord said 403 Missing Permissions (50013)" in line
    assert line.endswith(f"in <#{NEWS}>")


async def test_a_connection_failure_is_named_in_the_moderation_log(
    services: Services, service: AnnouncementService, posted: FakePosted
) -> None:
    """No answer: failed, and the log names the connection error."""
    draft = await new_draft(service)
    await send_now(service, draft)
    row = await mark_posted(services, draft, NEWS, 559)
    posted.failure = ConnectionFailed("ServerDisconnectedError")
    await service.crossposts.after_sent(row, 559)
    assert await crosspost_state(services, row.key) == "failed"
    assert (
        "the connection failed (ServerDisconnectedError)" in (await moderation_lines(services))[-1]
    )


async def test_copies_left_over_are_published_at_the_next_start(
    services: Services, posted: FakePosted
) -> None:
    """Posted while not connected to Discord: left as is, then published by the left-over run."""
    service = services.announcements  # not connected yet
    draft = await new_draft(service)
    await send_now(service, draft)
    row = await mark_posted(services, draft, NEWS, 560)
    await service.crossposts.after_sent(row, 560)
    assert await crosspost_state(services, row.key) is None
    service.connect(posted)
    await service.crosspost_left_over()
    await service.crosspost_left_over()
    assert posted.published == [(NEWS, 560)]
    assert await crosspost_state(services, announcement_key(draft.id, NEWS)) == "published"


async def test_a_stopping_engine_leaves_the_copy_for_the_next_start(
    services: Services, service: AnnouncementService, posted: FakePosted
) -> None:
    """The request budget is closed (the bot stops): no request, nothing stored."""
    draft = await new_draft(service)
    await send_now(service, draft)
    row = await mark_posted(services, draft, NEWS, 561)
    services.delivery.budget.close()
    await service.crossposts.after_sent(row, 561)
    assert posted.published == []
    assert await crosspost_state(services, row.key) is None
