"""The personal feed's one API: links, feeds with their validators, session versions."""

from __future__ import annotations

import hashlib
import logging
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core import Core
from bot.errors import DatabaseBusyError
from bot.feeds import texts
from bot.feeds.calendar import FeedEvent, feed_bytes
from bot.feeds.tokens import looks_like_token, new_token, token_hash
from bot.programme.followers import ScheduleChange
from bot.rendering.calendar_ids import event_uid
from bot.schedule.diff import Change
from bot.schedule.index import ScheduleIndex
from bot.schedule.model import Session
from bot.storage.repositories.feeds import FeedToken, SessionVersion

__all__ = ["KEEP_CANCELLED", "FeedAnswer", "FeedService"]

log = logging.getLogger(__name__)

# A session that left the schedule stays in feeds as cancelled this long, long enough
# for every calendar that polls now and then to see it go.
KEEP_CANCELLED = timedelta(days=14)
# Rendered feeds kept in memory, by their exact content (a 304 never renders).
_CACHE_SIZE = 256


@dataclass(frozen=True, slots=True)
class FeedAnswer:
    """What a feed request gets: 200 with a body, 304 (unchanged) or 404 (no such feed)."""

    status: int
    body: bytes = b""
    etag: str | None = None
    last_modified: datetime | None = None


NOT_FOUND = FeedAnswer(404)


def _matches(if_none_match: str | None, etag: str) -> bool:
    if if_none_match is None:
        return False
    # Weak comparison (RFC 9110 13.1.2): W/"x" matches "x"; "*" matches any current feed.
    tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
    return "*" in tags or etag in tags


class FeedService:
    """Gives people feed links and serves their feeds; follows schedule changes."""

    follower_name = "feeds"

    def __init__(self, core: Core, public_url: Callable[[], str] | None) -> None:
        """``public_url`` returns the web server's address; ``None`` when it is off."""
        self._core = core
        self._public_url = public_url
        self._rendered: OrderedDict[tuple[object, ...], tuple[bytes, str]] = OrderedDict()

    @property
    def enabled(self) -> bool:
        """Return whether feeds are served (the config has a ``[web]`` section)."""
        return self._public_url is not None

    # -- links ----------------------------------------------------------------------------

    async def subscribe(self, user_id: int, *, reset: bool = False) -> str:
        """Return the answer to ``/agenda subscribe``: a new link, or why there is none.

        A token is shown once and only its hash is kept, so a second request without
        ``reset`` cannot show it again; ``reset`` replaces it (the old link answers 404).
        """
        if self._public_url is None:
            return texts.WEB_OFF
        feeds = self._core.database.feeds
        had_one = await feeds.has_token(user_id)
        if had_one and not reset:
            return texts.already_subscribed()
        token = new_token()
        await feeds.set_token(user_id, token_hash(token))
        url = f"{self._public_url()}/agenda/{token}.ics"
        return texts.reset_link(url) if had_one else texts.new_link(url)

    # -- serving --------------------------------------------------------------------------

    async def feed(
        self,
        token: str,
        *,
        if_none_match: str | None = None,
        if_modified_since: datetime | None = None,
    ) -> FeedAnswer:
        """Return the feed of the token's owner, 304 if the client has it, 404 if no owner."""
        if not looks_like_token(token):
            return NOT_FOUND
        database = self._core.database
        owner = await database.feeds.by_token_hash(token_hash(token))
        if owner is None:
            return NOT_FOUND
        subscriptions = await database.subscriptions.for_user(owner.user_id)
        session_ids = [subscription.session_id for subscription in subscriptions]
        versions = await database.feeds.versions(session_ids)
        index = self._core.schedule
        events = _events(index, session_ids, versions, owner, self._core.clock.now())
        name = f"{index.conference.name}: my agenda"
        body, etag = self._render(name, events)
        modified = owner.modified_at
        if etag != owner.etag or modified is None:
            modified = self._core.clock.now()
            try:
                await database.feeds.served(owner.user_id, etag, modified)
            except DatabaseBusyError:
                # Another program holds the database: serve the feed anyway; the next
                # fetch records it (only Last-Modified waits for that).
                log.warning("database busy; feed served without recording its version")
        if _matches(if_none_match, etag) or (
            if_none_match is None
            and if_modified_since is not None
            and modified.replace(microsecond=0) <= if_modified_since
        ):
            return FeedAnswer(304, etag=etag, last_modified=modified)
        return FeedAnswer(200, body, etag, modified)

    def _render(self, name: str, events: tuple[FeedEvent, ...]) -> tuple[bytes, str]:
        key = (name, events)
        cached = self._rendered.get(key)
        if cached is not None:
            self._rendered.move_to_end(key)
            return cached
        body = feed_bytes(name, events)
        rendered = (body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"')
        self._rendered[key] = rendered
        if len(self._rendered) > _CACHE_SIZE:
            self._rendered.popitem(last=False)
        return rendered

    # -- schedule changes -----------------------------------------------------------------

    async def follow_schedule_change(self, change: ScheduleChange) -> Mapping[str, int]:
        """Bump the version of every session the change touched (inside the apply)."""
        index = self._core.schedule
        bumped = 0
        for item in change.diff.changes:
            session = item.after or item.before
            if session is None:
                continue
            removed = item.after is None or item.after.cancelled or Change.CANCELLED in item.changes
            room = index.room(session.room_id) if session.room_id else None
            await self._core.database.feeds.bump(
                session.id,
                changed_at=change.now,
                removed=removed,
                title=session.title,
                starts_at=session.start,
                ends_at=session.end,
                location=room.name if room else None,
            )
            bumped += 1
        return {"versions": bumped}


def _events(
    index: ScheduleIndex,
    session_ids: list[str],
    versions: Mapping[str, SessionVersion],
    owner: FeedToken,
    now: datetime,
) -> tuple[FeedEvent, ...]:
    """Return the feed's events: sessions on the agenda, and those that left not long ago."""
    conference = index.conference.name
    events: list[FeedEvent] = []
    for session_id in session_ids:
        version = versions.get(session_id)
        session = index.session(session_id)
        if session is not None:
            # A session never changed since feeds began is at version 0, stamped when
            # this feed began: stable, so an unchanged feed keeps its bytes and ETag.
            events.append(_present(session, index, conference, version, owner.created_at))
        elif (
            version is not None
            and version.removed_at is not None
            and now - version.removed_at < KEEP_CANCELLED
        ):
            events.append(
                FeedEvent(
                    uid=event_uid(session_id, conference),
                    sequence=version.sequence,
                    stamp=version.changed_at,
                    start=version.starts_at,
                    end=version.ends_at,
                    title=version.title,
                    location=version.location,
                    cancelled=True,
                )
            )
    return tuple(events)


def _present(
    session: Session,
    index: ScheduleIndex,
    conference: str,
    version: SessionVersion | None,
    since: datetime,
) -> FeedEvent:
    room = index.room(session.room_id) if session.room_id else None
    names = [s.name for i in session.speaker_ids if (s := index.speaker(i)) is not None]
    stream = session.stream_url or (room.stream_url if room else None)
    lines = []
    if names:
        lines.append("Speakers: " + ", ".join(names))
    if stream:
        lines.append(f"Stream: {stream}")
    return FeedEvent(
        uid=event_uid(session, conference),
        sequence=version.sequence if version else 0,
        stamp=max(version.changed_at, since) if version else since,
        start=session.start,
        end=session.end,
        title=session.title,
        location=room.name if room else None,
        description="\n\n".join(lines) or None,
        url=session.url or stream,
    )
