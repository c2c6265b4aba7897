"""The custom_ids of the preview buttons and the form: what the buttons are rebuilt from."""

from __future__ import annotations

import re

import pytest

from bot.announcements.custom_ids import (
    ACTIONS,
    BUTTON_TEMPLATE,
    CUSTOM_ID_PREFIX,
    button_id,
    form_id,
)
from cogs.views import CUSTOM_ID_LIMIT, PREFIX


def test_the_prefix_is_every_confbot_custom_ids() -> None:
    """The feature's prefix is the one every confbot button starts with."""
    assert CUSTOM_ID_PREFIX == PREFIX


@pytest.mark.parametrize("action", ACTIONS)
def test_a_button_id_matches_the_template_it_is_rebuilt_from(action: str) -> None:
    """Each action's custom_id gives back the action and the announcement's id."""
    custom_id = button_id(action, 123456)
    match = re.fullmatch(BUTTON_TEMPLATE, custom_id)
    assert match is not None
    assert (match["action"], int(match["id"])) == (action, 123456)
    assert len(custom_id) <= CUSTOM_ID_LIMIT


def test_an_unknown_action_has_no_button() -> None:
    """Only Send now, Schedule, Edit and Cancel exist."""
    with pytest.raises(ValueError, match="not an announcement action"):
        button_id("publish", 1)


def test_two_forms_open_at_once_never_share_a_custom_id() -> None:
    """discord.py finds an open form by its custom_id: each form gets its own."""
    first, second = form_id(None), form_id(None)
    assert first != second
    assert first.startswith("confbot:announce-modal:new:")
    assert form_id(7).startswith("confbot:announce-modal:7:")
