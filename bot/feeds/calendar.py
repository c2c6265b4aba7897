"""The feed's calendar text (RFC 5545), through the icalendar library.

One VEVENT per session on the person's agenda, with the UID the .ics export gives it
(``bot.rendering.calendar_ids``), so a calendar holding both keeps one event. SEQUENCE
and DTSTAMP come from the session's stored version: they move only when an applied
schedule change touched the session. A session that left the schedule stays a while as
``STATUS:CANCELLED``, so calendars remove it instead of keeping a stale copy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event

__all__ = ["FeedEvent", "feed_bytes"]

PRODUCT_ID = "-//confbot//personal agenda feed//EN"
REFRESH_INTERVAL = timedelta(minutes=15)  # how often a calendar app should fetch again


@dataclass(frozen=True, slots=True)
class FeedEvent:
    """One event of a feed: a session as it is now, or as it was before it left."""

    uid: str
    sequence: int
    stamp: datetime
    start: datetime
    end: datetime
    title: str
    location: str | None = None
    description: str | None = None
    url: str | None = None
    cancelled: bool = False


def feed_bytes(name: str, events: Sequence[FeedEvent]) -> bytes:
    """Return the feed: a VCALENDAR named ``name`` with ``events`` in start order."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT15M")  # the same, as Outlook and Apple read it
    for item in sorted(events, key=lambda e: (e.start, e.uid)):
        event = Event()
        event.add("uid", item.uid)
        event.add("sequence", item.sequence)
        event.add("dtstamp", item.stamp.astimezone(UTC))
        event.add("dtstart", item.start.astimezone(UTC))
        event.add("dtend", item.end.astimezone(UTC))
        event.add("summary", item.title)
        event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
        if item.location:
            event.add("location", item.location)
        if item.description:
            event.add("description", item.description)
        if item.url:
            event.add("url", item.url)
        calendar.add_component(event)
    return bytes(calendar.to_ical())
