"""Personal calendar feeds and agenda pages: ``/agenda subscribe`` gives both links.

Discord-free; the reminders cog's ``/agenda subscribe`` calls only the service, and the
routes are served by the bot's web server (``bot/web.py``).

- ``service.py`` — :class:`FeedService`, the feature's one API: give or reset the links,
  serve a feed (ETag, Last-Modified, 304), the agenda page and its day pictures (drawn by
  the ``draw_day`` function the factory passes in), follow schedule changes.
- ``page.py`` — the agenda page's HTML (escaped, no script, its style allowed by hash).
- ``calendar.py`` — the feed's RFC 5545 text: stable UIDs, SEQUENCE, DTSTAMP, cancelled events.
- ``tokens.py`` — feed tokens (256 random bits) and the hash that alone is stored.
- ``routes.py`` — the web routes: ``/agenda/<token>.ics``, ``/agenda/<token>``,
  ``/agenda/<token>/day/<YYYY-MM-DD>.png``.
- ``texts.py`` — the words of ``/agenda subscribe``.
"""

from bot.feeds.service import FeedService

__all__ = ["FeedService"]
