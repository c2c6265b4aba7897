"""The outbox kinds the reminders feature plans and renders.

Each kind names its rows in the outbox (``reminder:…``, ``digest:…``, ``room_post:…``)
and the renderer :class:`~bot.reminders.renderers.ReminderRenderers` registers for it.
"""

from __future__ import annotations

REMINDER = "reminder"
DIGEST = "digest"
ROOM_POST = "room_post"

KINDS = (REMINDER, DIGEST, ROOM_POST)
