"""Tests for bot.answers.search_fields: one field's scoring tiers and the typo table."""

from __future__ import annotations

import pytest

from bot.answers.search_fields import Field, Typos, keep_best
from bot.answers.search_text import Query

TITLES = Field(
    [
        ("keynote",),
        ("keynote the latest findings of the china tribunal",),
        ("organ harvesting in china",),
    ]
)


def _scores(text: str, want: int | None = None) -> dict[int, float]:
    query = Query.of(text)
    return TITLES.match(query, query.significant(), want=want)


@pytest.mark.parametrize(
    ("text", "doc", "score"),
    [
        ("keynote", 0, 1.0),
        ("keynote", 1, 0.95),
        ("keyn", 1, 0.88),
        ("china tribunal", 1, 0.9),
        ("china trib", 1, 0.85),
        ("tribunal keynote", 1, 0.8),
        ("harvesting tribunal", 2, 0.45),
    ],
)
def test_match_tiers(text: str, doc: int, score: float) -> None:
    """Each tier of the module docstring of bot.answers.search scores what it says."""
    assert _scores(text)[doc] == pytest.approx(score)


def test_some_tokens_only_when_short_of_wanted() -> None:
    """Documents with only some tokens are added only when fewer than ``want`` were found."""
    assert 2 not in _scores("china tribunal", want=1)
    assert 2 in _scores("china tribunal", want=5)


def test_prefix_lookup_and_vocabulary() -> None:
    """Prefixes are found by bisecting the sorted vocabulary."""
    assert TITLES.has_prefix("harv")
    assert not TITLES.has_prefix("zz")
    assert TITLES.prefix_docs("ch") == frozenset({1, 2})
    assert TITLES.vocabulary == sorted(TITLES.vocabulary)


@pytest.mark.parametrize(
    ("token", "partial", "expected"),
    [
        ("geofrey", False, "geoffrey"),
        ("tribnual", False, "tribunal"),
        ("geofr", True, "geoffr"),
        ("nic", False, None),
    ],
)
def test_typo_corrections(token: str, partial: bool, expected: str | None) -> None:
    """One edit away is corrected; a word still being typed becomes a prefix one letter longer."""
    typos = Typos(["geoffrey", "tribunal", "nice"])
    fixes = typos.corrections(token, partial=partial)
    assert (fixes[0] if fixes else None) == expected


def test_keep_best_keeps_the_higher_score() -> None:
    """A lower score never replaces a higher one."""
    scores = {1: 0.9}
    keep_best(scores, 1, 0.5)
    keep_best(scores, 2, 0.5)
    assert scores == {1: 0.9, 2: 0.5}
