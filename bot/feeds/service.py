"""The personal feed's one API: links, feeds with their validators, session versions."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.answers.reader import reader_for
from bot.channels import ChannelDirectory, NoChannels
from bot.core import Core
from bot.errors import DatabaseBusyError
from bot.feeds import texts
from bot.feeds.calendar import FeedEvent, feed_bytes
from bot.feeds.page import PageDay, PageSession, agenda_html
from bot.feeds.tokens import looks_like_token, new_token, token_hash
from bot.programme.followers import ScheduleChange
from bot.rendering.calendar_ids import event_uid
from bot.rendering.reader import Reader
from bot.schedule.diff import Change
from bot.schedule.index import ScheduleIndex
from bot.schedule.model import Session
from bot.storage.repositories.feeds import FeedToken, SessionVersion
from bot.timezones import format_day, format_time_range, local_day, zone_abbreviation

__all__ = ["KEEP_CANCELLED", "DayDrawer", "FeedAnswer", "FeedService"]

DayDrawer = Callable[[Reader, date, Sequence[Session], datetime], bytes]
"""Draws one local day of an agenda as a PNG (``bot.pictures``, passed in by the factory)."""

log = logging.getLogger(__name__)

# A session that left the schedule stays in feeds as cancelled this long, long enough
# for every calendar that polls now and then to see it go.
KEEP_CANCELLED = timedelta(days=14)
# Rendered feeds kept in memory, by their exact content (a 304 never renders).
_CACHE_SIZE = 256
# Days' pictures of agenda pages kept in memory (about 10-100 kB each).
_PICTURE_CACHE_SIZE = 64


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

    def __init__(
        self,
        core: Core,
        public_url: Callable[[], str] | None,
        *,
        channels: ChannelDirectory | None = None,
        draw_day: DayDrawer | None = None,
    ) -> None:
        """``public_url`` returns the web server's address; ``None`` when it is off.

        ``channels`` gives the rooms' channel links on the agenda page; ``draw_day`` its
        pictures (without it, a day's picture answers 404 and the page shows none).
        """
        self._core = core
        self._public_url = public_url
        self._channels = channels or NoChannels()
        self._draw_day = draw_day
        self._pictures: OrderedDict[tuple[object, ...], bytes] = OrderedDict()
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
        base = f"{self._public_url()}/agenda/{token}"
        if had_one:
            return texts.reset_link(f"{base}.ics", base)
        return texts.new_link(f"{base}.ics", base)

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

    # -- the agenda page --------------------------------------------------------------

    async def _owner_sessions(self, token: str) -> tuple[Reader, list[Session]] | None:
        """Return the token's owner's reader and agenda (start order), ``None`` if no owner."""
        if not looks_like_token(token):
            return None
        database = self._core.database
        owner = await database.feeds.by_token_hash(token_hash(token))
        if owner is None:
            return None
        reader = await reader_for(database, owner.user_id, self._core.conference_zone)
        index = self._core.schedule
        subscriptions = await database.subscriptions.for_user(owner.user_id)
        found = (index.session(subscription.session_id) for subscription in subscriptions)
        sessions = sorted((s for s in found if s is not None), key=lambda s: (s.start, s.id))
        return reader, sessions

    async def page(self, token: str) -> bytes | None:
        """Return the owner's agenda page (HTML), ``None`` when the token has no owner."""
        owned = await self._owner_sessions(token)
        if owned is None or self._public_url is None:
            return None
        reader, sessions = owned
        index = self._core.schedule
        now = self._core.clock.now()
        by_day: dict[date, list[Session]] = {}
        for session in sessions:
            by_day.setdefault(local_day(session.start, reader.zone), []).append(session)
        channel_ids = self._channels.room_channel_ids()
        days = []
        for day, that_day in by_day.items():
            label = format_day(day)
            count = f"{len(that_day)} session{'s' * (len(that_day) != 1)}"
            days.append(
                PageDay(
                    day,
                    label,
                    f"{token}/day/{day.isoformat()}.png",
                    f"Your agenda on {label} drawn as a timetable, rooms side by side "
                    f"({count}, listed below).",
                    tuple(
                        _page_session(s, index, reader, day, channel_ids, self._channels)
                        for s in that_day
                    ),
                )
            )
        moment = sessions[0].start if sessions else now
        return agenda_html(
            title=f"{index.conference.name}: my agenda",
            zone_line=f"Times in {reader.zone} ({zone_abbreviation(moment, reader.zone)}), "
            f"{'12-hour' if reader.clock == '12h' else '24-hour'} clock.",
            feed_url=f"{self._public_url()}/agenda/{token}.ics",
            days=days,
        )

    async def day_png(self, token: str, day_text: str) -> bytes | None:
        """Return the picture of one local day of the owner's agenda, ``None`` if none."""
        if self._draw_day is None:
            return None
        try:
            day = date.fromisoformat(day_text)
        except ValueError:
            return None
        owned = await self._owner_sessions(token)
        if owned is None:
            return None
        reader, sessions = owned
        that_day = [s for s in sessions if local_day(s.start, reader.zone) == day]
        if not that_day:
            return None
        # The "now" line moves by the minute; the same picture is drawn once per minute.
        now = self._core.clock.now().replace(second=0, microsecond=0)
        key = (id(self._core.schedule), reader, day, tuple(that_day), now)
        cached = self._pictures.get(key)
        if cached is not None:
            self._pictures.move_to_end(key)
            return cached
        # Drawing a busy day takes a while: off the event loop, so the gateway keeps beating.
        png = await asyncio.to_thread(self._draw_day, reader, day, that_day, now)
        self._pictures[key] = png
        if len(self._pictures) > _PICTURE_CACHE_SIZE:
            self._pictures.popitem(last=False)
        return png

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


def _page_session(
    session: Session,
    index: ScheduleIndex,
    reader: Reader,
    day: date,
    channel_ids: Mapping[str, int],
    channels: ChannelDirectory,
) -> PageSession:
    room = index.room(session.room_id) if session.room_id else None
    channel_id = channel_ids.get(session.room_id or "")
    names = [s.name for i in session.speaker_ids if (s := index.speaker(i)) is not None]
    time = format_time_range(
        session.start,
        session.end,
        reader.zone,
        clock=reader.clock,
        reference_zone=reader.conference_zone,
    ).removeprefix(format_day(day) + " ")
    return PageSession(
        time=time,
        title=session.title,
        room=room.name if room else None,
        room_url=channels.channel_url(channel_id) if channel_id is not None else None,
        speakers=", ".join(names),
        stream_url=session.stream_url or (room.stream_url if room else None),
        details_url=session.url,
    )


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
