"""The custom_ids of the reminders' buttons and select, as Discord-free strings.

A button carries its session in its custom_id (``confbot:remind:<session>``), so a press
on a card sent before a restart is answered like any other. An id too long for Discord's
100 characters travels as ``#`` and a digest (:mod:`bot.custom_ids`, every feature's rule).
"""

from __future__ import annotations

from bot.custom_ids import (
    PREFIX,
    ROW_MARK_PATTERN,
    SESSION_CARD,
)

__all__ = [
    "AGENDA_LIST",
    "CALENDAR",
    "CALENDAR_TEMPLATE",
    "OPEN_SESSION",
    "REMIND",
    "REMIND_PICK",
    "REMIND_TEMPLATE",
    "UNREMIND",
    "UNREMIND_TEMPLATE",
]

REMIND = f"{PREFIX}:remind:"
"""The "Remind me" button of a session card."""
UNREMIND = f"{PREFIX}:unremind:"
"""The "Stop reminding" button (after "Remind me", on a reminder, under the agenda)."""
CALENDAR = f"{PREFIX}:ics:"
"""The "Add to calendar" button of a session card."""
OPEN_SESSION = SESSION_CARD
"""The "Open session" button on a reminder (the speakers cog's session button answers it)."""
REMIND_PICK = f"{PREFIX}:remind-pick"
"""The "Remind me of…" select under a list page or a speaker card."""

# A reminder's buttons carry the delivery engine's row mark (bot.custom_ids.ROW_MARK_PATTERN).
REMIND_TEMPLATE = rf"{PREFIX}:remind:(?P<session>.+?){ROW_MARK_PATTERN}"
UNREMIND_TEMPLATE = rf"{PREFIX}:unremind:(?P<session>.+?){ROW_MARK_PATTERN}"
CALENDAR_TEMPLATE = rf"{PREFIX}:ics:(?P<session>.+?){ROW_MARK_PATTERN}"

AGENDA_LIST = "agenda"
"""The agenda's list kind, answered again by its page buttons (``ListQuery.kind``)."""
