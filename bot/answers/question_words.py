"""The words and phrases questions are made of, for :mod:`bot.answers.question_grammar`.

Regex fragments for days, parts of days, clock times, zones and places (``DAY``,
``PART``, ``WHAT`` are pattern text to embed; the ``*_RE`` and other compiled patterns
match on their own), and the phrase-level helpers every rule shares: splitting a
trailing zone (:func:`split_zone`), tidying a session or speaker reference
(:func:`tidy_query`, :func:`clean_argument`).
"""

from __future__ import annotations

import re

__all__ = [
    "ARTICLE",
    "DAY",
    "DAY_RE",
    "PART",
    "SPACES",
    "TIME_RE",
    "WHAT",
    "clean_argument",
    "split_zone",
    "tidy_query",
]

SPACES = re.compile(r"\s+")
#: "what's", "what is", "whats"... as a question's first words.
WHAT = r"(?:what\s*'?\s*s|what\s+is|what\s+are|wats|whats|what)"

_WEEKDAY = (
    r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday"
)
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
DAY = (
    rf"(?:today|tonight|tomorrow|tmrw|tmr|yesterday|day after tomorrow|"
    rf"(?:this |next )?(?:{_WEEKDAY})|day \d{{1,2}}|"
    rf"(?:the )?\d{{1,2}}(?:st|nd|rd|th)?(?: of)? {_MONTH}(?: \d{{4}})?|"
    rf"{_MONTH} \d{{1,2}}(?:st|nd|rd|th)?(?:,? \d{{4}})?|"
    rf"\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?)"
)
PART = r"(?:this )?(?:morning|afternoon|evening|night|tonight)"
_TIME = (
    r"(?:\d{1,2}(?:[:.h]\d{2})?\s*(?:am|pm|a\.m\.?|p\.m\.?)|\d{1,2}[:h]\d{2}|"
    r"noon|midday|midnight|\d{1,2}\s*o'?\s*clock)"
)
DAY_RE = re.compile(rf"^(?:on )?(?P<day>{DAY})$", re.I)
TIME_RE = re.compile(rf"\b{_TIME}(?!\w)", re.I)
_PLACE_WORDS = re.compile(
    r"^(?:the )?(?:room|hall|stage|track|auditorium|channel|stream|main|theatre|theater)\b"
    r"|\b(?:room|hall|stage|track|auditorium|theatre|theater)$",
    re.I,
)
_MY_ZONE = re.compile(
    r"^(?:my|local|your|our)(?: own)?(?: (?:time ?zone|time|zone|tz))?$|^(?:time ?zone|tz)$", re.I
)
_ZONE_WORD = r"[\w/+:.'-]+"
_ZONE_AFTER_IN = re.compile(
    rf"^(?P<rest>.+)\s+(?:in|for|at)\s+(?P<zone>{_ZONE_WORD}(?:\s+{_ZONE_WORD}){{0,3}}?)"
    r"(?:\s+(?:time ?zone|time|tz))?$",
    re.I,
)
_ZONE_BEFORE_TIME = re.compile(
    rf"^(?P<rest>.+?)\s+(?P<zone>(?:(?:new|los|san|santa|sao|são|hong|buenos|kuala|tel|rio|"
    rf"cape|st|mexico|salt|las|ho chi)\s+)?{_ZONE_WORD})\s+(?:time ?zone|time)$",
    re.I,
)
ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.I)
_TALK_SUFFIX = re.compile(
    r"(?:'s|s')\s+(?:talk|session|keynote speech|speech|presentation|panel|lecture)$", re.I
)


# ----------------------------------------------------------------- phrases


def split_zone(text: str) -> tuple[str, str | None]:
    """Split a trailing zone ("in Sydney", "in AEDT", "Sydney time") from ``text``."""
    text = text.strip()
    m = _ZONE_AFTER_IN.match(text) or _ZONE_BEFORE_TIME.match(text)
    if not m:
        return text, None
    zone = m["zone"].strip()
    if _PLACE_WORDS.search(zone) or DAY_RE.match(zone) or TIME_RE.fullmatch(zone):
        return text, None
    if re.fullmatch(PART, zone, re.I) or zone.lower() in {"the", "a", "an"}:
        return text, None
    rest = m["rest"].strip()
    if _MY_ZONE.match(zone):
        return rest, None
    return rest, zone


def tidy_query(text: str | None) -> str:
    """Tidy a session or speaker reference: no article, no "'s talk", no quotes."""
    if not text:
        return ""
    query = clean_argument(text)
    query = _TALK_SUFFIX.sub("", query).strip()
    query = re.sub(r"'s$", "", query).strip()
    return ARTICLE.sub("", query).strip() if len(query.split()) > 1 else query


def clean_argument(text: str | None) -> str:
    """Return a typed argument without surrounding spaces, quotes and punctuation."""
    if not text:
        return ""
    return text.strip().strip("'\"?!.,;: ").strip()
