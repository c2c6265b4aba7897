"""The schedule-change DM: its outbox kind and its renderer, worded when it is sent.

A subscriber's DM about a change is queued by the apply (``bot/programme/apply.py``)
with the :class:`~bot.programme.notices.ChangeNotice` as its payload; this renderer
words it for the reader at send time, in their zone and 12/24-hour clock, and says so
when it goes out late. ``Services.build`` registers it with the delivery engine.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from bot.answers.reader import Reader, reader_for
from bot.delivery import RenderContext, Renderer
from bot.programme.notices import ChangeNotice, dm_text
from bot.storage.database import Database
from bot.storage.repositories.outbox import OutboxItem

__all__ = [
    "LATE_NOTE",
    "SCHEDULE_CHANGE_KIND",
    "change_dm_text",
    "schedule_change_renderer",
]

# The outbox kind of a subscriber's DM about a change (rendered in their zone).
SCHEDULE_CHANGE_KIND = "schedule_change"
# From this late on, the DM says it is late (the change may be old news by then).
LATE_AFTER = timedelta(minutes=1)
LATE_NOTE = "(Sent late: the bot could not send this earlier.)\n"


def change_dm_text(item: OutboxItem, context: RenderContext, reader: Reader) -> str:
    """Return the DM of the change in ``item`` for ``reader`` (late ones say so)."""
    notice = ChangeNotice.from_payload(item.payload)
    text = dm_text(notice, reader.zone, clock=reader.clock)
    if context.lateness >= LATE_AFTER:
        text = LATE_NOTE + text
    return text


def schedule_change_renderer(database: Database, conference_zone: Callable[[], str]) -> Renderer:
    """Return the renderer of :data:`SCHEDULE_CHANGE_KIND` rows: each in its reader's zone."""

    async def render_change(item: OutboxItem, context: RenderContext) -> str:
        reader = await reader_for(database, item.target_user_id or 0, conference_zone())
        return change_dm_text(item, context, reader)

    return render_change
