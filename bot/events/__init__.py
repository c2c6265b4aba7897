"""The programme in Discord's scheduled events, and Interested as a reminder.

- ``plan.py`` — which sessions are mirrored (the window, the cap) and what each event says.
- ``service.py`` — :class:`EventMirror`: refreshes, the schedule follower, the rows, status.
- ``actions.py`` — one event row carried out (create once, edit, cancel, delete); people's
  edits to the bot's events put back.
- ``interest.py`` — Interested → a subscription, and the reconcile after a restart.
- ``port.py`` — the Discord side, as a protocol the cog implements.
- ``texts.py`` — the feature's words.
"""

from bot.events.service import EVENT_KIND, EventMirror

__all__ = ["EVENT_KIND", "EventMirror"]
