"""The custom_ids of the reminders' buttons and select, as Discord-free strings.

A button carries its session in its custom_id (``confbot:remind:<session>``), so a press
on a card sent before a restart is answered like any other. An id too long for Discord's
100 characters travels as ``#`` and a digest (the same rule as ``cogs/views.py``'s
``id_in_custom_id``; the test in ``tests/bot/reminders`` keeps the two equal).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

# Discord refuses a component whose custom_id is longer than this.
CUSTOM_ID_LIMIT = 100

REMIND = "confbot:remind:"
"""The "Remind me" button of a session card."""
UNREMIND = "confbot:unremind:"
"""The "Stop reminding" button (after "Remind me", on a reminder, under the agenda)."""
CALENDAR = "confbot:ics:"
"""The "Add to calendar" button of a session card."""
OPEN_SESSION = "confbot:session:"
"""The "Open session" button on a reminder (the speakers cog's session button answers it)."""
REMIND_PICK = "confbot:remind-pick"
"""The "Remind me of…" select under a list page or a speaker card."""

REMIND_TEMPLATE = r"confbot:remind:(?P<session>.+)"
UNREMIND_TEMPLATE = r"confbot:unremind:(?P<session>.+)"
CALENDAR_TEMPLATE = r"confbot:ics:(?P<session>.+)"

AGENDA_LIST = "agenda"
"""The agenda's list kind, answered again by its page buttons (``ListQuery.kind``)."""


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:24]


def session_custom_id(prefix: str, session_id: str) -> str:
    """Return ``prefix + session_id``, or ``prefix + "#" + digest`` when that is too long."""
    whole = prefix + session_id
    if len(whole) <= CUSTOM_ID_LIMIT and not session_id.startswith("#"):
        return whole
    return f"{prefix}#{_digest(session_id)}"


def session_id_from_token(token: str, candidates: Iterable[str]) -> str | None:
    """Return the session id ``token`` stands for among ``candidates`` (``None`` if gone)."""
    if not token.startswith("#"):
        return token
    wanted = token[1:]
    return next((candidate for candidate in candidates if _digest(candidate) == wanted), None)
