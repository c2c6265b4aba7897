"""Moderators' announcements and the moderation log, without Discord.

- ``timing.py``: what a moderator typed as "when", read in their zone and read back.
- ``text.py``: the announcement as it will appear (title, body, the chosen ping).
- ``planning.py``: each channel's outbox row (keyed per announcement and channel), the grace.
- ``channels.py``: where an announcement goes and what became of each copy, for moderators.
- ``moderation_log.py``: one line per moderator action (who, what, when, where).
"""
