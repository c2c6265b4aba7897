"""The announcement state machine without Discord: drafts, queueing, cancels, edits, the list."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.announcements.planning import ANNOUNCEMENT, announcement_key, announcement_scope
from bot.announcements.posted import DiscordRefused
from bot.announcements.service import AnnouncementService, Preview
from bot.announcements.text import Ping
from bot.delivery import RenderContext, Skip
from bot.errors import NotFoundError, UserError
from bot.services import Services

from .conftest import (
    HALLWAY,
    MODERATOR,
    NEWS,
    START,
    SYDNEY,
    FakePosted,
    mark_posted,
    moderation_lines,
    new_draft,
    send_now,
)

LATER = START + timedelta(hours=1)


async def pending_announcement_rows(services: Services) -> list[tuple[str, object]]:
    """Return the pending announcement rows as (key, due_at)."""
    rows = await services.database.outbox.pending()
    return [(row.key, row.due_at) for row in rows if row.kind == ANNOUNCEMENT]


async def test_a_draft_without_a_time_offers_no_schedule_button(
    service: AnnouncementService,
) -> None:
    """The preview of a "now" draft: the exact text, Send now / Edit / Cancel, info card last."""
    answer = await service.submit(
        guild_id=1,
        author_id=MODERATOR,
        channel_ids=(NEWS, HALLWAY),
        ping=Ping(),
        session_id=None,
        existing=None,
        title="  Keynote   soon ",
        body="Join the main stage.\n",
        post_at=None,
        message=service.compose("Keynote soon", "Join the main stage.", Ping(), None),
        reader=SYDNEY,
    )
    assert isinstance(answer, Preview)
    assert answer.content == "📣 **Keynote soon**\nJoin the main stage."
    assert answer.actions == ("send", "edit", "cancel")
    assert answer.cards[-1].title == f"Preview of announcement #{answer.announcement_id}"
    assert f"Goes to <#{NEWS}> and <#{HALLWAY}> now" in str(answer.cards[-1].description)
    draft = await service.get(1, answer.announcement_id)
    assert (draft.status, draft.title) == ("draft", "Keynote soon")


async def test_a_draft_is_not_found_from_another_server(service: AnnouncementService) -> None:
    """Announcement numbers are per server: another server's is "no announcement #1"."""
    draft = await new_draft(service)
    with pytest.raises(NotFoundError, match="There is no announcement #1"):
        await service.get(2, draft.id)


async def test_send_now_writes_one_row_per_channel_and_logs(
    services: Services, service: AnnouncementService
) -> None:
    """Send now: a pending row per channel, due now, in the announcement's scope; one log line."""
    draft = await new_draft(service, (NEWS, HALLWAY))
    reply = await send_now(service, draft)
    assert reply == f"Posting announcement #{draft.id} in <#{NEWS}> and <#{HALLWAY}> now."
    assert await pending_announcement_rows(services) == [
        (announcement_key(draft.id, NEWS), START),
        (announcement_key(draft.id, HALLWAY), START),
    ]
    row = await services.database.outbox.get(announcement_key(draft.id, NEWS))
    assert row is not None
    assert row.scope == announcement_scope(draft.id)
    (line,) = await moderation_lines(services)
    assert line.startswith(f"🛡️ <@{MODERATOR}> posted announcement #{draft.id} “Keynote soon”")


@pytest.mark.parametrize(
    ("action", "post_at", "refusal"),
    [
        ("schedule", None, "This draft has no time"),
        ("schedule", START - timedelta(minutes=1), "That time has passed"),
    ],
)
async def test_a_draft_that_cannot_be_queued_is_refused(
    service: AnnouncementService, action: str, post_at: object, refusal: str
) -> None:
    """Schedule without a time, or a time already passed: refused with the way out."""
    draft = await new_draft(service, post_at=post_at)  # type: ignore[arg-type]
    with pytest.raises(UserError, match=refusal):
        await service.queueing(draft, action)


async def test_a_queued_announcement_cannot_be_queued_again(service: AnnouncementService) -> None:
    """Pressing Schedule on an old preview of a scheduled announcement: "already scheduled"."""
    draft = await new_draft(service, post_at=LATER)
    await service.queue(
        await service.queueing(draft, "schedule"), actor_id=MODERATOR, reader=SYDNEY
    )
    again = await service.get(1, draft.id)
    with pytest.raises(UserError, match=f"Announcement #{draft.id} is already scheduled"):
        await service.queueing(again, "schedule")


async def test_cancel_stops_every_waiting_copy_and_logs(
    services: Services, service: AnnouncementService
) -> None:
    """Cancelling a scheduled announcement cancels its rows and says who did it."""
    draft = await new_draft(service, (NEWS, HALLWAY), post_at=LATER)
    await service.queue(
        await service.queueing(draft, "schedule"), actor_id=MODERATOR, reader=SYDNEY
    )
    reply = await service.cancel(await service.get(1, draft.id), actor_id=MODERATOR)
    assert reply == f"Cancelled announcement #{draft.id}; nothing will be posted."
    assert await pending_announcement_rows(services) == []
    assert (await service.get(1, draft.id)).status == "cancelled"
    assert "cancelled announcement #1 “Keynote soon”" in (await moderation_lines(services))[-1]


async def test_cancelling_a_draft_logs_nothing(
    services: Services, service: AnnouncementService
) -> None:
    """A draft was never announced: cancelling it leaves the moderation log alone."""
    draft = await new_draft(service)
    await service.cancel(draft, actor_id=MODERATOR)
    assert (await service.get(1, draft.id)).status == "cancelled"
    assert await moderation_lines(services) == []


async def test_cancel_after_one_copy_was_posted_keeps_that_copy(
    services: Services, service: AnnouncementService
) -> None:
    """One copy posted, one waiting: the waiting one is cancelled, the reply says where it stays."""
    draft = await new_draft(service, (NEWS, HALLWAY))
    await send_now(service, draft)
    await mark_posted(services, draft, NEWS, 700)
    reply = await service.cancel(await service.get(1, draft.id), actor_id=MODERATOR)
    assert reply == (
        f"Cancelled announcement #{draft.id} in <#{HALLWAY}>; it stays posted in <#{NEWS}>."
    )
    assert (await service.get(1, draft.id)).status == "scheduled"


async def test_editing_a_scheduled_announcement_moves_its_rows(
    services: Services, service: AnnouncementService
) -> None:
    """An edit before the time: the copies take the new time, the log says "(scheduled)"."""
    draft = await new_draft(service, post_at=LATER)
    await service.queue(
        await service.queueing(draft, "schedule"), actor_id=MODERATOR, reader=SYDNEY
    )
    new_time = LATER + timedelta(minutes=30)
    reply = await service.submit(
        guild_id=1,
        author_id=MODERATOR,
        channel_ids=(NEWS,),
        ping=Ping(),
        session_id=None,
        existing=await service.get(1, draft.id),
        title="Keynote moved",
        body="Later.",
        post_at=new_time,
        message=service.compose("Keynote moved", "Later.", Ping(), None),
        reader=SYDNEY,
    )
    assert isinstance(reply, str)
    assert reply.startswith(f"Updated announcement #{draft.id}: it goes to <#{NEWS}> at ")
    assert await pending_announcement_rows(services) == [
        (announcement_key(draft.id, NEWS), new_time)
    ]
    assert (
        "edited announcement #1 “Keynote moved” (scheduled)"
        in (await moderation_lines(services))[-1]
    )


async def test_editing_a_posted_announcement_edits_each_copy_or_says_why_not(
    services: Services, service: AnnouncementService, posted: FakePosted
) -> None:
    """Posted in #news and #hallway: #news is edited, #hallway's refusal is named."""
    draft = await new_draft(service, (NEWS, HALLWAY))
    await send_now(service, draft)
    await mark_posted(services, draft, NEWS, 701)
    await mark_posted(services, draft, HALLWAY, 702)

    async def refuse_hallway(channel_id: int, message_id: int, message: object) -> None:
        if channel_id == HALLWAY:
            raise DiscordRefused(403, 50013, "Missing Permissions")
        posted.edited.append((channel_id, message_id, "edited"))

    posted.edit = refuse_hallway  # type: ignore[method-assign, assignment]
    reply = await service.submit(
        guild_id=1,
        author_id=MODERATOR,
        channel_ids=(NEWS, HALLWAY),
        ping=Ping(),
        session_id=None,
        existing=await service.get(1, draft.id),
        title="Keynote soon",
        body="Now in room B.",
        post_at=None,
        message=service.compose("Keynote soon", "Now in room B.", Ping(), None),
        reader=SYDNEY,
    )
    assert reply == (
        f"Edited the posted announcement #{draft.id} in <#{NEWS}>. I could not edit it in "
        f"<#{HALLWAY}> (Discord said 403 Missing Permissions)."
    )
    assert posted.edited == [(NEWS, 701, "edited")]


async def test_the_list_reads_each_copy_state_in_the_readers_zone(
    services: Services, service: AnnouncementService
) -> None:
    """/announce list: none yet, then each announcement with its channels' states."""
    assert await service.listing(1, SYDNEY) == "No announcements yet."
    draft = await new_draft(service, (NEWS, HALLWAY))
    await send_now(service, draft)
    await mark_posted(services, draft, NEWS, 703)
    listing = await service.listing(1, SYDNEY)
    assert listing.splitlines()[1].startswith(
        f"#{draft.id} **Keynote soon** posted in <#{NEWS}>, scheduled in <#{HALLWAY}>, Thu 25 Feb"
    )


async def test_the_renderer_skips_a_cancelled_announcement(
    services: Services, service: AnnouncementService
) -> None:
    """A copy whose announcement was cancelled is skipped, never sent."""
    draft = await new_draft(service)
    await send_now(service, draft)
    row = await services.database.outbox.get(announcement_key(draft.id, NEWS))
    assert row is not None
    await services.database.announcements.cancel(draft.id)
    with pytest.raises(Skip, match="cancelled"):
        await service.render(row, RenderContext(START, row.due_at, row.deadline_at))


async def test_the_renderer_skips_a_copy_past_the_grace_and_reports_it(
    services: Services, service: AnnouncementService
) -> None:
    """Past the grace: skipped, and the moderation log says which copy was missed."""
    draft = await new_draft(service)
    await send_now(service, draft)
    row = await services.database.outbox.get(announcement_key(draft.id, NEWS))
    assert row is not None
    on_time = await service.render(row, RenderContext(START, row.due_at, row.deadline_at))
    assert on_time.content == "📣 **Keynote soon**\nJoin the main stage."
    late = START + timedelta(minutes=services.config.announcements.grace_minutes, seconds=1)
    with pytest.raises(Skip, match="minutes late"):
        await service.render(row, RenderContext(late, row.due_at, row.deadline_at))
    line = (await moderation_lines(services))[-1]
    assert f"skipped announcement #{draft.id} “Keynote soon”: it was due" in line
