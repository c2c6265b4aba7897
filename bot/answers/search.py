"""Fuzzy, accent-insensitive lookup of sessions, speakers, rooms and tracks.

Build one :class:`SearchIndex` per loaded :class:`~bot.schedule.model.Schedule` and reuse
it: every normalised field, token posting list and typo table is computed once, so an
autocomplete call on each keystroke costs well under a millisecond on a 1,000-session,
5,000-speaker programme.

Matching, on normalised text (:func:`bot.answers.search_text.normalise`: casefolded,
accents stripped, punctuation collapsed to spaces), field by field
(:class:`bot.answers.search_fields.Field`):

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

One-letter tokens: a prefix only when the whole query is that letter (an autocomplete's
first keystroke, "k" → "Keynote…", titles and names only, never abstracts); among other
words a one letter token matches a whole word only ("C", "Plan B", "room b"), so "c
programming" does not bring in every session with a word starting with c.

Queries are cut to :data:`~bot.answers.search_text.MAX_QUERY_CHARS` characters before
anything else, and at most :data:`~bot.answers.search_text.MAX_QUERY_TOKENS` tokens are
used; no input makes these functions raise.
"""

from __future__ import annotations

import bisect
import difflib
import heapq
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from bot.answers.search_fields import Field, Typos, keep_best
from bot.answers.search_text import (
    KIND_STOPWORDS,
    MAX_QUERY_CHARS,
    STOPWORDS,
    Query,
    normalise,
    speaker_key,
    truncate_label,
)
from bot.schedule.model import Schedule, Session, Speaker

__all__ = [
    "FIND_THRESHOLD",
    "Match",
    "MatchKind",
    "SearchIndex",
]

MatchKind = Literal["session", "speaker", "room", "track"]

#: ``find_*`` return the best match only when its score reaches this.
FIND_THRESHOLD = 0.45
#: Autocomplete can show at most 25 choices.
MAX_CHOICES = 25
# Autocomplete answers kept per schedule (text, limit, sessions over): a few hundred bytes each.
COMPLETIONS_KEPT = 512
#: A typo-corrected query scores this share of what the corrected words would.
_FUZZY_FACTOR = 0.6


@dataclass(frozen=True, slots=True)
class Match:
    """One search result: what it is, its id, a display label (≤ 100 chars) and a 0–1 score."""

    kind: MatchKind
    id: str
    label: str
    score: float


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
        self._ends = sorted(s.end for s in self._sessions)
        self._completions: OrderedDict[tuple[str, int, int], list[Match]] = OrderedDict()
        self._tracks = list(schedule.tracks)
        speakers_by_id = {p.id: p for p in schedule.speakers}

        def names(speaker: Speaker) -> tuple[str, ...]:
            key, full = speaker_key(speaker.name), normalise(speaker.name)
            return (key,) if key == full else (key, full)

        self._session_title = Field([(normalise(s.title),) for s in self._sessions])
        self._session_speakers = Field(
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
        self._session_abstract = Field(
            [(normalise(s.abstract or ""),) for s in self._sessions], one_letter_prefix=False
        )
        self._speaker_name = Field([names(p) for p in self._speakers])
        self._room_name = Field([(normalise(r.name),) for r in self._rooms])
        self._track_name = Field([(normalise(t.name),) for t in self._tracks])
        self._typos = Typos(
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
        # A keynote's burst of autocompletes types the same few words: the answer depends
        # only on the text, the limit and which sessions are over, so it is kept.
        ended = -1 if after is None else bisect.bisect_right(self._ends, after)
        key = (text, limit, ended)
        kept = self._completions.get(key)
        if kept is not None:
            self._completions.move_to_end(key)
            return list(kept)
        query = Query.of(text)
        if not query.tokens:
            matches = self._session_matches(
                dict.fromkeys(range(len(self._sessions)), 0.0), limit, after
            )
        else:
            scores = self._match_sessions(query, want=limit)
            if not scores:
                fixed = self._corrected(query)
                if fixed is not None:
                    scores = _scaled(self._match_sessions(fixed, want=limit), _FUZZY_FACTOR)
            matches = self._session_matches(scores, limit, after)
        self._completions[key] = matches
        if len(self._completions) > COMPLETIONS_KEPT:
            self._completions.popitem(last=False)
        return list(matches)

    def complete_speakers(self, text: str, limit: int = MAX_CHOICES) -> list[Match]:
        """Return up to ``limit`` speakers whose name matches ``text``, best first."""
        limit = max(0, min(limit, MAX_CHOICES))
        query = Query.of(text)
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
        query = Query.of(text)
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

    def _match_sessions(self, query: Query, *, want: int | None) -> dict[int, float]:
        significant = query.significant()
        title, speakers = self._session_title, self._session_speakers
        scores = title.match(query, significant, want=0)
        for doc, score in speakers.match(query, significant, want=0).items():
            keep_best(scores, doc, score * 0.95)
        if len(significant) > 1:
            # Every token somewhere in the title or the speakers: "keynote nice".
            sets = [title.token_docs(t, query) | speakers.token_docs(t, query) for t in significant]
            for doc in frozenset.intersection(*sets):
                keep_best(scores, doc, 0.7)
            if want is None or len(scores) < want:
                for doc, score in title.some_tokens(query, significant).items():
                    keep_best(scores, doc, score)
                for doc, score in speakers.some_tokens(query, significant).items():
                    keep_best(scores, doc, score * 0.95)
        return scores

    def _match_speakers(self, query: Query, *, want: int | None) -> dict[int, float]:
        scores = self._speaker_name.match(query, query.significant(), want=want)
        if not scores:
            fixed = self._corrected(query)
            if fixed is not None:
                scores = _scaled(
                    self._speaker_name.match(fixed, fixed.significant(), want=want),
                    _FUZZY_FACTOR,
                )
        return scores

    def _search(self, query: Query) -> list[Match]:
        significant = query.significant()
        sessions = self._match_sessions(query, want=None)
        for doc, score in self._session_abstract.match(query, significant, want=None).items():
            keep_best(sessions, doc, _abstract_score(score))
        speakers = self._speaker_name.match(query, significant, want=None)
        tracks = self._track_name.match(
            query, query.significant(KIND_STOPWORDS["track"]), want=None
        )
        rooms = self._room_name.match(query, query.significant(KIND_STOPWORDS["room"]), want=None)
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
        field: Field,
        items: Sequence[_Named],
        positions: dict[str, int],
    ) -> Match | None:
        position = positions.get(text.strip())
        if position is not None:
            return _place_match(kind, items[position], 1.0)
        query = Query.of(text)
        significant = query.significant(KIND_STOPWORDS[kind])
        scores = field.match(query, significant, want=1)
        if not scores:
            fixed = self._corrected(query)
            if fixed is not None:
                fixed_significant = fixed.significant(KIND_STOPWORDS[kind])
                scores = _scaled(field.match(fixed, fixed_significant, want=1), _FUZZY_FACTOR)
        if not scores:
            return None
        doc = min(scores, key=lambda d: (-scores[d], d))
        return _best([_place_match(kind, items[doc], scores[doc])])

    def _corrected(self, query: Query) -> Query | None:
        """Return ``query`` with unknown tokens replaced by their closest word, if any changed."""
        tokens = list(query.tokens)
        changed = False
        for i, token in enumerate(tokens):
            if token in STOPWORDS or self._known(token):
                continue
            fixes = self._typos.corrections(token, partial=i == len(tokens) - 1)
            if fixes:
                tokens[i] = fixes[0]
                changed = True
        return Query(" ".join(tokens), tuple(tokens)) if changed else None

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


def _scaled(scores: dict[int, float], factor: float) -> dict[int, float]:
    return {doc: score * factor for doc, score in scores.items()}


def _abstract_score(score: float) -> float:
    if score >= 0.85:
        return 0.7
    if score >= 0.75:
        return 0.65
    return score * 0.5
