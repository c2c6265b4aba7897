"""What moderators read about their announcements: the preview's card and /announce list.

Pure: announcements, their copies' channels and states, and the reader in; text and
cards (fitted to Discord's limits) out.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.announcements.channels import CopyState, channel_list, where_and_state
from bot.announcements.text import Ping, card_beside
from bot.announcements.timing import read_back
from bot.answers.reader import Reader
from bot.rendering.cards import Card
from bot.rendering.outgoing import OutgoingMessage
from bot.rendering.text import neutralise, plural
from bot.storage.repositories.announcements import Announcement

LIST_LIMIT = 2000  # one message
NO_ANNOUNCEMENTS = "No announcements yet."


def preview_cards(
    draft: Announcement, channel_ids: Sequence[int], message: OutgoingMessage, reader: Reader
) -> tuple[Card, ...]:
    """Return the preview's cards: the session's (if any) beside what, where and when.

    The message's text above them is exactly what will be posted.
    """
    card = message.cards[0] if message.cards else None
    info = Card(
        title=f"Preview of announcement #{draft.id}",
        description=(
            f"Goes to {channel_list(channel_ids)} "
            f"{'at ' if draft.post_at else ''}{read_back(draft.post_at, reader)}; "
            f"pings {Ping.parse(draft.ping).mention or 'nobody'}"
            f"{f'; with the card of “{card.title}”' if card else ''}.\n"
            "Above is exactly what will be posted. Send now, Schedule, Edit or Cancel."
        ),
    )
    beside = (card_beside(card, info),) if card else ()
    return (*beside, info.fitted())


def announcement_list(
    announcements: Sequence[tuple[Announcement, Sequence[CopyState]]], reader: Reader
) -> str:
    """Return "#3 **Title** in <#a>: posted, Thu 25 Feb 07:55 AEDT (…)" lines, newest first.

    Cut to one message: the lines that do not fit are counted on the last line.
    """
    if not announcements:
        return NO_ANNOUNCEMENTS
    lines = ["**Announcements** (newest first)"]
    for shown, (announcement, states) in enumerate(announcements):
        when = read_back(announcement.post_at, reader)
        title = neutralise(announcement.title or announcement.content)[:80]
        line = f"#{announcement.id} **{title}** {where_and_state(states)}, {when}"
        if len("\n".join([*lines, line])) > LIST_LIMIT:
            lines.append(f"…and {plural(len(announcements) - shown, 'older announcement')}")
            break
        lines.append(line)
    return "\n".join(lines)
