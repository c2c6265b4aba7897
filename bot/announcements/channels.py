"""Where an announcement goes and what became of it there, as moderators read it.

Pure: an announcement's copies (one per channel) and their states in, text out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.rendering.text import human_join
from bot.storage.repositories.announcements import AnnouncementCopy

CopyState = tuple[AnnouncementCopy, str]


def channel_list(channel_ids: Iterable[int]) -> str:
    """Return "<#a>, <#b> and <#c>"."""
    return human_join([f"<#{channel_id}>" for channel_id in channel_ids])


def state_summary(states: Sequence[CopyState]) -> str:
    """Return "posted" when every copy agrees, else "posted in <#a>, failed in <#b>"."""
    kinds = {state for _, state in states}
    if len(kinds) == 1:
        return kinds.pop()
    return ", ".join(f"{state} in <#{copy.channel_id}>" for copy, state in states)


def where_and_state(states: Sequence[CopyState]) -> str:
    """Return "in <#a> and <#b>: posted", or "posted in <#a>, failed in <#b>" when they differ."""
    if not states:
        return "in no channel"
    kinds = {state for _, state in states}
    if len(kinds) == 1:
        return f"in {channel_list(copy.channel_id for copy, _ in states)}: {kinds.pop()}"
    return state_summary(states)
