"""Button custom_ids survive the trip through Discord; extras fit in a message."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any, cast

import discord
import pytest

from bot.answer_hooks import AnswerHooks
from bot.app import Confbot
from bot.rendering.cards import Reply
from cogs.reminders import RemindButton, RemindSelect
from cogs.views import (
    CUSTOM_ID_LIMIT,
    ListQuery,
    id_from_custom_id,
    id_in_custom_id,
    page_custom_id,
    parse_page_custom_id,
    view_for,
)

AT = datetime(2025, 10, 23, 9, 30, 15, tzinfo=UTC)
INVOKER = 123456789012345678


@pytest.mark.parametrize(
    "arguments",
    [
        (),
        (None, "track-2", None),
        ("100% evidence: part 2",),
        ("%3A already escaped", ":", ""),
        ("Zürich Straße 東京",),
    ],
)
def test_page_custom_id_round_trips(arguments: tuple[str | None, ...]) -> None:
    """A page button's custom_id gives back its list, invoker and page exactly."""
    query = ListQuery("search", AT, arguments)
    parsed = parse_page_custom_id(page_custom_id(query, INVOKER, 7))
    expected = tuple(argument or None for argument in arguments)
    assert parsed == (ListQuery("search", AT, expected), INVOKER, 7)


def test_other_custom_ids_are_not_page_buttons() -> None:
    """Session buttons and foreign custom_ids are not mistaken for page buttons."""
    assert parse_page_custom_id("confbot:session:s01") is None
    assert parse_page_custom_id("confbot:page:alice:1:search:0") is None


@pytest.mark.parametrize("value", ["s01", "x" * 84, "x" * 85, "#looks-like-a-digest"])
def test_ids_fit_in_a_custom_id_and_resolve(value: str) -> None:
    """Any id becomes a custom_id of at most 100 characters that resolves back to it."""
    custom_id = id_in_custom_id("confbot:session:", value)
    assert len(custom_id) <= CUSTOM_ID_LIMIT
    token = custom_id.removeprefix("confbot:session:")
    assert id_from_custom_id(token, ["other", value, "more"]) == value


def test_a_hashed_id_that_left_the_schedule_resolves_to_nothing() -> None:
    """A hashed id whose session is gone resolves to None, not to another session."""
    token = id_in_custom_id("confbot:session:", "y" * 200).removeprefix("confbot:session:")
    assert id_from_custom_id(token, ["other", "y" * 199]) is None


class _Extras:
    """A feature that offers ``items`` under every reply (an extras provider)."""

    def __init__(self, items: list[discord.ui.Item[Any]]) -> None:
        self.items = items

    def session_buttons(self, reply: Reply, invoker_id: int) -> list[discord.ui.Item[Any]]:
        return self.items


async def test_extras_beyond_a_messages_25_places_are_left_out() -> None:
    """A select (a row of five) and 30 buttons: the select and 20 buttons fit, in 5 rows."""
    options = [discord.SelectOption(label=f"Talk {n}", value=f"s{n}") for n in range(3)]
    offered: list[discord.ui.Item[Any]] = [
        RemindSelect(options),
        *(RemindButton(f"s{n}") for n in range(30)),
    ]
    hooks = AnswerHooks()
    hooks.add_extras(_Extras(offered).session_buttons)
    bot = cast(Confbot, SimpleNamespace(answer_hooks=hooks))
    view = view_for(bot, Reply("Talks", listed_session_ids=("s0",)), INVOKER)
    assert view is not None
    rows = view.to_components()
    assert len(rows) == 5
    assert [len(row["components"]) for row in rows] == [5, 5, 5, 5, 1]
    assert rows[-1]["components"][0]["custom_id"] == "confbot:remind-pick"
