"""The driver sends only option values Discord's client would, and forges others on request.

Rules: interactions/application-commands, "Application Command Option Structure"
(``min_value``/``max_value`` for INTEGER and NUMBER, ``min_length``/``max_length`` for
STRING, ``choices``) and "Application Command Option Type" (INTEGER within +-(2^53-1),
NUMBER within +-2^53).
"""

from __future__ import annotations

from typing import Any

import pytest

from confbot_dev.sandbox import OptionValueRefused
from tests.support.rules_bot import RulesWorld


@pytest.mark.parametrize(
    ("options", "echoed"),
    [
        ({"count": 1, "ratio": 0.5, "word": "ab"}, "count=1 ratio=0.5 word='ab'"),
        ({"count": 10, "ratio": 2.0, "word": "abcde"}, "count=10 ratio=2.0 word='abcde'"),
        ({"size": "large"}, "size='large'"),
    ],
)
async def test_values_at_the_bounds_reach_the_bot(
    rules: RulesWorld, options: dict[str, Any], echoed: str
) -> None:
    """A value on a bound (or one of the choices) is sent as the client sends it."""
    reply = await rules.sandbox.invoke(rules.bob, "bounded", options, channel=rules.general)
    assert reply.content == echoed


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        ({"count": 0}, "from 1 to 10"),
        ({"count": 11}, "from 1 to 10"),
        ({"count": 2.5}, "whole number"),
        ({"count": "five"}, "whole number"),
        ({"ratio": 0.49}, "from 0.5 to 2.0"),
        ({"ratio": 2.01}, "from 0.5 to 2.0"),
        ({"ratio": float("nan")}, "takes a number"),
        ({"word": "a"}, "2 to 5 characters"),
        ({"word": "abcdef"}, "2 to 5 characters"),
        ({"size": "medium"}, "only the choices"),
        ({"note": "x" * 101}, "0 to 100 characters"),
    ],
)
async def test_values_out_of_bounds_are_refused_by_the_driver(
    rules: RulesWorld, options: dict[str, Any], reason: str
) -> None:
    """The client never sends a value outside the declared bounds; neither does the driver."""
    with pytest.raises(OptionValueRefused, match=reason):
        await rules.sandbox.invoke(rules.bob, "bounded", options, channel=rules.general)
    assert not [r for r in rules.sandbox.world.interactions.values() if r.what == "/bounded"]


async def test_forged_values_reach_the_bot_as_given(rules: RulesWorld) -> None:
    """invoke_forged sends what a modified client could: out of bounds, off the choices."""
    reply = await rules.sandbox.driver.invoke_forged(
        rules.bob,
        "bounded",
        {"count": -5, "ratio": 99.5, "word": "toolongword", "size": "medium"},
        channel=rules.general,
    )
    assert reply.content == "count=-5 ratio=99.5 word='toolongword' size='medium'"


async def test_autocomplete_typing_is_held_to_the_max_length(rules: RulesWorld) -> None:
    """The client's box takes no more than the option's max_length while typing."""
    typed = await rules.sandbox.autocomplete(
        rules.bob, "bounded", {"note": "x" * 100}, focused="note", channel=rules.general
    )
    assert typed == [{"name": "typed", "value": "x" * 100}]
    with pytest.raises(OptionValueRefused, match="at most 100 characters"):
        await rules.sandbox.driver.autocomplete(
            rules.bob, "bounded", {"note": "x" * 101}, focused="note", channel=rules.general
        )
