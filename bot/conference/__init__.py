"""Conference operations for moderators, without Discord: status, upcoming, reload, upload.

- ``service.py`` — :class:`ConferenceService`: the only API the ``/conference`` cog calls
  (the facts, the programme's reload and upload, their moderation-log lines).
- ``status.py`` — the ``/conference status`` and ``/conference upcoming`` texts.
- ``texts.py`` — the words of reload and upload: the sentences, an upload's preview, who.
"""

from bot.conference.service import ConferenceService

__all__ = ["ConferenceService"]
