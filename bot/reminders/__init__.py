"""Attendees' own programme: reminders before chosen sessions, the agenda, digests, room posts.

Discord-free; the reminders cog (``cogs/reminders/``) calls only the service.

- ``service.py`` — :class:`ReminderService`, the feature's one API: subscribe and forget,
  the agenda, calendar files, settings, tracks' roles, the planning done at start.
- ``planner.py`` — :class:`ReminderPlanner`: subscriptions, digests and room posts as outbox
  rows through the delivery engine; follows schedule changes.
- ``kinds.py`` — the outbox kinds (``reminder``, ``digest``, ``room_post``).
- ``renderers.py`` — what those rows become when sent (:class:`OutgoingMessage` data).
- ``custom_ids.py`` — the custom_ids of the buttons and the select, and the agenda's list kind.
- ``texts.py`` — the words: reminders, digests, room posts, replies, the closed-DM hint.
- ``tracks.py`` — which role follows a track; the :class:`RoleDirectory` the cog provides.
- ``agenda.py`` — the agenda by the reader's local day, overlaps, countdown.
- ``calendar.py`` — calendar files (RFC 5545, stable UIDs, alarms).
- ``leads.py`` — leads ("60, 10") and digest times ("8am") as attendees type them.
"""
