"""The announcement core: times read in the moderator's zone, the text, pings, the log line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.announcements.planning import too_late
from bot.announcements.text import Ping, announcement_message, announcement_text, card_beside
from bot.announcements.timing import PastTimeError, parse_when, read_back
from bot.answers.reader import Reader
from bot.errors import NonExistentTimeError, TimeParseError, UserError
from bot.moderation.lines import moderation_log_key, moderation_log_line
from bot.rendering.cards import Card, CardField

NOW = datetime(2021, 2, 24, 20, 45, tzinfo=UTC)  # Thu 25 Feb 07:45 in Sydney
SYDNEY = Reader("Australia/Sydney", "24h", "America/New_York", zone_is_set=True)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("15:50", None),  # today 15:50 in Sydney: later today
        ("in 10 minutes", datetime(2021, 2, 24, 20, 55, tzinfo=UTC)),
        ("tomorrow 9am", datetime(2021, 2, 25, 22, 0, tzinfo=UTC)),
        ("2021-02-25 07:55", datetime(2021, 2, 24, 20, 55, tzinfo=UTC)),
    ],
)
def test_times_are_read_in_the_moderators_zone(typed: str, expected: datetime | None) -> None:
    """What a Sydney moderator types is the Sydney wall time, as a UTC instant."""
    instant = parse_when(typed, SYDNEY, now=NOW)
    assert instant == (expected or datetime(2021, 2, 25, 4, 50, tzinfo=UTC))


@pytest.mark.parametrize("typed", [None, "", "now", "  NOW "])
def test_now_means_no_time(typed: str | None) -> None:
    """An empty "when" or "now" posts at once."""
    assert parse_when(typed, SYDNEY, now=NOW) is None


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("07:00", PastTimeError),
        ("2021-10-03 02:30", NonExistentTimeError),
        ("soonish", TimeParseError),
    ],
)
def test_bad_times_are_refused(typed: str, error: type[UserError]) -> None:
    """Past, skipped (DST) and unreadable times raise the error whose sentence the user sees."""
    with pytest.raises(error):
        parse_when(typed, SYDNEY, now=NOW)


def test_read_back_shows_the_local_time_and_a_discord_timestamp() -> None:
    """The time is read back in the moderator's zone and as <t:…:F>."""
    due = datetime(2021, 2, 24, 20, 55, tzinfo=UTC)
    assert read_back(due, SYDNEY) == "Thu 25 Feb 07:55 AEDT (<t:1614200100:F>)"


def test_the_text_puts_the_ping_first_and_the_title_in_bold() -> None:
    """A role ping, the title, then the body."""
    assert announcement_text("Keynote", "Join us.", Ping(role_id=42)) == (
        "<@&42> 📣 **Keynote**\nJoin us."
    )


def test_user_mentions_in_the_text_never_become_pings() -> None:
    """Only the chosen role may ping, whatever the body says."""
    message = announcement_message("Hi", "@everyone <@1> <@&2>", Ping(role_id=3))
    assert message.mention_role_ids == (3,)
    assert message.mention_user_ids == ()
    assert not message.mention_everyone


def test_no_ping_pings_nobody() -> None:
    """Without a chosen ping the message may mention nobody."""
    message = announcement_message("Hi", "@here", Ping())
    assert (message.mention_role_ids, message.mention_everyone) == ((), False)


def test_a_too_long_announcement_is_refused() -> None:
    """More than Discord's 2000 characters gets a sentence, not a failed send."""
    with pytest.raises(UserError, match="Discord allows 2000"):
        announcement_text("T" * 100, "x" * 1950, Ping())


@pytest.mark.parametrize("stored", [None, "role:42", "everyone", "here"])
def test_pings_round_trip_through_their_stored_form(stored: str | None) -> None:
    """What is stored in the row reads back as the same ping."""
    assert Ping.parse(stored).stored() == stored


def test_lateness_beyond_the_grace_is_too_late() -> None:
    """Ten minutes late is within a 10-minute grace; a second more is not."""
    grace = timedelta(minutes=10)
    assert not too_late(NOW, NOW + grace, grace)
    assert too_late(NOW, NOW + grace + timedelta(seconds=1), grace)


def test_the_log_line_names_who_what_when_and_where() -> None:
    """The moderation-log line: the moderator, the action, conference time and <t:…>, channel."""
    line = moderation_log_line(
        actor_id=7, action="posted announcement #1", at=NOW, zone="America/New_York", where="<#9>"
    )
    assert line == (
        "🛡️ <@7> posted announcement #1 · Wed 24 Feb 15:45 EST (<t:1614199500:F>) · in <#9>"
    )


def test_two_log_lines_at_one_instant_have_different_keys() -> None:
    """Two actions in the same second are both logged (keys never collide)."""
    assert moderation_log_key("announcement:1", NOW) != moderation_log_key("announcement:1", NOW)


def _huge_card() -> Card:
    """Return a card far over every embed limit (title, abstract, 25+ long fields)."""
    return Card(
        title="T" * 400,
        description="A" * 5000,
        fields=tuple(CardField(f"Field {n}", "v" * 1500) for n in range(30)),
        footer="F" * 3000,
    )


def test_the_session_card_of_a_message_fits_one_embed() -> None:
    """However long the session, the announcement's card stays within 6,000 characters."""
    message = announcement_message("Keynote", "Join us.", Ping(), _huge_card())
    (card,) = message.cards
    assert card.length() <= 6000
    assert len(card.fields) <= 25


def test_the_preview_card_leaves_room_for_the_information_embed() -> None:
    """Card and preview information together stay within one message's 6,000 characters."""
    info = Card(title="Preview of announcement #1", description="Goes to <#1> " * 30)
    alone = Card(title="T" * 400, description="A" * 5000, footer="F" * 3000)
    assert alone.fitted().length() == 6000  # alone it would take all of it
    card = card_beside(alone, info)
    assert card.length() + info.fitted().length() <= 6000
    assert card.length() > 4000  # only what the information needs was given up
