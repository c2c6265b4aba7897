"""Buttons, menu options and form fields named by their label or the start of it."""

from __future__ import annotations

import pytest

from confbot_dev.demo.labels import pick_label
from confbot_dev.demo.script import ScriptError

LABELS = ["Send now", "Schedule", "Edit", "Cancel", "Edit"]

PICKED = [
    ("Send now", "Send now"),
    ("send NOW", "Send now"),
    ("Sc", "Schedule"),
    ("e", "Edit"),  # the same label twice is one label
    (" cancel ", "Cancel"),
]


@pytest.mark.parametrize(("typed", "label"), PICKED, ids=[p[0] for p in PICKED])
def test_pick_label_takes_the_whole_label_or_the_start_of_one(typed: str, label: str) -> None:
    """The whole label in any case, or the start of exactly one label, names it."""
    assert pick_label(typed, LABELS, "button") == label


def test_pick_label_prefers_a_whole_label_to_a_longer_one_it_starts() -> None:
    """ "Stop" names the button "Stop" even beside "Stop reminding"."""
    assert pick_label("stop", ["Stop reminding", "Stop"], "button") == "Stop"


REFUSED = [
    ("S", "'S' starts more than one button: Send now, Schedule; type more"),
    ("Nope", "no button 'Nope' (buttons: Send now, Schedule, Edit, Cancel)"),
    ("", "no button '' (buttons: Send now, Schedule, Edit, Cancel)"),
]


@pytest.mark.parametrize(("typed", "message"), REFUSED, ids=[r[0] or "empty" for r in REFUSED])
def test_pick_label_refuses_none_or_several_in_one_line_listing_them(
    typed: str, message: str
) -> None:
    """Several labels started, or none, is one error naming the labels there are."""
    with pytest.raises(ScriptError) as refused:
        pick_label(typed, LABELS, "button")
    assert str(refused.value) == message
