"""Personal calendar feeds: ``/agenda subscribe`` gives a link a calendar app follows.

Discord-free; the reminders cog's ``/agenda subscribe`` calls only the service, and the
routes are served by the bot's web server (``bot/web.py``).

- ``service.py`` — :class:`FeedService`, the feature's one API: give or reset a link, serve
  a feed (ETag, Last-Modified, 304), follow schedule changes (session versions).
- ``calendar.py`` — the feed's RFC 5545 text: stable UIDs, SEQUENCE, DTSTAMP, cancelled events.
- ``tokens.py`` — feed tokens (256 random bits) and the hash that alone is stored.
- ``routes.py`` — the web route: ``GET /agenda/<token>.ics``.
- ``texts.py`` — the words of ``/agenda subscribe``.
"""

from bot.feeds.service import FeedService

__all__ = ["FeedService"]
