"""The custom_ids of the speakers feature's buttons, as plain strings.

A button's custom_id carries the id of the card it opens, so a press on any old message
is answered after a restart too. An id too long for Discord's 100 characters is replaced
by a digest (``cogs.views.id_in_custom_id``) and looked up in the schedule when pressed.
"""

from __future__ import annotations

__all__ = [
    "SESSION_CARD",
    "SESSION_CARD_TEMPLATE",
    "SPEAKER_CARD",
    "SPEAKER_CARD_TEMPLATE",
]

# "Session: …" on a speaker's card: ``confbot:session:<session id>``.
SESSION_CARD = "confbot:session:"
SESSION_CARD_TEMPLATE = r"confbot:session:(?P<id>.+)"
# "Speaker" on a session's card: ``confbot:speaker:<speaker id>``.
SPEAKER_CARD = "confbot:speaker:"
SPEAKER_CARD_TEMPLATE = r"confbot:speaker:(?P<id>.+)"
