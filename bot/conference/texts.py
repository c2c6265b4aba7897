"""The words of ``/conference reload`` and ``/conference upload`` (pure: facts in, text out).

What the moderator reads (the sentence after a reload, an upload's preview, why a file
was refused) and who the moderation log says did it. Every text fits one message.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.programme.live import Outcome, Prepared, change_summary
from bot.programme.notices import MESSAGE_LIMIT, notice_line, notices_for
from bot.programme.refresh import MAX_BYTES
from bot.rendering.text import neutralise
from bot.schedule.diff import ScheduleDiff
from bot.schedule.model import Schedule

__all__ = [
    "PREVIEW_LINES",
    "Moderator",
    "applied_text",
    "not_applied_text",
    "reload_text",
    "too_large_text",
    "upload_preview",
    "who",
]

# Changes listed in an upload's preview; the rest are counted.
PREVIEW_LINES = 10


@dataclass(frozen=True, slots=True)
class Moderator:
    """Who ran an operation: their Discord user id and name."""

    user_id: int
    name: str


def who(moderator: Moderator) -> str:
    """Return "name (id)", as the moderation log names who did something."""
    return f"{neutralise(moderator.name)} ({moderator.user_id})"


def reload_text(outcome: Outcome, source: str) -> str:
    """Return what a reload of ``source`` did: refused (and why), applied, or nothing new."""
    shown = neutralise(source)
    if outcome.status == "failed":
        text = f"The schedule was not changed: {neutralise(outcome.reason or '')}"
    elif outcome.applied is not None:
        text = f"Reloaded {shown}: {change_summary(outcome.applied.diff)}."
    else:
        text = f"Reloaded {shown}: it has not changed."
    return text[:MESSAGE_LIMIT]


def too_large_text() -> str:
    """Return the refusal of an uploaded file over the size limit."""
    return f"That file is larger than {MAX_BYTES // 1_000_000} MB."


def not_applied_text(name: str, reason: str) -> str:
    """Return why the uploaded file ``name`` was not applied."""
    return f"{neutralise(name)} was not applied: {neutralise(reason)}"[:MESSAGE_LIMIT]


def applied_text(name: str, diff: ScheduleDiff) -> str:
    """Return what applying the uploaded file ``name`` changed."""
    return f"Applied {neutralise(name)}: {change_summary(diff)}."


def upload_preview(prepared: Prepared, current: Schedule, name: str, zone: str) -> str:
    """Return what an upload would change, for the moderator to confirm (within 2,000)."""
    sessions = sum(1 for session in prepared.live.sessions if not session.cancelled)
    head = (
        f"**{neutralise(name)}** is valid: {sessions} sessions. "
        f"Changes: {change_summary(prepared.diff)}."
    )
    notices = notices_for(prepared.diff, current, prepared.live)
    lines = [f"- {notice_line(notice, zone, timestamp=False)}" for notice in notices]
    shown = lines[:PREVIEW_LINES]
    if len(lines) > PREVIEW_LINES:
        shown.append(f"…and {len(lines) - PREVIEW_LINES} more.")
    tail = "Apply it? Subscribers of changed sessions get a DM; the change is posted."
    text = "\n".join([head, *shown, tail])
    if len(text) > MESSAGE_LIMIT:
        text = "\n".join([head, f"({len(lines)} changes; too many to list here.)", tail])
    return text
