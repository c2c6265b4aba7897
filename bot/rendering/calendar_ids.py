"""Stable identifiers for calendar events (RFC 5545 UIDs), shared by every calendar we make.

The agenda's .ics export (``bot/reminders``) and the personal feed (``bot/feeds``) give a
session the same UID, so a calendar that holds both updates one event instead of two.
"""

from __future__ import annotations

import re

from bot.schedule.model import Session

__all__ = ["event_uid", "slug"]


def slug(text: str) -> str:
    """Return ``text`` as lower-case letters, digits and dashes ("conference" if none)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "conference"


def event_uid(session: Session | str, conference_name: str) -> str:
    """Return the event's stable UID: the same session (or session id) always gets the same one."""
    session_id = session if isinstance(session, str) else session.id
    return f"{slug(session_id)}@{slug(conference_name)}.confbot"
