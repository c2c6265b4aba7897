"""The moderation log: one line per moderator action or schedule event, sent once.

- ``log.py`` — :class:`ModerationLog`: the line as a ``text`` outbox row to
  ``guild.moderation_log_channel`` (or only the bot's log without one).
- ``lines.py`` — the line's words (who, what, when in the conference zone, where) and its key.
"""

from bot.moderation.log import ModerationLog

__all__ = ["ModerationLog"]
