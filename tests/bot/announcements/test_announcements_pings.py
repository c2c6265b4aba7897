"""Whom an announcement may ping: the allow-list, by id or by name, @everyone if allowed."""

from __future__ import annotations

import pytest

from bot.announcements.pings import chosen_ping, ping_choices, pingable_roles
from bot.announcements.text import Ping
from bot.errors import UserError

ROLES = [(10, "Attendees"), (11, "Speakers"), (12, "Staff")]


def test_only_roles_on_the_allow_list_are_pingable() -> None:
    """The allow-list names roles by id or by name; the others are left out, order kept."""
    assert pingable_roles(ROLES, [12, "Attendees"]) == [(10, "Attendees"), (12, "Staff")]


@pytest.mark.parametrize(
    ("typed", "allow_everyone", "expected"),
    [
        (None, False, Ping()),
        ("  ", False, Ping()),
        ("10", False, Ping(role_id=10)),
        ("@attendees", False, Ping(role_id=10)),
        ("Staff", False, Ping(role_id=12)),
        ("@everyone", True, Ping(everyone="everyone")),
        ("here", True, Ping(everyone="here")),
    ],
)
def test_the_ping_typed_is_read(typed: str | None, allow_everyone: bool, expected: Ping) -> None:
    """A role's id (what autocomplete sends) or name, with or without "@"; nothing is nobody."""
    pingable = pingable_roles(ROLES, [10, 12])
    assert chosen_ping(typed, pingable, allow_everyone=allow_everyone) == expected


@pytest.mark.parametrize(
    ("typed", "refusal"),
    [
        ("Speakers", "“Speakers” is not a role announcements may ping"),
        ("@everyone", "Announcements may not ping @everyone here"),
        ("@here", "Announcements may not ping @here here"),
    ],
)
def test_a_ping_not_allowed_is_refused(typed: str, refusal: str) -> None:
    """A role off the list, or @everyone/@here when the organisers did not allow it."""
    with pytest.raises(UserError, match=refusal):
        chosen_ping(typed, pingable_roles(ROLES, [10]), allow_everyone=False)


def test_choices_offer_matching_roles_and_everyone_only_if_allowed() -> None:
    """Typing "e" offers the matching pingable roles, then @everyone/@here when allowed."""
    pingable = pingable_roles(ROLES, [10, 12])
    assert ping_choices("@e", pingable, allow_everyone=False) == [("@Attendees", "10")]
    assert ping_choices("e", pingable, allow_everyone=True) == [
        ("@Attendees", "10"),
        ("@everyone", "everyone"),
        ("@here", "here"),
    ]
