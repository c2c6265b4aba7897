"""What moderators read: the preview's card and /announce list, cut to one message."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.announcements.replies import LIST_LIMIT, announcement_list, preview_cards
from bot.announcements.text import Ping, announcement_message
from bot.answers.reader import Reader
from bot.rendering.cards import Card
from bot.storage.repositories.announcements import Announcement, AnnouncementCopy

AT = datetime(2021, 2, 24, 20, 55, tzinfo=UTC)
SYDNEY = Reader("Australia/Sydney", "24h", "America/New_York", zone_is_set=True)


def announcement(number: int, title: str = "Keynote soon", ping: str | None = None) -> Announcement:
    """Return a scheduled announcement numbered ``number``."""
    return Announcement(
        id=number,
        guild_id=1,
        channel_id=5,
        author_id=42,
        content="Join the main stage.",
        post_at=AT,
        status="scheduled",
        outbox_key=None,
        created_at=AT,
        updated_at=AT,
        title=title,
        ping=ping,
    )


def test_the_preview_says_where_when_and_whom_it_pings() -> None:
    """The info card names the channels, the time in the reader's zone and the ping."""
    draft = announcement(3, ping="role:77")
    message = announcement_message("Keynote soon", "Join.", Ping.parse(draft.ping))
    (info,) = preview_cards(draft, [5, 6], message, SYDNEY)
    assert info.title == "Preview of announcement #3"
    assert info.description is not None
    assert info.description.startswith(
        "Goes to <#5> and <#6> at Thu 25 Feb 07:55 AEDT (<t:1614200100:F>); pings <@&77>."
    )


def test_the_preview_puts_the_session_card_first_within_the_embed_limit() -> None:
    """With a session card: it comes first, fitted beside the info card."""
    card = Card(title="The keynote", description="x" * 5900)
    message = announcement_message("Keynote soon", "Join.", Ping(), card)
    first, info = preview_cards(announcement(1), [5], message, SYDNEY)
    assert first.title == "The keynote"
    assert first.length() + info.length() <= 6000
    assert "with the card of “The keynote”" in str(info.description)


def test_the_list_is_cut_to_one_message_and_counts_the_rest() -> None:
    """Too many long titles for 2,000 characters: the last line counts those left out."""
    copy = AnnouncementCopy(announcement_id=1, position=0, channel_id=5, outbox_key="k")
    entries = [(announcement(n, "T" * 80), [(copy, "posted")]) for n in range(30, 0, -1)]
    text = announcement_list(entries, SYDNEY)
    assert len(text) <= LIST_LIMIT + 40
    assert text.splitlines()[0] == "**Announcements** (newest first)"
    assert text.splitlines()[1].startswith("#30 **" + "T" * 80 + "** in <#5>: posted, Thu 25 Feb")
    assert text.splitlines()[-1].startswith("…and ")
    assert text.splitlines()[-1].endswith(" older announcements")
