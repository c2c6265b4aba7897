"""The reminders' custom_ids: the same ids as the cog's buttons, templates that match them."""

from __future__ import annotations

import re

import pytest

from bot.reminders.custom_ids import (
    CALENDAR,
    CALENDAR_TEMPLATE,
    REMIND,
    REMIND_PICK,
    REMIND_TEMPLATE,
    UNREMIND,
    UNREMIND_TEMPLATE,
    session_custom_id,
    session_id_from_token,
)
from cogs.views import id_in_custom_id

LONG_ID = "x" * 120


@pytest.mark.parametrize("session_id", ["keynote", LONG_ID, "#hash", "a:b c"])
@pytest.mark.parametrize("prefix", [REMIND, UNREMIND, CALENDAR, ""])
def test_custom_ids_are_the_ones_the_cog_builds(prefix: str, session_id: str) -> None:
    """Until the two are one, the Discord-free ids equal ``cogs.views.id_in_custom_id``."""
    assert session_custom_id(prefix, session_id) == id_in_custom_id(prefix, session_id)


@pytest.mark.parametrize(
    ("prefix", "template"),
    [(REMIND, REMIND_TEMPLATE), (UNREMIND, UNREMIND_TEMPLATE), (CALENDAR, CALENDAR_TEMPLATE)],
)
def test_each_template_reads_its_session_back(prefix: str, template: str) -> None:
    """A button's template gives back the token its custom_id carries."""
    match = re.fullmatch(template, session_custom_id(prefix, "keynote"))
    assert match is not None
    assert match["session"] == "keynote"


def test_the_select_is_not_a_remind_button() -> None:
    """ "Remind me of…" never matches the "Remind me" button's template."""
    assert re.fullmatch(REMIND_TEMPLATE, REMIND_PICK) is None


def test_a_long_id_travels_as_a_digest_and_comes_back() -> None:
    """Too long for 100 characters: a digest, resolved among the schedule's ids."""
    custom_id = session_custom_id(REMIND, LONG_ID)
    assert len(custom_id) <= 100
    token = custom_id.removeprefix(REMIND)
    assert session_id_from_token(token, ["keynote", LONG_ID]) == LONG_ID
    assert session_id_from_token(token, ["keynote"]) is None
    assert session_id_from_token("keynote", []) == "keynote"
