"""The announcements service on a real database and engine, with Discord replaced by fakes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.announcements.planning import announcement_key
from bot.announcements.service import AnnouncementService, Preview
from bot.announcements.text import Ping
from bot.answers.reader import Reader
from bot.clock import SimulatedClock
from bot.config import ChannelRef, Config
from bot.rendering.outgoing import OutgoingMessage
from bot.services import Services
from bot.storage.repositories.announcements import Announcement

START = datetime(2021, 2, 24, 20, 45, tzinfo=UTC)
MOD_LOG, NEWS, HALLWAY = 900, 901, 902
MODERATOR = 42
SYDNEY = Reader("Australia/Sydney", "24h", "America/New_York", zone_is_set=True)


class ModLogOnly:
    """A channel directory that knows only the moderation-log channel."""

    def channel_id(self, configured: ChannelRef | None) -> int | None:
        """Return the moderation log's id for any configured channel."""
        return MOD_LOG

    def room_channel_ids(self) -> dict[str, int]:
        """Return no room channels."""
        return {}

    def channel_url(self, channel_id: int) -> str | None:
        """Return no link (no server is known)."""
        return None


@dataclass
class FakePosted:
    """Discord for posted copies: #news is an announcement channel; ``failure`` is raised."""

    news: set[int] = field(default_factory=lambda: {NEWS})
    failure: Exception | None = None
    published: list[tuple[int, int]] = field(default_factory=list)
    edited: list[tuple[int, int, str]] = field(default_factory=list)

    def is_announcement_channel(self, channel_id: int) -> bool:
        """Return whether the channel is #news."""
        return channel_id in self.news

    async def publish(self, channel_id: int, message_id: int) -> None:
        """Record the crosspost, or raise the failure set."""
        if self.failure is not None:
            raise self.failure
        self.published.append((channel_id, message_id))

    async def edit(self, channel_id: int, message_id: int, message: OutgoingMessage) -> None:
        """Record the edit, or raise the failure set."""
        if self.failure is not None:
            raise self.failure
        self.edited.append((channel_id, message_id, message.content))


@pytest.fixture
async def services(seed_config: Config) -> AsyncIterator[Services]:
    """Open every service on the seed conference, its clock standing at :data:`START`."""
    opened = await Services.open(seed_config, SimulatedClock(START, speed=0), ModLogOnly())
    yield opened
    await opened.close()


@pytest.fixture
def posted() -> FakePosted:
    """Return the fake Discord side of posted copies."""
    return FakePosted()


@pytest.fixture
def service(services: Services, posted: FakePosted) -> AnnouncementService:
    """Return the announcements service, connected to :func:`posted`."""
    services.announcements.connect(posted)
    return services.announcements


async def new_draft(
    service: AnnouncementService,
    channel_ids: tuple[int, ...] = (NEWS,),
    *,
    post_at: datetime | None = None,
    title: str = "Keynote soon",
) -> Announcement:
    """Submit a new announcement's form and return the draft."""
    body = "Join the main stage."
    answer = await service.submit(
        guild_id=1,
        author_id=MODERATOR,
        channel_ids=channel_ids,
        ping=Ping(),
        session_id=None,
        existing=None,
        title=title,
        body=body,
        post_at=post_at,
        message=service.compose(title, body, Ping(), None),
        reader=SYDNEY,
    )
    assert isinstance(answer, Preview)
    return await service.get(1, answer.announcement_id)


async def send_now(service: AnnouncementService, draft: Announcement) -> str:
    """Press Send now on the draft's preview; return the reply."""
    return await service.queue(
        await service.queueing(draft, "send"), actor_id=MODERATOR, reader=SYDNEY
    )


async def mark_posted(
    services: Services, draft: Announcement, channel_id: int, message: int
) -> Any:
    """Make the copy's outbox row sent as message ``message``, as the engine would; return it."""
    outbox = services.database.outbox
    row = await outbox.get(announcement_key(draft.id, channel_id))
    assert row is not None
    assert await outbox.claim(row.id)
    assert await outbox.mark_sent(row.id, message)
    return await outbox.get(row.key)


async def moderation_lines(services: Services) -> list[str]:
    """Return the moderation-log lines queued so far."""
    return [
        str(row.payload["content"])
        for row in await services.database.outbox.pending()
        if row.kind == "text" and row.target_channel_id == MOD_LOG
    ]
