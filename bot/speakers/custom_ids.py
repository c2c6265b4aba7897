"""The custom_ids of the speakers feature's buttons, as plain strings.

A button's custom_id carries the id of the card it opens, so a press on any old message
is answered after a restart too. An id too long for Discord's 100 characters is replaced
by a digest (:func:`bot.custom_ids.id_in_custom_id`) and looked up in the schedule when pressed.
"""

from __future__ import annotations

from bot.custom_ids import PREFIX, SESSION_CARD, SESSION_CARD_TEMPLATE

__all__ = [
    "SESSION_CARD",
    "SESSION_CARD_TEMPLATE",
    "SPEAKER_CARD",
    "SPEAKER_CARD_TEMPLATE",
]

# "Speaker" on a session's card: ``confbot:speaker:<speaker id>``. "Session: …" on a
# speaker's card is the shared ``SESSION_CARD`` (a reminder's "Open session" is the same).
SPEAKER_CARD = f"{PREFIX}:speaker:"
SPEAKER_CARD_TEMPLATE = rf"{PREFIX}:speaker:(?P<id>.+)"
