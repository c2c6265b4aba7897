"""Moderators' announcements and the moderation log, without Discord.

- ``timing.py``: what a moderator typed as "when", read in their zone and read back.
- ``text.py``: the announcement as it will appear (title, body, the chosen ping).
- ``planning.py``: the outbox row of a scheduled announcement and its grace.
- ``moderation_log.py``: one line per moderator action (who, what, when, where).
- ``status.py``: the ``/conference status`` and ``/conference upcoming`` texts.
"""
