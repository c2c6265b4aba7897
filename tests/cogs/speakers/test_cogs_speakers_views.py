"""The speakers' buttons: their custom_ids round-trip through their templates."""

from __future__ import annotations

import pytest

from bot.speakers.buttons import CardLink
from bot.speakers.custom_ids import SESSION_CARD, SPEAKER_CARD
from cogs.speakers.views import SessionButton, SpeakerButton, button_for
from cogs.views import CUSTOM_ID_LIMIT, PREFIX


def test_custom_ids_use_the_bots_prefix() -> None:
    """The feature's literal prefix is the one every confbot button carries."""
    assert SESSION_CARD.startswith(f"{PREFIX}:")
    assert SPEAKER_CARD.startswith(f"{PREFIX}:")


@pytest.mark.parametrize(
    ("link", "kind"),
    [
        (CardLink("session", "s01", "Session: Keynote"), SessionButton),
        (CardLink("speaker", "nice", "Speaker"), SpeakerButton),
        (CardLink("speaker", "x" * 200, "Speaker"), SpeakerButton),
    ],
)
async def test_a_buttons_custom_id_matches_its_template(link: CardLink, kind: type) -> None:
    """Each button's custom_id fits Discord's limit and is recognised after a restart."""
    button = button_for(link)
    assert isinstance(button, kind)
    custom_id = button.item.custom_id
    assert custom_id is not None
    assert len(custom_id) <= CUSTOM_ID_LIMIT
    match = button.template.fullmatch(custom_id)
    assert match is not None
    assert button.item.label == link.label
