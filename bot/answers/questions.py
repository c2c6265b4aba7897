"""Understand what a user typed when they mention or DM confbot: an :data:`Intent`.

:func:`parse_message` never raises; it is case-, accent- and punctuation-insensitive
(``whats``/``what's``/``what is``, curly apostrophes) and ignores leading mentions
(``<@123>``, ``<@!123>``), emoji anywhere (``👋``, ``<:wave:123>``) and the bot's name.
Captured texts keep the user's spelling; resolve them with
:class:`bot.answers.search.SearchIndex` and the time/zone parsers.

Plain questions:

* ``WhenIs``: "when is the keynote?", "what time is Geoffrey Nice's talk in Sydney?"
* ``Now`` / ``Next``: "what's on now in room b?", "what's next in the security track?"
* ``OnDay``: "what's on tomorrow morning?", "schedule for 25 feb", "today's schedule"
* ``At``: "who is speaking at 4pm?", "what's at 9am tomorrow" (``time_text`` is
  ``"tomorrow 9am"``: the day words first, then the time)
* ``WhoIs``: "who is Geoffrey Nice?"; ``SpeakerTopic``: "what is Nice talking about?"
* ``WhoSpeaks``: "who gives the keynote?", "who is speaking at the keynote" (``at`` plus
  a clock time is ``At`` instead)
* ``About``: "tell me about X", "what is X about": X may be a speaker or a session, which
  only the schedule knows, so the caller decides (``SearchIndex.find`` picks the better)
* ``SessionInfo``: "session keynote"; ``Search``: "search organ", "find talks about X"

Text commands (the first word, optionally after ``!`` or ``/``), mirroring slash commands;
:func:`is_text_command` tells whether a prefixed message starts with one of them:

==============================  ============================================
text                            intent
==============================  ============================================
``help``                        ``Command("help", None)``
``about``                       ``Command("about", None)``
``timezone`` / ``tz``           ``Command("timezone", None)`` (show mine)
``timezone set sydney``         ``Command("timezone set", "sydney")`` (also
                                "my timezone is …", "set my timezone to …")
``timezone clock 12h``          ``Command("timezone clock", "12h")``
``timezone clear``              ``Command("timezone clear", None)``
``sessions`` / ``speakers``     ``Command("sessions"|"speakers", None)``
``schedule [day]``              ``OnDay(day or "today", …)``
``now`` / ``next [in X]``       ``Now`` / ``Next``
``session X`` / ``speaker X``   ``SessionInfo(X)`` / ``WhoIs(X)``
``search X`` / ``find X``       ``Search(X)``
==============================  ============================================

Anything else, empty input and greetings give ``Help()``; show :data:`HELP_EXAMPLES`.

Places: "in X" fills ``track_text`` when X mentions "track" (without "the" and "track"),
otherwise ``room_text`` (as typed, e.g. "room b"); a caller that finds no such room may
try the text as a track. Zones: a trailing "in X", "in X time" or "X time" on a ``WhenIs``,
``OnDay`` or ``At`` question fills ``zone_text`` ("in my time"/"local time" → ``None``);
"in X" that names a room ("in room b", "in the main hall") is kept in the query. If the
caller cannot resolve ``zone_text`` as a zone it can search for the full
``f"{query} in {zone_text}"`` instead.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from bot.rendering.text import printable

log = logging.getLogger(__name__)

__all__ = [
    "HELP_EXAMPLES",
    "About",
    "At",
    "Command",
    "DayPart",
    "Help",
    "Intent",
    "Next",
    "Now",
    "OnDay",
    "Search",
    "SessionInfo",
    "SpeakerTopic",
    "WhenIs",
    "WhoIs",
    "WhoSpeaks",
    "is_bare_time",
    "is_text_command",
    "parse_message",
]

DayPart = Literal["morning", "afternoon", "evening"]

#: Input beyond this many characters is ignored (Discord messages go up to 6,000).
MAX_MESSAGE_CHARS = 500


@dataclass(frozen=True, slots=True)
class WhenIs:
    """When is a session (by title or speaker), optionally shown in another zone."""

    query: str
    zone_text: str | None = None


@dataclass(frozen=True, slots=True)
class Now:
    """What is running now, optionally in one room or track."""

    room_text: str | None = None
    track_text: str | None = None


@dataclass(frozen=True, slots=True)
class Next:
    """What starts next, optionally in one room or track."""

    room_text: str | None = None
    track_text: str | None = None


@dataclass(frozen=True, slots=True)
class OnDay:
    """The programme of one day ("today", "friday", "25 feb", "day 2"), or part of it."""

    day_text: str
    part: DayPart | None = None
    zone_text: str | None = None


@dataclass(frozen=True, slots=True)
class At:
    """What is on at a time; ``time_text`` is "[day words] time", e.g. "tomorrow 9am"."""

    time_text: str
    zone_text: str | None = None


@dataclass(frozen=True, slots=True)
class WhoIs:
    """A speaker's card."""

    query: str


@dataclass(frozen=True, slots=True)
class SpeakerTopic:
    """What a speaker is talking about: their sessions."""

    query: str


@dataclass(frozen=True, slots=True)
class WhoSpeaks:
    """Who speaks in a session."""

    query: str


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """A session's card."""

    query: str


@dataclass(frozen=True, slots=True)
class About:
    """A speaker's or a session's card: the caller decides which the query names."""

    query: str


@dataclass(frozen=True, slots=True)
class Search:
    """A free-text search."""

    query: str


@dataclass(frozen=True, slots=True)
class Command:
    """A text command mirroring a slash command (see the table in the module docstring)."""

    name: str
    argument: str | None = None


@dataclass(frozen=True, slots=True)
class Help:
    """Not understood, empty, or a greeting: reply with :data:`HELP_EXAMPLES`."""


Intent = (
    WhenIs
    | Now
    | Next
    | OnDay
    | At
    | WhoIs
    | SpeakerTopic
    | WhoSpeaks
    | SessionInfo
    | About
    | Search
    | Command
    | Help
)

#: What to show when a message is not understood.
HELP_EXAMPLES: list[str] = [
    "when is the keynote?",
    "when is the keynote in Sydney?",
    "what's on now?",
    "what's next in Room B?",
    "what's on tomorrow morning?",
    "who is speaking at 4pm?",
    "who is Geoffrey Nice?",
    "who gives the keynote?",
    "search organ harvesting",
    "timezone set Sydney",
]

# ----------------------------------------------------------------- vocabulary

_QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'", "“": '"', "”": '"'})
_MENTION = re.compile(r"<(?:@[!&]?|#)\d+>|<a?:\w+:\d+>|@(?:everyone|here)\b")
_MARKDOWN = re.compile(r"[*~|>\"]+|(?<!\w)_+|_+(?!\w)")
_SPACES = re.compile(r"\s+")
_GREETING = re.compile(
    r"^(?:(?:hi|hello|hey|hiya|yo|ok|okay|so|um|please|pls|excuse me|good (?:morning|"
    r"afternoon|evening)|thanks|thank you|ta|cheers)\b[\s,!.:;-]*)+",
    re.IGNORECASE,
)
_TRAILING = re.compile(r"(?:[\s,]+(?:please|pls|thanks|thank you|thx)\b)*[\s?!.,;:]*$", re.I)
_WHAT = r"(?:what\s*'?\s*s|what\s+is|what\s+are|wats|whats|what)"

_WEEKDAY = (
    r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday"
)
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = (
    rf"(?:today|tonight|tomorrow|tmrw|tmr|yesterday|day after tomorrow|"
    rf"(?:this |next )?(?:{_WEEKDAY})|day \d{{1,2}}|"
    rf"(?:the )?\d{{1,2}}(?:st|nd|rd|th)?(?: of)? {_MONTH}(?: \d{{4}})?|"
    rf"{_MONTH} \d{{1,2}}(?:st|nd|rd|th)?(?:,? \d{{4}})?|"
    rf"\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?)"
)
_PART = r"(?:this )?(?:morning|afternoon|evening|night|tonight)"
_TIME = (
    r"(?:\d{1,2}(?:[:.h]\d{2})?\s*(?:am|pm|a\.m\.?|p\.m\.?)|\d{1,2}[:h]\d{2}|"
    r"noon|midday|midnight|\d{1,2}\s*o'?\s*clock)"
)
_DAY_RE = re.compile(rf"^(?:on )?(?P<day>{_DAY})$", re.I)
_TIME_RE = re.compile(rf"\b{_TIME}(?!\w)", re.I)
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
_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.I)
_TALK_SUFFIX = re.compile(
    r"(?:'s|s')\s+(?:talk|session|keynote speech|speech|presentation|panel|lecture)$", re.I
)


# Emoji and their glue (skin tones, variation selectors, joiners, keycaps): "👋 when is…🙏".
_EMOJI_CATEGORIES = frozenset({"So", "Sk", "Cs", "Co"})
_EMOJI_GLUE = frozenset("\ufe0e\ufe0f\u200d\u20e3")
# The first words of the text commands (the table in the module docstring).
TEXT_COMMANDS = frozenset(
    {
        "help", "commands", "about", "version", "sessions", "talks", "speakers", "rooms",
        "tracks", "timezone", "tz", "schedule", "programme", "program", "agenda", "now",
        "next", "session", "talk", "speaker", "whois", "search", "find", "lookup",
    }
)  # fmt: skip
_FIRST_WORD = re.compile(r"^(?P<word>[^\W\d_]+)(?:[\s?!.,:;]|$)")


def _matcher(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"^(?:{pattern})$", re.IGNORECASE)


# ----------------------------------------------------------------- entry point


def parse_message(text: str, *, bot_names: tuple[str, ...] = ("confbot",)) -> Intent:
    """Return what ``text`` asks for; anything not understood is ``Help()``. Never raises."""
    try:
        message = _clean(text, bot_names)
        return _parse(message) if message else Help()
    except Exception:  # A parser bug must never cost the user an answer; it is logged.
        log.exception("could not parse a message of %d characters", len(text))
        return Help()


def is_text_command(text: str) -> bool:
    """Return whether ``text`` (what follows the prefix) starts with a known command word.

    "next", "schedule tomorrow" and "timezone set Sydney" are commands; "foo", "!!"
    and " hello" (a space after the prefix) are chat that merely starts with the prefix.
    """
    found = _FIRST_WORD.match(text)
    return found is not None and found["word"].casefold() in TEXT_COMMANDS


def is_bare_time(text: str) -> bool:
    """Return whether ``text`` is a clock time alone ("4pm", "midnight"), with no day."""
    return _TIME_RE.fullmatch(" ".join(text.split())) is not None


def _without_emoji(text: str) -> str:
    return "".join(
        " "
        if character in _EMOJI_GLUE or unicodedata.category(character) in _EMOJI_CATEGORIES
        else character
        for character in text
    )


def _clean(text: str, bot_names: tuple[str, ...]) -> str:
    text = unicodedata.normalize("NFKC", str(text)[: MAX_MESSAGE_CHARS * 2]).translate(_QUOTES)
    text = printable(text)
    text = _MENTION.sub(" ", text)
    text = _without_emoji(text)
    text = _MARKDOWN.sub(" ", text)
    text = _SPACES.sub(" ", text).strip()[:MAX_MESSAGE_CHARS]
    names = "|".join(re.escape(n.strip().lstrip("@")) for n in bot_names if n.strip())
    for _ in range(3):
        before = text
        text = _GREETING.sub("", text)
        if names:
            text = re.sub(rf"^@?(?:{names})\b[\s,:;!.-]*", "", text, flags=re.I)
            text = re.sub(rf"[\s,]+@?(?:{names})\W*$", "", text, flags=re.I)
        text = text.lstrip("!/ ").strip()
        if text == before:
            break
    return _TRAILING.sub("", text).strip()


# ----------------------------------------------------------------- grammar

_COMMANDS = _matcher(r"(?P<cmd>help|commands|about|version|sessions|talks|speakers|rooms|tracks)")
_TZ = _matcher(
    r"(?:timezone|time zone|tz)(?:\s+(?P<sub>set|clock|clear|reset|show|unset|remove)"
    r"(?:\s+(?:zone|clock)?\s*[:=]?\s*(?P<arg>.+))?|\s+(?P<bare>.+))?"
)
_TZ_PLAIN = _matcher(
    r"(?:(?:please )?set my (?:time ?zone|tz|zone) (?:to|as) |my (?:time ?zone|tz|zone) is "
    r"|i(?:'m| am) in (?:the )?(?P<tzwhere>.+?) (?:time ?zone|zone)$|)(?P<arg>.+)"
)
_SCHEDULE = _matcher(
    rf"(?:(?:the )?(?:schedule|programme|program|agenda)|(?P<day0>{_DAY})'?s? (?:schedule|"
    r"programme|program|agenda|sessions|talks)(?P<tail0> .+)?)(?:\s+(?:for|on)?\s*(?P<rest>.+))?"
)
_NOW = _matcher(
    rf"(?:{_WHAT} )?(?:(?:on|happening|going on|live|running|playing|streaming)\s*)?"
    r"(?:right )?(?:now|currently|at the moment)?(?:\s+(?:on|happening))?(?P<where>\s+in .+)?"
)
_NOW_STRICT = _matcher(
    rf"(?:(?:{_WHAT}|who\s*'?s|who is|who are) (?:on|happening|going on|live|running|playing|"
    r"streaming|speaking|talking|presenting)|now|live|(?:right )?now|currently)"
    r"(?: (?:right )?now| currently| at the moment| on now)?(?P<where> in .+)?"
    r"(?: (?:right )?now| currently| at the moment)?"
)
_NOW_WORD = re.compile(r"\b(?:now|currently|at the moment|live)\b", re.I)
_NEXT = _matcher(
    rf"(?:{_WHAT} |who\s*'?s |who is |who are |up )?(?:on |speaking |talking |coming )?"
    r"(?:next|up next|coming up|later|after this|afterwards)(?: up)?(?P<where> in .+)?"
)
_WHEN = _matcher(
    r"(?:when\s*'?s|when is|when are|when does|when do|when will|when|what time is|"
    r"what time does|what time are|at what time is|what day is|time of|start time (?:of|for))"
    r"\s+(?P<q>.+?)(?:\s+(?:start|starts|begin|begins|happen|happening|on|be on|take place|"
    r"end|finish|scheduled))?"
)
_SPEAKER_TOPIC = _matcher(
    rf"(?:what does|what do|what will|{_WHAT}) (?P<q>.+?) (?:talking|speaking|presenting|"
    r"lecturing|talk|speak|present|going to talk|going to speak) (?:about|on)"
    r"|(?:talks?|sessions?) (?:by|from|of) (?P<q2>.+)"
)
_WHO_SPEAKS = _matcher(
    r"who(?:\s*'?s| is| are)? (?:speaking|talking|presenting|giving|running|hosting|leading|"
    r"moderating|chairing|on|in|gives|runs|hosts|leads|speaks|presents|talks|moderates|chairs)"
    r"(?: (?:at|in|on|for|during|the|of))? (?P<q>.+)"
    r"|who(?:\s*'?s| is| are) (?:the )?(?P<q2>.+?) speakers?"
    r"|who(?:\s*'?s| is| are) (?:the )?speakers? (?:of|for|at|in) (?P<q3>.+)"
)
_AT = _matcher(
    rf"(?:(?:{_WHAT}|who\s*'?s|who is|who are)\s+)?(?:on |happening |speaking |talking |"
    r"running |going on |scheduled )?(?P<rest>.*)"
)
_WHO_IS = _matcher(r"who(?:\s*'?s| is| are) (?P<q>.+)|(?:speaker|whois) (?P<q2>.+)")
_ABOUT = _matcher(
    r"(?:tell me (?:more )?about|info(?:rmation)? (?:on|about|for)|details (?:of|on|for|about)|"
    r"more about|about) (?P<q>.+)"
    rf"|{_WHAT} (?P<q2>.+?)(?: about)?"
)
_SESSION = _matcher(r"(?:session|talk) (?P<q>.+)")
_SEARCH = _matcher(
    r"(?:search(?: for)?|find(?: me)?|look ?up|lookup|look for|any|are there any|is there "
    r"(?:a|an|any)|anything)(?: (?:talks?|sessions?|panels?|anything|something|things))?"
    r"(?: (?:about|on|regarding|related to|with|mentioning|for))? (?P<q>.+)"
    r"|(?:talks?|sessions?|panels?) (?:about|on|regarding|related to|mentioning) (?P<q2>.+)"
)


def _parse(message: str) -> Intent:
    intent = (
        _command(message)
        or _schedule(message)
        or _at(message)
        or _now_next(message)
        or _when(message)
        or _topic(message)
        or _who_speaks(message)
        or _search(message)
        or _who_is(message)
        or _session(message)
        or _about(message)
    )
    return intent or Help()


def _command(message: str) -> Intent | None:
    if m := _COMMANDS.match(message):
        name = m["cmd"].lower()
        name = {"commands": "help", "version": "about", "talks": "sessions"}.get(name, name)
        return Command(name, None)
    if m := _TZ.match(message):
        sub = (m["sub"] or "").lower()
        arg = _clean_arg(m["arg"] or m["bare"])
        if m["bare"]:
            if arg and arg.lower() in {"12h", "24h", "12", "24"}:
                return Command("timezone clock", arg.lower())
            return Command("timezone set", arg)
        if sub in {"clear", "reset", "unset", "remove"}:
            return Command("timezone clear", None)
        if sub in {"", "show"}:
            return Command("timezone", None)
        return Command(f"timezone {sub}", arg)
    lowered = message.lower()
    if lowered.startswith(("set my", "my time", "my tz", "my zone", "i'm in", "i am in")):
        m = _TZ_PLAIN.match(message)
        if m and (m["tzwhere"] or not lowered.startswith(("i'm in", "i am in"))):
            arg = _clean_arg(m["tzwhere"] or m["arg"])
            if arg:
                return Command("timezone set", arg)
    return None


def _schedule(message: str) -> Intent | None:
    m = _SCHEDULE.match(message)
    if m:
        rest = " ".join(x for x in (m["day0"], m["tail0"], m["rest"]) if x)
        return _on_day(rest or "today", default_today=True)
    m = re.match(
        rf"^(?:{_WHAT} )?(?:on|happening|scheduled|going on)\s+(?P<rest>.+)$", message, re.I
    )
    if m and not _TIME_RE.search(m["rest"]):
        return _on_day(m["rest"], default_today=False)
    return None


def _on_day(text: str, *, default_today: bool) -> OnDay | None:
    body, zone = _split_zone(text)
    body = re.sub(r"^(?:for|on)\s+", "", body.strip(), flags=re.I)
    part: DayPart | None = None
    pm = re.search(rf"(?:^|\s)(?P<part>{_PART})$|^(?P<lead>{_PART})(?:\s|$)", body, re.I)
    if pm:
        word = (pm["part"] or pm["lead"]).lower().removeprefix("this ")
        part = "evening" if word in {"night", "tonight", "evening"} else word  # type: ignore[assignment]
        body = (body[: pm.start()] + body[pm.end() :]).strip()
        if word == "tonight" and not body:
            body = "today"
    body = re.sub(r"^(?:for|on)\s+", "", body, flags=re.I).strip()
    if not body:
        if part is None and not default_today:
            return None
        return OnDay("today", part, zone)
    if body.lower() == "tonight":
        return OnDay("today", "evening", zone)
    if _DAY_RE.match(body):
        return OnDay(re.sub(r"^on\s+", "", body, flags=re.I), part, zone)
    return None


def _at(message: str) -> Intent | None:
    found = _TIME_RE.search(message)
    if not found:
        return None
    m = _AT.match(message)
    if not m:
        return None
    rest = m["rest"]
    rest = re.sub(r"^(?:at|from|around|about)\s+", "", rest, flags=re.I)
    body, zone = _split_zone(rest)
    time_match = _TIME_RE.search(body)
    if not time_match:
        return None
    clock = time_match.group(0)
    others = (body[: time_match.start()] + " " + body[time_match.end() :]).strip()
    others = re.sub(r"\b(?:at|on|for|around|about)\b", " ", others, flags=re.I)
    others = _SPACES.sub(" ", others).strip()
    if others and not (_DAY_RE.match(others) or re.fullmatch(_PART, others, re.I)):
        return None
    return At(f"{others} {clock}".strip(), zone)


def _now_next(message: str) -> Intent | None:
    m = _NEXT.match(message)
    if m:
        return Next(*_place(m["where"]))
    m = _NOW_STRICT.match(message)
    if m:
        return Now(*_place(m["where"]))
    return None


def _place(where: str | None) -> tuple[str | None, str | None]:
    if not where:
        return None, None
    text = re.sub(r"^\s*in\s+", "", where, flags=re.I).strip()
    text = re.sub(r"\s+(?:(?:right )?now|currently|at the moment|next)$", "", text, flags=re.I)
    if re.search(r"\btrack\b", text, re.I):
        track = re.sub(r"\btrack\b", " ", _ARTICLE.sub("", text), flags=re.I)
        return None, _SPACES.sub(" ", track).strip() or None
    return text or None, None


def _when(message: str) -> Intent | None:
    m = _WHEN.match(message)
    if not m:
        return None
    body, zone = _split_zone(m["q"])
    query = _query(body)
    if not query or query.lower() in {"it", "now", "this", "that"}:
        return Help()
    return WhenIs(query, zone)


def _topic(message: str) -> Intent | None:
    m = _SPEAKER_TOPIC.match(message)
    if m:
        query = _query(m["q"] or m["q2"])
        return SpeakerTopic(query) if query else None
    return None


def _who_speaks(message: str) -> Intent | None:
    m = _WHO_SPEAKS.match(message)
    if not m:
        return None
    target = m["q"] or m["q2"] or m["q3"]
    lowered = target.lower()
    if _NOW_WORD.fullmatch(lowered) or lowered in {"right now", "on now"}:
        return Now()
    if lowered in {"next", "up next", "later"}:
        return Next()
    if re.match(r"^(?:the )?(?:room|hall|stage)\b", lowered) or lowered.endswith(" track"):
        return Now(*_place("in " + re.sub(r"\s+(?:now|right now)$", "", target, flags=re.I)))
    query = _query(target)
    return WhoSpeaks(query) if query else None


def _who_is(message: str) -> Intent | None:
    m = _WHO_IS.match(message)
    if not m:
        return None
    query = _query(m["q"] or m["q2"])
    return WhoIs(query) if query else None


def _session(message: str) -> Intent | None:
    m = _SESSION.match(message)
    if not m:
        return None
    query = _query(m["q"])
    return SessionInfo(query) if query else None


def _search(message: str) -> Intent | None:
    m = _SEARCH.match(message)
    if not m:
        return None
    query = _clean_arg(m["q"] or m["q2"])
    return Search(query) if query else None


def _about(message: str) -> Intent | None:
    m = _ABOUT.match(message)
    if not m:
        return None
    query = _query(m["q"] or m["q2"])
    if not query or query.lower() in {"this", "that", "it", "up", "new", "happening", "on"}:
        return None
    return About(query)


# ----------------------------------------------------------------- helpers


def _split_zone(text: str) -> tuple[str, str | None]:
    """Split a trailing zone ("in Sydney", "in AEDT", "Sydney time") from ``text``."""
    text = text.strip()
    m = _ZONE_AFTER_IN.match(text) or _ZONE_BEFORE_TIME.match(text)
    if not m:
        return text, None
    zone = m["zone"].strip()
    if _PLACE_WORDS.search(zone) or _DAY_RE.match(zone) or _TIME_RE.fullmatch(zone):
        return text, None
    if re.fullmatch(_PART, zone, re.I) or zone.lower() in {"the", "a", "an"}:
        return text, None
    rest = m["rest"].strip()
    if _MY_ZONE.match(zone):
        return rest, None
    return rest, zone


def _query(text: str | None) -> str:
    """Tidy a session or speaker reference: no article, no "'s talk", no quotes."""
    if not text:
        return ""
    query = _clean_arg(text)
    query = _TALK_SUFFIX.sub("", query).strip()
    query = re.sub(r"'s$", "", query).strip()
    return _ARTICLE.sub("", query).strip() if len(query.split()) > 1 else query


def _clean_arg(text: str | None) -> str:
    if not text:
        return ""
    return text.strip().strip("'\"?!.,;: ").strip()
