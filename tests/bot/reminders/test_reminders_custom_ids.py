"""The reminders' custom_ids: templates that match the ids the buttons carry."""

from __future__ import annotations

import re

import pytest

from bot.custom_ids import id_from_custom_id, id_in_custom_id
from bot.reminders.custom_ids import (
    CALENDAR,
    CALENDAR_TEMPLATE,
    REMIND,
    REMIND_PICK,
    REMIND_TEMPLATE,
    UNREMIND,
    UNREMIND_TEMPLATE,
)

LONG_ID = "x" * 120


@pytest.mark.parametrize(
    ("prefix", "template"),
    [(REMIND, REMIND_TEMPLATE), (UNREMIND, UNREMIND_TEMPLATE), (CALENDAR, CALENDAR_TEMPLATE)],
)
def test_each_template_reads_its_session_back(prefix: str, template: str) -> None:
    """A button's template gives back the token its custom_id carries."""
    match = re.fullmatch(template, id_in_custom_id(prefix, "keynote"))
    assert match is not None
    assert match["session"] == "keynote"


def test_the_select_is_not_a_remind_button() -> None:
    """ "Remind me of…" never matches the "Remind me" button's template."""
    assert re.fullmatch(REMIND_TEMPLATE, REMIND_PICK) is None


def test_a_long_id_travels_as_a_digest_and_comes_back() -> None:
    """Too long for 100 characters: a digest, resolved among the schedule's ids."""
    custom_id = id_in_custom_id(REMIND, LONG_ID)
    assert len(custom_id) <= 100
    token = custom_id.removeprefix(REMIND)
    assert id_from_custom_id(token, ["keynote", LONG_ID]) == LONG_ID
    assert id_from_custom_id(token, ["keynote"]) is None
    assert id_from_custom_id("keynote", []) == "keynote"
