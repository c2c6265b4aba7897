"""Search text: what a query and a label become before matching (see :mod:`bot.answers.search`).

Normalised text (:func:`normalise`) is casefolded, without accents, with punctuation
collapsed to spaces. A query is cut to :data:`MAX_QUERY_CHARS` characters and
:data:`MAX_QUERY_TOKENS` tokens, loses Discord markup and leading articles
(:class:`Query`); labels are cut to :data:`MAX_LABEL_CHARS` (:func:`truncate_label`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "KIND_STOPWORDS",
    "MAX_LABEL_CHARS",
    "MAX_QUERY_CHARS",
    "MAX_QUERY_TOKENS",
    "STOPWORDS",
    "Query",
    "normalise",
    "speaker_key",
    "truncate_label",
]

#: Queries are cut to this many characters before normalising (Discord allows 6,000).
MAX_QUERY_CHARS = 100
#: Only the first this-many query tokens are used.
MAX_QUERY_TOKENS = 8
#: Discord's limit for an autocomplete choice name; labels are cut to it with "…".
MAX_LABEL_CHARS = 100

_NON_ALNUM = re.compile(r"[\W_]+")
# "Nice's talk": the possessive would otherwise leave a one-letter "s" token.
_POSSESSIVE = re.compile(r"(?<=\w)['’]s\b", re.IGNORECASE)
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
#: Words that carry no meaning in a query unless they are all it has.
STOPWORDS = _words("a an and the of in on at to for by with about from is are what who when")
_ARTICLES = _words("the a an")
#: Stopwords when matching a room or a track name: "room b" means "b".
KIND_STOPWORDS: dict[str, frozenset[str]] = {
    "room": STOPWORDS | {"room"},
    "track": STOPWORDS | {"track"},
}


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
class Query:
    """A prepared query: normalised text, its tokens and the tokens that carry meaning."""

    text: str
    tokens: tuple[str, ...]

    @classmethod
    def of(cls, raw: str) -> Query:
        """Return the query a user typed: cut, without markup, normalised, no leading article."""
        text = _POSSESSIVE.sub("", _DISCORD_MARKUP.sub(" ", raw[:MAX_QUERY_CHARS]))
        words = normalise(text).split()
        while len(words) > 1 and words[0] in _ARTICLES:  # "the keynote" means "keynote"
            del words[0]
        tokens = tuple(words[:MAX_QUERY_TOKENS])
        return cls(" ".join(tokens), tokens)

    def prefix_allowed(self, token: str) -> bool:
        """Return whether ``token`` may match as the start of a word, not only a whole one.

        A one-letter token starts a word in almost every document, so it is a prefix only
        when it is the whole query (an autocomplete's first keystroke: "k" → "Keynote…");
        among other words it must be a word itself ("C", "Plan B").
        """
        return len(token) > 1 or len(self.tokens) == 1

    def significant(self, stopwords: frozenset[str] = STOPWORDS) -> tuple[str, ...]:
        """Return the tokens that are not ``stopwords`` (all of them if none is left)."""
        meaningful = tuple(t for t in self.tokens if t not in stopwords)
        return meaningful or self.tokens
