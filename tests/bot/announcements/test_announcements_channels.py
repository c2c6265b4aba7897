"""Where an announcement went and what became of it, as /announce list and replies say it."""

from __future__ import annotations

import pytest

from bot.announcements.channels import channel_list, state_summary, where_and_state
from bot.storage.repositories.announcements import AnnouncementCopy


def _states(*pairs: tuple[int, str]) -> list[tuple[AnnouncementCopy, str]]:
    return [
        (AnnouncementCopy(1, position, channel, f"announcement:1:{channel}"), state)
        for position, (channel, state) in enumerate(pairs)
    ]


def test_channels_are_listed_in_the_order_chosen() -> None:
    """Three channels read "<#3>, <#1> and <#2>"."""
    assert channel_list([3, 1, 2]) == "<#3>, <#1> and <#2>"


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        (((1, "posted"),), "in <#1>: posted"),
        (((1, "scheduled"), (2, "scheduled")), "in <#1> and <#2>: scheduled"),
        (((1, "posted"), (2, "failed")), "posted in <#1>, failed in <#2>"),
        ((), "in no channel"),
    ],
)
def test_one_state_is_said_once_and_different_ones_per_channel(
    pairs: tuple[tuple[int, str], ...], expected: str
) -> None:
    """Copies that agree share one state; copies that differ each say theirs."""
    assert where_and_state(_states(*pairs)) == expected


def test_the_summary_alone_has_no_channels_when_they_agree() -> None:
    """ "is already posted", not "is already in <#1>: posted"."""
    assert state_summary(_states((1, "posted"), (2, "posted"))) == "posted"
