"""What features add to each other's answers: registered, asked in order, and removed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

import discord

from bot.answer_hooks import REMEMBERED_LISTS, AnswerHooks
from bot.rendering.cards import Reply
from bot.rendering.pages import Answer, ListQuery

QUERY = ListQuery("schedule", datetime(2021, 2, 24, 21, 0, tzinfo=UTC), (None,))
PRESS = cast(discord.Interaction, object())


def provider(name: str) -> Any:
    """Return an extras provider that offers one item named ``name``."""
    return lambda reply, invoker_id: [name]


async def test_extras_come_in_registration_order_until_removed() -> None:
    """Speakers registered first offer first; an unloaded cog offers nothing more."""
    hooks = AnswerHooks()
    speakers, reminders = provider("speaker"), provider("remind")
    hooks.add_extras(speakers)
    hooks.add_extras(reminders)
    assert hooks.extras(Reply("x"), 1) == ["speaker", "remind"]
    hooks.remove_extras(speakers)
    assert hooks.extras(Reply("x"), 1) == ["remind"]


async def test_the_first_source_that_knows_the_list_answers_it() -> None:
    """Sources that return None for another kind are skipped; a removed one is not asked."""
    hooks = AnswerHooks()
    answer = Reply("page")

    async def other(query: ListQuery, interaction: discord.Interaction) -> Answer | None:
        return None

    async def schedule(query: ListQuery, interaction: discord.Interaction) -> Answer | None:
        return answer if query.kind == "schedule" else None

    hooks.add_list_source(other)
    hooks.add_list_source(schedule)
    assert await hooks.reopen(QUERY, PRESS) is answer
    hooks.remove_list_source(schedule)
    assert await hooks.reopen(QUERY, PRESS) is None


async def test_a_remembered_list_is_found_again_until_newer_ones_push_it_out() -> None:
    """A list no query describes is kept in memory; the oldest go first past the limit."""
    hooks = AnswerHooks()
    first = Reply("first")
    query = hooks.remember(first)
    assert await hooks.reopen(query, PRESS) is first
    for number in range(REMEMBERED_LISTS):
        hooks.remember(Reply(str(number)))
    assert await hooks.reopen(query, PRESS) is None


async def test_forget_steps_run_in_order_until_removed() -> None:
    """/forget-me hears what each step took back or could not; a removed one is not run."""
    hooks = AnswerHooks()
    asked: list[int] = []

    async def roles(user_id: int) -> tuple[list[str], list[str]]:
        asked.append(user_id)
        return ["your track role “Track: AI”"], []

    async def refused(user_id: int) -> tuple[list[str], list[str]]:
        return [], ["I may not take away “Track: Law”."]

    hooks.add_forget_step(roles)
    hooks.add_forget_step(refused)
    assert await hooks.forget_in_discord(7) == (
        ["your track role “Track: AI”"],
        ["I may not take away “Track: Law”."],
    )
    hooks.remove_forget_step(roles)
    assert await hooks.forget_in_discord(8) == ([], ["I may not take away “Track: Law”."])
    assert asked == [7]
