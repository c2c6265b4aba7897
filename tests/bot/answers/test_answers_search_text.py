"""Tests for bot.answers.search_text: normalising names and labels, preparing queries."""

from __future__ import annotations

import pytest

from bot.answers.search_text import (
    KIND_STOPWORDS,
    MAX_QUERY_CHARS,
    MAX_QUERY_TOKENS,
    Query,
    normalise,
    speaker_key,
    truncate_label,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("São Paulo", "sao paulo"),
        ("  Keynote:  the LATEST!! ", "keynote the latest"),
        ("Zoë Ångström", "zoe angstrom"),
        ("Straße", "strasse"),
        ("Søren Łukasz", "soren lukasz"),
        ("**bold** _it_ `code`", "bold it code"),
        ("", ""),
        ("!!!", ""),
    ],
)
def test_normalise(text: str, expected: str) -> None:
    """normalise casefolds, strips accents and collapses punctuation."""
    assert normalise(text) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Sir Geoffrey Nice QC", "geoffrey nice"),
        ("Dr. Jane Doe, PhD", "jane doe"),
        ("Prof. Dr. Ana María López, FRS", "ana maria lopez"),
        ("The Rt Hon Lord Smith KC", "smith"),
        ("Martin Luther King Jr.", "martin luther king"),
        ("Mary Lord", "mary lord"),
        ("Sir", "sir"),
    ],
)
def test_speaker_key(name: str, expected: str) -> None:
    """speaker_key drops leading honorifics and trailing post-nominals only."""
    assert speaker_key(name) == expected


@pytest.mark.parametrize(
    ("label", "expected"),
    [("short", "short"), ("x" * 100, "x" * 100), ("x" * 101, "x" * 99 + "…")],
)
def test_truncate_label(label: str, expected: str) -> None:
    """truncate_label keeps short labels and cuts long ones to 100 with '…'."""
    assert truncate_label(label) == expected


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("The Keynote", "keynote"),
        ("the", "the"),
        ("<@123> **Keynote** <:wave:42>", "keynote"),
        (
            "one two three four five six seven eight nine ten",
            "one two three four five six seven eight",
        ),
        ("", ""),
    ],
)
def test_query_of(raw: str, text: str) -> None:
    """Query.of drops markup and leading articles, and keeps at most eight tokens."""
    query = Query.of(raw)
    assert query.text == text
    assert query.tokens == tuple(text.split())
    assert len(query.tokens) <= MAX_QUERY_TOKENS


def test_query_is_cut_before_normalising() -> None:
    """Only the first MAX_QUERY_CHARS characters of what was typed are read."""
    assert Query.of("a" * MAX_QUERY_CHARS + " keynote").text == "a" * MAX_QUERY_CHARS


@pytest.mark.parametrize(
    ("raw", "stopwords", "significant"),
    [
        ("what is on in room b", None, ("room", "b")),
        ("room b", KIND_STOPWORDS["room"], ("b",)),
        ("the of", None, ("of",)),
    ],
)
def test_significant_tokens(
    raw: str, stopwords: frozenset[str] | None, significant: tuple[str, ...]
) -> None:
    """Stopwords are left out, unless nothing else is left."""
    query = Query.of(raw)
    found = query.significant() if stopwords is None else query.significant(stopwords)
    assert found == significant
