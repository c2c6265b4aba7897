"""The precomputed parts of a search index: one :class:`Field` per searchable text, typos.

A :class:`Field` holds every document's normalised strings, a posting list per token
and a sorted vocabulary, so prefix lookups are a bisect and the scoring tiers of
:mod:`bot.answers.search` are set operations; :class:`Typos` corrects one edit.
"""

from __future__ import annotations

import difflib
from bisect import bisect_left
from collections.abc import Iterable, Sequence

from bot.answers.search_text import Query

__all__ = ["Field", "Typos", "keep_best"]

_FUZZY_MIN_LEN = 4
_FUZZY_CUTOFF = 0.7

_EMPTY: frozenset[int] = frozenset()


class Field:
    """One searchable field of one kind of entity: each document has one or more strings."""

    __slots__ = (
        "_doc_tokens",
        "_exact",
        "_one_letter_prefix",
        "_postings",
        "_prefix_cache",
        "_sorted_strings",
        "_strings",
        "_vocab",
    )

    def __init__(
        self, documents: Sequence[Sequence[str]], *, one_letter_prefix: bool = True
    ) -> None:
        """``one_letter_prefix=False``: even a one-letter query matches whole words only
        (long texts such as abstracts, where some word starts with almost any letter)."""
        self._one_letter_prefix = one_letter_prefix
        self._strings: list[tuple[str, ...]] = [tuple(s for s in d if s) for d in documents]
        self._doc_tokens: list[frozenset[str]] = []
        postings: dict[str, set[int]] = {}
        exact: dict[str, set[int]] = {}
        sorted_strings: list[tuple[str, int]] = []
        for doc, strings in enumerate(self._strings):
            tokens = frozenset(t for s in strings for t in s.split())
            self._doc_tokens.append(tokens)
            for token in tokens:
                postings.setdefault(token, set()).add(doc)
            for string in strings:
                exact.setdefault(string, set()).add(doc)
                sorted_strings.append((string, doc))
        self._postings = {t: frozenset(d) for t, d in postings.items()}
        self._exact = {s: frozenset(d) for s, d in exact.items()}
        self._sorted_strings = sorted(sorted_strings)
        self._vocab = sorted(self._postings)
        self._prefix_cache: dict[str, frozenset[int]] = {}
        # Short prefixes have the largest posting unions: compute them once, up front.
        for token in self._vocab:
            for n in (1, 2):
                if len(token) >= n:
                    self._prefix_cache.setdefault(token[:n], _EMPTY)
        for prefix in list(self._prefix_cache):
            self._prefix_cache[prefix] = self._compute_prefix(prefix)

    @property
    def vocabulary(self) -> list[str]:
        """Return every token of every document, sorted."""
        return self._vocab

    def has_prefix(self, prefix: str) -> bool:
        """Return whether some token starts with ``prefix``."""
        i = bisect_left(self._vocab, prefix)
        return i < len(self._vocab) and self._vocab[i].startswith(prefix)

    def _compute_prefix(self, prefix: str) -> frozenset[int]:
        vocab = self._vocab
        i = bisect_left(vocab, prefix)
        docs: set[int] = set()
        while i < len(vocab) and vocab[i].startswith(prefix):
            docs |= self._postings[vocab[i]]
            i += 1
        return frozenset(docs)

    def prefix_docs(self, prefix: str) -> frozenset[int]:
        """Return the documents with a word starting with ``prefix`` (cached)."""
        docs = self._prefix_cache.get(prefix)
        if docs is None:
            docs = self._compute_prefix(prefix)
            if len(self._prefix_cache) > 20_000:
                self._prefix_cache = {k: v for k, v in self._prefix_cache.items() if len(k) <= 2}
            self._prefix_cache[prefix] = docs
        return docs

    def token_docs(self, token: str, query: Query) -> frozenset[int]:
        """Return the documents ``token`` of ``query`` matches: as a prefix if it may be one
        (:meth:`Query.prefix_allowed`), else as a whole word."""
        if query.prefix_allowed(token) and (len(token) > 1 or self._one_letter_prefix):
            return self.prefix_docs(token)
        return self._postings.get(token, _EMPTY)

    def match(
        self, query: Query, significant: tuple[str, ...], *, want: int | None
    ) -> dict[int, float]:
        """Score documents matching ``query``; "some tokens" only when short of ``want``."""
        scores: dict[int, float] = {}
        if not query.tokens:
            return scores
        text = query.text
        for doc in self._exact.get(text, _EMPTY):
            scores[doc] = 1.0
        strings, n = self._sorted_strings, len(text)
        i = bisect_left(strings, (text, -1))
        if n == 1 and not self._one_letter_prefix:
            i = len(strings)  # a lone letter does not start-match a long text
        while i < len(strings) and strings[i][0].startswith(text):
            string, doc = strings[i]
            keep_best(scores, doc, 0.95 if len(string) == n or string[n] == " " else 0.88)
            i += 1
        sets = sorted((self.token_docs(t, query) for t in significant), key=len)
        every = sets[0].intersection(*sets[1:]) if sets else _EMPTY
        if len(query.tokens) == 1:
            whole = self._postings.get(text, _EMPTY)
            for doc in every:
                keep_best(scores, doc, 0.9 if doc in whole else 0.85)
        else:
            padded = " " + text
            for doc in every:
                if scores.get(doc, 0.0) >= 0.95:
                    continue
                texts = self._strings[doc]
                if any(padded + " " in " " + s + " " for s in texts):
                    keep_best(scores, doc, 0.9)
                elif any(padded in " " + s for s in texts):
                    keep_best(scores, doc, 0.85)
                else:
                    tokens = self._doc_tokens[doc]
                    exact = sum(1 for t in significant if t in tokens)
                    keep_best(scores, doc, 0.75 + 0.05 * exact / len(significant))
        if want is None or len(scores) < want:
            for doc, score in self.some_tokens(query, significant).items():
                scores.setdefault(doc, score)
        return scores

    def some_tokens(self, query: Query, significant: tuple[str, ...]) -> dict[int, float]:
        """Score documents with only some of several tokens: 0.3 + 0.3 × share matched.

        Among several tokens a one-letter one counts only as a whole word: as a prefix it
        alone would bring in nearly every document.
        """
        if len(significant) < 2:
            return {}
        counts: dict[int, int] = {}
        for token in significant:
            for doc in self.token_docs(token, query):
                counts[doc] = counts.get(doc, 0) + 1
        n = len(significant)
        return {doc: 0.3 + 0.3 * count / n for doc, count in counts.items() if count < n}


class Typos:
    """Single-edit typo correction (deletion neighbourhoods), then prefix lookup."""

    def __init__(self, vocabulary: Iterable[str]) -> None:
        self._words = sorted({w for w in vocabulary if len(w) >= _FUZZY_MIN_LEN})
        self._deletes: dict[str, list[str]] = {}
        for word in self._words:
            for variant in {word, *_deletions(word)}:
                self._deletes.setdefault(variant, []).append(word)

    def corrections(self, token: str, *, partial: bool) -> list[str]:
        """Return close vocabulary words for ``token``, best first (empty for short tokens)."""
        if len(token) < _FUZZY_MIN_LEN:
            return []
        variants = {token, *_deletions(token)}
        found = {w for v in variants for w in self._deletes.get(v, ())}
        if partial:  # The user may still be typing: "geofr" → "geoffrey".
            for variant in variants:
                i = bisect_left(self._words, variant)
                for word in self._words[i : i + 5]:
                    if word.startswith(variant):
                        found.add(word[: len(token) + 1])
        scored = []
        for word in found:
            ratio = difflib.SequenceMatcher(None, token, word).ratio()
            if ratio >= _FUZZY_CUTOFF:
                scored.append((-ratio, word))
        return [w for _, w in sorted(scored)[:3]]


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def keep_best(scores: dict[int, float], doc: int, score: float) -> None:
    """Record ``score`` for ``doc`` unless it already has a better one."""
    if score > scores.get(doc, 0.0):
        scores[doc] = score
