"""Fuzzy, accent-insensitive lookup of sessions, speakers, rooms and tracks.

Build one :class:`SearchIndex` per loaded :class:`~bot.schedule.model.Schedule` and reuse
it: every normalised field, token posting list and typo table is computed once, so an
autocomplete call on each keystroke costs well under a millisecond on a 1,000-session,
5,000-speaker programme.

Matching, on normalised text (:func:`normalise`: casefolded, accents stripped,
punctuation collapsed to spaces):

====================================  =====  =====================================
tier                                  score  example query → label
====================================  =====  =====================================
whole label                           1.00   ``keynote`` → "Keynote"
label starts with the query's words   0.95   ``keynote`` → "Keynote: the latest…"
the query's words, as a phrase        0.90   ``china tribunal`` → "…of the China Tribunal"
label starts with the query           0.88   ``keyn`` → "Keynote: the latest…"
phrase, last word still being typed   0.85   ``china trib`` → "…of the China Tribunal"
every token a prefix of a word        0.75+  ``tribunal keynote`` (+0.05 × whole words)
across title and speakers together    0.70   ``keynote nice``
some tokens                           0.30+  0.30 + 0.30 × share of tokens matched
typo fallback (only if nothing else)  ×0.6   ``geofrey`` → "geoffrey"
====================================  =====  =====================================

A speaker-name hit on a session scores ×0.95 of a title hit; abstracts score below every
title/name tier except "some tokens" (phrase 0.70, every token 0.65, some ≤ 0.30). Ties
break by kind (session, speaker, track, room), then sessions by start time (upcoming
first when ``after`` is given) and speakers by name.

Queries are cut to :data:`MAX_QUERY_CHARS` characters before anything else, and at most
:data:`MAX_QUERY_TOKENS` tokens are used; no input makes these functions raise.
"""

from __future__ import annotations

import difflib
import heapq
import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from bot.schedule.model import Schedule, Session, Speaker

__all__ = [
    "FIND_THRESHOLD",
    "MAX_LABEL_CHARS",
    "MAX_QUERY_CHARS",
    "MAX_QUERY_TOKENS",
    "Match",
    "MatchKind",
    "SearchIndex",
    "normalise",
    "speaker_key",
    "truncate_label",
]

MatchKind = Literal["session", "speaker", "room", "track"]

#: Queries are cut to this many characters before normalising (Discord allows 6,000).
MAX_QUERY_CHARS = 100
#: Only the first this-many query tokens are used.
MAX_QUERY_TOKENS = 8
#: Discord's limit for an autocomplete choice name; labels are cut to it with "…".
MAX_LABEL_CHARS = 100
#: ``find_*`` return the best match only when its score reaches this.
FIND_THRESHOLD = 0.45
#: Autocomplete can show at most 25 choices.
MAX_CHOICES = 25

_NON_ALNUM = re.compile(r"[\W_]+")
# User, role and channel mentions, custom emoji and timestamps: never part of a name.
_DISCORD_MARKUP = re.compile(r"<(?:@[!&]?|#)\d+>|<a?:\w+:\d+>|<t:-?\d+(?::\w)?>")
# Letters that NFKD does not decompose into a base letter plus a combining mark.
_FOLD = str.maketrans(
    {
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "ł": "l",
        "ħ": "h",
        "ı": "i",
        "þ": "th",
        "æ": "ae",
        "œ": "oe",
        "ŋ": "n",
    }
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_HONORIFICS = _words(
    "sir dame dr doctor prof professor mr mrs ms miss mx lord lady rev revd reverend "
    "hon honourable honorable rt right the fr father sr sister br brother"
)
_POST_NOMINALS = _words(
    "qc kc phd dphil md mbbs obe mbe cbe kbe dbe gbe frs freng fba frse jr jnr junior "
    "sr snr senior esq ii iii iv msc bsc llb llm mp mep pc kt"
)
_STOPWORDS = _words("a an and the of in on at to for by with about from is are what who when")
_ARTICLES = _words("the a an")
_KIND_STOPWORDS: dict[str, frozenset[str]] = {
    "room": _STOPWORDS | {"room"},
    "track": _STOPWORDS | {"track"},
}
_FUZZY_FACTOR = 0.6
_FUZZY_MIN_LEN = 4
_FUZZY_CUTOFF = 0.7


def normalise(text: str) -> str:
    """Return ``text`` casefolded, without accents, with non-alphanumerics as single spaces."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in folded if not unicodedata.combining(ch)).translate(_FOLD)
    return _NON_ALNUM.sub(" ", bare).strip()


def speaker_key(name: str) -> str:
    """Return the normalised name without leading honorifics or trailing post-nominals.

    Only a leading run of titles ("Sir", "Prof. Dr.") and a trailing run of letters
    ("QC", "PhD, FRS") are dropped, so a surname such as "Lord" in "Mary Lord" stays;
    a name made only of such words is kept whole.
    """
    tokens = normalise(name).split()
    start, end = 0, len(tokens)
    while start < end - 1 and tokens[start] in _HONORIFICS:
        start += 1
    while end - 1 > start and tokens[end - 1] in _POST_NOMINALS:
        end -= 1
    return " ".join(tokens[start:end])


def truncate_label(label: str, limit: int = MAX_LABEL_CHARS) -> str:
    """Return ``label`` cut to ``limit`` characters, ending in "…" when it was cut."""
    label = " ".join(label.split())
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


@dataclass(frozen=True, slots=True)
class Match:
    """One search result: what it is, its id, a display label (≤ 100 chars) and a 0–1 score."""

    kind: MatchKind
    id: str
    label: str
    score: float


@dataclass(frozen=True, slots=True)
class _Query:
    """A prepared query: normalised text, its tokens and the tokens that carry meaning."""

    text: str
    tokens: tuple[str, ...]

    @classmethod
    def of(cls, raw: str) -> _Query:
        text = _DISCORD_MARKUP.sub(" ", raw[:MAX_QUERY_CHARS])
        words = normalise(text).split()
        while len(words) > 1 and words[0] in _ARTICLES:  # "the keynote" means "keynote"
            del words[0]
        tokens = tuple(words[:MAX_QUERY_TOKENS])
        return cls(" ".join(tokens), tokens)

    def significant(self, stopwords: frozenset[str] = _STOPWORDS) -> tuple[str, ...]:
        meaningful = tuple(t for t in self.tokens if t not in stopwords)
        return meaningful or self.tokens


_EMPTY: frozenset[int] = frozenset()


class _Field:
    """One searchable field of one kind of entity: each document has one or more strings."""

    __slots__ = (
        "_doc_tokens",
        "_exact",
        "_postings",
        "_prefix_cache",
        "_sorted_strings",
        "_strings",
        "_vocab",
    )

    def __init__(self, documents: Sequence[Sequence[str]]) -> None:
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
        return self._vocab

    def has_prefix(self, prefix: str) -> bool:
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

    def match(
        self, query: _Query, significant: tuple[str, ...], *, want: int | None
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
        while i < len(strings) and strings[i][0].startswith(text):
            string, doc = strings[i]
            _keep_best(scores, doc, 0.95 if len(string) == n or string[n] == " " else 0.88)
            i += 1
        sets = sorted((self.prefix_docs(t) for t in significant), key=len)
        every = sets[0].intersection(*sets[1:]) if sets else _EMPTY
        if len(query.tokens) == 1:
            whole = self._postings.get(text, _EMPTY)
            for doc in every:
                _keep_best(scores, doc, 0.9 if doc in whole else 0.85)
        else:
            padded = " " + text
            for doc in every:
                if scores.get(doc, 0.0) >= 0.95:
                    continue
                texts = self._strings[doc]
                if any(padded + " " in " " + s + " " for s in texts):
                    _keep_best(scores, doc, 0.9)
                elif any(padded in " " + s for s in texts):
                    _keep_best(scores, doc, 0.85)
                else:
                    tokens = self._doc_tokens[doc]
                    exact = sum(1 for t in significant if t in tokens)
                    _keep_best(scores, doc, 0.75 + 0.05 * exact / len(significant))
        if want is None or len(scores) < want:
            for doc, score in self.some_tokens(significant).items():
                scores.setdefault(doc, score)
        return scores

    def some_tokens(self, significant: tuple[str, ...]) -> dict[int, float]:
        """Score documents with only some of several tokens: 0.3 + 0.3 × share matched."""
        if len(significant) < 2:
            return {}
        counts: dict[int, int] = {}
        for token in significant:
            for doc in self.prefix_docs(token):
                counts[doc] = counts.get(doc, 0) + 1
        n = len(significant)
        return {doc: 0.3 + 0.3 * count / n for doc, count in counts.items() if count < n}


class _Typos:
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


class _Named(Protocol):
    """What rooms and tracks have in common."""

    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...


class SearchIndex:
    """Everything searchable in a schedule, precomputed; build once per schedule."""

    def __init__(self, schedule: Schedule) -> None:
        self._sessions: list[Session] = sorted(
            schedule.sessions, key=lambda s: (s.start, s.end, s.title, s.id)
        )
        self._speakers: list[Speaker] = sorted(
            schedule.speakers, key=lambda p: (speaker_key(p.name), p.name, p.id)
        )
        self._rooms = list(schedule.rooms)
        self._tracks = list(schedule.tracks)
        speakers_by_id = {p.id: p for p in schedule.speakers}

        def names(speaker: Speaker) -> tuple[str, ...]:
            key, full = speaker_key(speaker.name), normalise(speaker.name)
            return (key,) if key == full else (key, full)

        self._session_title = _Field([(normalise(s.title),) for s in self._sessions])
        self._session_speakers = _Field(
            [
                tuple(
                    n
                    for pid in s.speaker_ids
                    if pid in speakers_by_id
                    for n in names(speakers_by_id[pid])
                )
                for s in self._sessions
            ]
        )
        self._session_abstract = _Field([(normalise(s.abstract or ""),) for s in self._sessions])
        self._speaker_name = _Field([names(p) for p in self._speakers])
        self._room_name = _Field([(normalise(r.name),) for r in self._rooms])
        self._track_name = _Field([(normalise(t.name),) for t in self._tracks])
        self._typos = _Typos(
            w
            for f in (self._session_title, self._speaker_name, self._room_name, self._track_name)
            for w in f.vocabulary
        )

        self._session_labels = [truncate_label(s.title) for s in self._sessions]
        key_counts: dict[str, int] = {}
        for p in self._speakers:
            key_counts[speaker_key(p.name)] = key_counts.get(speaker_key(p.name), 0) + 1
        self._speaker_labels = [
            truncate_label(
                f"{p.name} ({p.affiliation})"
                if key_counts[speaker_key(p.name)] > 1 and p.affiliation
                else p.name
            )
            for p in self._speakers
        ]
        self._session_pos = {s.id: i for i, s in enumerate(self._sessions)}
        self._speaker_pos = {p.id: i for i, p in enumerate(self._speakers)}
        self._room_pos = {r.id: i for i, r in enumerate(self._rooms)}
        self._track_pos = {t.id: i for i, t in enumerate(self._tracks)}
        self._normalised_titles: dict[str, int] = {}
        for i, s in enumerate(self._sessions):
            self._normalised_titles.setdefault(normalise(s.title), i)

    # ----------------------------------------------------------------- autocomplete

    def complete_sessions(
        self, text: str, limit: int = MAX_CHOICES, *, after: datetime | None = None
    ) -> list[Match]:
        """Return up to ``limit`` sessions whose title or speakers match ``text``, best first.

        Empty text lists sessions by start; with ``after`` (an aware instant), sessions
        still running or upcoming at ``after`` come before those already over.
        """
        limit = max(0, min(limit, MAX_CHOICES))
        query = _Query.of(text)
        if not query.tokens:
            return self._session_matches(
                dict.fromkeys(range(len(self._sessions)), 0.0), limit, after
            )
        scores = self._match_sessions(query, want=limit)
        if not scores:
            fixed = self._corrected(query)
            if fixed is not None:
                scores = _scaled(self._match_sessions(fixed, want=limit), _FUZZY_FACTOR)
        return self._session_matches(scores, limit, after)

    def complete_speakers(self, text: str, limit: int = MAX_CHOICES) -> list[Match]:
        """Return up to ``limit`` speakers whose name matches ``text``, best first."""
        limit = max(0, min(limit, MAX_CHOICES))
        query = _Query.of(text)
        if not query.tokens:
            return self._speaker_matches(dict.fromkeys(range(len(self._speakers)), 0.0), limit)
        return self._speaker_matches(self._match_speakers(query, want=limit), limit)

    # ----------------------------------------------------------------- resolution

    def find_session(self, text: str, *, after: datetime | None = None) -> Match | None:
        """Return the best session for ``text`` (an id, a title or a speaker), or ``None``."""
        position = self._session_pos.get(text.strip())
        if position is not None:
            return Match(
                "session", self._sessions[position].id, self._session_labels[position], 1.0
            )
        return _best(self.complete_sessions(text, 1, after=after))

    def find_speaker(self, text: str) -> Match | None:
        """Return the best speaker for ``text`` (an id or a name), or ``None``."""
        position = self._speaker_pos.get(text.strip())
        if position is not None:
            return Match(
                "speaker", self._speakers[position].id, self._speaker_labels[position], 1.0
            )
        return _best(self.complete_speakers(text, 1))

    def find_room(self, text: str) -> Match | None:
        """Return the best room for ``text`` (an id or a name such as "room b"), or ``None``."""
        return self._find_place(text, "room", self._room_name, self._rooms, self._room_pos)

    def find_track(self, text: str) -> Match | None:
        """Return the best track for ``text`` (an id or a name), or ``None``."""
        return self._find_place(text, "track", self._track_name, self._tracks, self._track_pos)

    def find(self, text: str) -> Match | None:
        """Return the best session or speaker for ``text`` (for "tell me about X")."""
        candidates = [m for m in (self.find_speaker(text), self.find_session(text)) if m]
        return max(candidates, key=lambda m: m.score, default=None)

    # ----------------------------------------------------------------- search

    def search(self, text: str, limit: int | None = None) -> list[Match]:
        """Rank sessions (title, speakers, abstract), speakers, tracks and rooms for ``text``."""
        query = _Query.of(text)
        if not query.tokens or (limit is not None and limit <= 0):
            return []
        matches = self._search(query)
        if not matches:
            fixed = self._corrected(query)
            if fixed is not None:
                matches = [
                    Match(m.kind, m.id, m.label, round(m.score * _FUZZY_FACTOR, 4))
                    for m in self._search(fixed)
                ]
        return matches if limit is None else matches[:limit]

    def suggest_sessions(self, text: str, n: int = 5) -> list[str]:
        """Return up to ``n`` titles close to ``text``, for "no session called …" replies."""
        matches = self.complete_sessions(text, n)
        if matches:
            return [m.label for m in matches]
        return self._close(text, self._normalised_titles, self._session_labels, n)

    def suggest_speakers(self, text: str, n: int = 5) -> list[str]:
        """Return up to ``n`` speaker names close to ``text``, for "no speaker called …"."""
        matches = self.complete_speakers(text, n)
        if matches:
            return [m.label for m in matches]
        keys: dict[str, int] = {}
        for i, p in enumerate(self._speakers):
            keys.setdefault(speaker_key(p.name), i)
        return self._close(text, keys, self._speaker_labels, n)

    # ----------------------------------------------------------------- internals

    def _match_sessions(self, query: _Query, *, want: int | None) -> dict[int, float]:
        significant = query.significant()
        title, speakers = self._session_title, self._session_speakers
        scores = title.match(query, significant, want=0)
        for doc, score in speakers.match(query, significant, want=0).items():
            _keep_best(scores, doc, score * 0.95)
        if len(significant) > 1:
            # Every token somewhere in the title or the speakers: "keynote nice".
            sets = [title.prefix_docs(t) | speakers.prefix_docs(t) for t in significant]
            for doc in frozenset.intersection(*sets):
                _keep_best(scores, doc, 0.7)
            if want is None or len(scores) < want:
                for doc, score in title.some_tokens(significant).items():
                    _keep_best(scores, doc, score)
                for doc, score in speakers.some_tokens(significant).items():
                    _keep_best(scores, doc, score * 0.95)
        return scores

    def _match_speakers(self, query: _Query, *, want: int | None) -> dict[int, float]:
        scores = self._speaker_name.match(query, query.significant(), want=want)
        if not scores:
            fixed = self._corrected(query)
            if fixed is not None:
                scores = _scaled(
                    self._speaker_name.match(fixed, fixed.significant(), want=want),
                    _FUZZY_FACTOR,
                )
        return scores

    def _search(self, query: _Query) -> list[Match]:
        significant = query.significant()
        sessions = self._match_sessions(query, want=None)
        for doc, score in self._session_abstract.match(query, significant, want=None).items():
            _keep_best(sessions, doc, _abstract_score(score))
        speakers = self._speaker_name.match(query, significant, want=None)
        tracks = self._track_name.match(
            query, query.significant(_KIND_STOPWORDS["track"]), want=None
        )
        rooms = self._room_name.match(query, query.significant(_KIND_STOPWORDS["room"]), want=None)
        ranked: list[tuple[float, int, int, Match]] = []
        for doc, score in sessions.items():
            ranked.append((-score, 0, doc, self._session_match(doc, score)))
        for doc, score in speakers.items():
            ranked.append((-score, 1, doc, self._speaker_match(doc, score)))
        for doc, score in tracks.items():
            ranked.append((-score, 2, doc, _place_match("track", self._tracks[doc], score)))
        for doc, score in rooms.items():
            ranked.append((-score, 3, doc, _place_match("room", self._rooms[doc], score)))
        ranked.sort(key=lambda r: r[:3])
        return [r[3] for r in ranked]

    def _find_place(
        self,
        text: str,
        kind: Literal["room", "track"],
        field: _Field,
        items: Sequence[_Named],
        positions: dict[str, int],
    ) -> Match | None:
        position = positions.get(text.strip())
        if position is not None:
            return _place_match(kind, items[position], 1.0)
        query = _Query.of(text)
        significant = query.significant(_KIND_STOPWORDS[kind])
        scores = field.match(query, significant, want=1)
        if not scores:
            fixed = self._corrected(query)
            if fixed is not None:
                fixed_significant = fixed.significant(_KIND_STOPWORDS[kind])
                scores = _scaled(field.match(fixed, fixed_significant, want=1), _FUZZY_FACTOR)
        if not scores:
            return None
        doc = min(scores, key=lambda d: (-scores[d], d))
        return _best([_place_match(kind, items[doc], scores[doc])])

    def _corrected(self, query: _Query) -> _Query | None:
        """Return ``query`` with unknown tokens replaced by their closest word, if any changed."""
        tokens = list(query.tokens)
        changed = False
        for i, token in enumerate(tokens):
            if token in _STOPWORDS or self._known(token):
                continue
            fixes = self._typos.corrections(token, partial=i == len(tokens) - 1)
            if fixes:
                tokens[i] = fixes[0]
                changed = True
        return _Query(" ".join(tokens), tuple(tokens)) if changed else None

    def _known(self, token: str) -> bool:
        return any(
            f.has_prefix(token)
            for f in (self._session_title, self._speaker_name, self._room_name, self._track_name)
        )

    def _session_matches(
        self, scores: dict[int, float], limit: int, after: datetime | None
    ) -> list[Match]:
        if after is None:

            def key(doc: int) -> tuple[float, bool, int]:
                return (-scores[doc], False, doc)
        else:
            sessions = self._sessions

            def key(doc: int) -> tuple[float, bool, int]:
                return (-scores[doc], sessions[doc].end <= after, doc)

        best = heapq.nsmallest(limit, scores, key=key)
        return [self._session_match(doc, scores[doc]) for doc in best]

    def _speaker_matches(self, scores: dict[int, float], limit: int) -> list[Match]:
        best = heapq.nsmallest(limit, scores, key=lambda d: (-scores[d], d))
        return [self._speaker_match(doc, scores[doc]) for doc in best]

    def _session_match(self, doc: int, score: float) -> Match:
        return Match("session", self._sessions[doc].id, self._session_labels[doc], round(score, 4))

    def _speaker_match(self, doc: int, score: float) -> Match:
        return Match("speaker", self._speakers[doc].id, self._speaker_labels[doc], round(score, 4))

    @staticmethod
    def _close(text: str, keys: dict[str, int], labels: list[str], n: int) -> list[str]:
        wanted = normalise(text[:MAX_QUERY_CHARS])
        if not wanted or n <= 0:
            return []
        close = difflib.get_close_matches(wanted, list(keys), n=n, cutoff=0.4)
        return [labels[keys[c]] for c in close]


def _place_match(kind: Literal["room", "track"], item: _Named, score: float) -> Match:
    return Match(kind, item.id, truncate_label(item.name), round(score, 4))


def _best(matches: list[Match]) -> Match | None:
    return matches[0] if matches and matches[0].score >= FIND_THRESHOLD else None


def _keep_best(scores: dict[int, float], doc: int, score: float) -> None:
    if score > scores.get(doc, 0.0):
        scores[doc] = score


def _scaled(scores: dict[int, float], factor: float) -> dict[int, float]:
    return {doc: score * factor for doc, score in scores.items()}


def _abstract_score(score: float) -> float:
    if score >= 0.85:
        return 0.7
    if score >= 0.75:
        return 0.65
    return score * 0.5
