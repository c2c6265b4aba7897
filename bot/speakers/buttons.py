"""Which cards an answer links to: the speakers feature's buttons as plain data.

A speaker's card links to their sessions, a session's card to its speakers; the cog
turns each :class:`CardLink` into a button whose custom_id is in :mod:`bot.speakers.custom_ids`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.rendering.cards import Reply
from bot.rendering.text import truncate
from bot.schedule.index import ScheduleIndex

__all__ = ["LABEL_LIMIT", "LINKS_PER_CARD", "CardLink", "card_links"]

# Discord refuses a button label longer than this.
LABEL_LIMIT = 80
# Buttons of one kind on one card (the page buttons and other features need room too).
LINKS_PER_CARD = 5


@dataclass(frozen=True, slots=True)
class CardLink:
    """A button that opens one card: a session's or a speaker's."""

    target: Literal["session", "speaker"]
    target_id: str
    label: str


def card_links(reply: Reply, index: ScheduleIndex) -> list[CardLink]:
    """Return the links for an answer about one speaker or one session (else none).

    A speaker's card gets a link per session (up to 5) opening the session card;
    a session's card gets a link per speaker (up to 5) opening the speaker card.
    """
    if reply.speaker_ids:
        sessions = [
            session
            for speaker_id in reply.speaker_ids[:1]
            for session in index.sessions_by_speaker(speaker_id)
        ]
        return [
            CardLink("session", session.id, truncate(f"Session: {session.title}", LABEL_LIMIT))
            for session in sessions[:LINKS_PER_CARD]
        ]
    session = index.session(reply.session_id) if reply.session_id else None
    if session is None:
        return []
    # One link per speaker: a custom_id may appear only once in a message.
    speaker_ids = dict.fromkeys(session.speaker_ids)
    speakers = [s for speaker_id in speaker_ids if (s := index.speaker(speaker_id))]
    if len(speakers) == 1:
        return [CardLink("speaker", speakers[0].id, "Speaker")]
    return [
        CardLink("speaker", s.id, truncate(f"Speaker: {s.name}", LABEL_LIMIT))
        for s in speakers[:LINKS_PER_CARD]
    ]
