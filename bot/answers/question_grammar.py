"""The grammar of plain questions: one pattern per phrasing, and :data:`RULES` read in order.

:func:`parse_intent` tries each rule of :data:`RULES` top-down on a cleaned message
(see :mod:`bot.answers.questions`) and returns the first intent one gives; the order
is the grammar ("who is speaking at 4pm" is ``At`` before it can be ``WhoSpeaks``;
"who is speaking at the keynote" is ``WhoSpeaks`` before it can be ``WhoIs``). A rule
returns ``None`` when the message is not its phrasing.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.answers.intents import (
    About,
    At,
    Command,
    DayPart,
    Help,
    Intent,
    Next,
    Now,
    OnDay,
    Search,
    SessionInfo,
    SpeakerTopic,
    WhenIs,
    WhoIs,
    WhoSpeaks,
)
from bot.answers.question_words import (
    ARTICLE,
    DAY,
    DAY_RE,
    PART,
    SPACES,
    TIME_RE,
    WHAT,
    clean_argument,
    split_zone,
    tidy_query,
)

__all__ = ["RULES", "Rule", "parse_intent"]

#: One phrasing (or a family of them): the intent, or ``None`` when it is not this one.
Rule = Callable[[str], Intent | None]


def _matcher(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"^(?:{pattern})$", re.IGNORECASE)


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
    rf"(?:(?:the )?(?:schedule|programme|program|agenda)|(?P<day0>{DAY})'?s? (?:schedule|"
    r"programme|program|agenda|sessions|talks)(?P<tail0> .+)?)(?:\s+(?:for|on)?\s*(?P<rest>.+))?"
)
_NOW = _matcher(
    rf"(?:{WHAT} )?(?:(?:on|happening|going on|live|running|playing|streaming)\s*)?"
    r"(?:right )?(?:now|currently|at the moment)?(?:\s+(?:on|happening))?(?P<where>\s+in .+)?"
)
_NOW_STRICT = _matcher(
    rf"(?:(?:{WHAT}|who\s*'?s|who is|who are) (?:on|happening|going on|live|running|playing|"
    r"streaming|speaking|talking|presenting)|now|live|(?:right )?now|currently)"
    r"(?: (?:right )?now| currently| at the moment| on now)?(?P<where> in .+)?"
    r"(?: (?:right )?now| currently| at the moment)?"
)
_NOW_WORD = re.compile(r"\b(?:now|currently|at the moment|live)\b", re.I)
_NEXT = _matcher(
    rf"(?:{WHAT} |who\s*'?s |who is |who are |up )?(?:on |speaking |talking |coming )?"
    r"(?:next|up next|coming up|later|after this|afterwards)(?: up)?(?P<where> in .+)?"
)
_WHEN = _matcher(
    r"(?:when\s*'?s|when is|when are|when does|when do|when will|when|what time is|"
    r"what time does|what time are|at what time is|what day is|time of|start time (?:of|for))"
    r"\s+(?P<q>.+?)(?:\s+(?:start|starts|begin|begins|happen|happening|on|be on|take place|"
    r"end|finish|scheduled))?"
)
_SPEAKER_TOPIC = _matcher(
    rf"(?:what does|what do|what will|{WHAT}) (?P<q>.+?) (?:talking|speaking|presenting|"
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
    rf"(?:(?:{WHAT}|who\s*'?s|who is|who are)\s+)?(?:on |happening |speaking |talking |"
    r"running |going on |scheduled )?(?P<rest>.*)"
)
_WHO_IS = _matcher(r"who(?:\s*'?s| is| are) (?P<q>.+)|(?:speaker|whois) (?P<q2>.+)")
_ABOUT = _matcher(
    r"(?:tell me (?:more )?about|info(?:rmation)? (?:on|about|for)|details (?:of|on|for|about)|"
    r"more about|about) (?P<q>.+)"
    rf"|{WHAT} (?P<q2>.+?)(?: about)?"
)
_SESSION = _matcher(r"(?:session|talk) (?P<q>.+)")
_SEARCH = _matcher(
    r"(?:search(?: for)?|find(?: me)?|look ?up|lookup|look for|any|are there any|is there "
    r"(?:a|an|any)|anything)(?: (?:talks?|sessions?|panels?|anything|something|things))?"
    r"(?: (?:about|on|regarding|related to|with|mentioning|for))? (?P<q>.+)"
    r"|(?:talks?|sessions?|panels?) (?:about|on|regarding|related to|mentioning) (?P<q2>.+)"
)


def _command(message: str) -> Intent | None:
    if m := _COMMANDS.match(message):
        name = m["cmd"].lower()
        name = {"commands": "help", "version": "about", "talks": "sessions"}.get(name, name)
        return Command(name, None)
    if m := _TZ.match(message):
        sub = (m["sub"] or "").lower()
        arg = clean_argument(m["arg"] or m["bare"])
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
            arg = clean_argument(m["tzwhere"] or m["arg"])
            if arg:
                return Command("timezone set", arg)
    return None


def _schedule(message: str) -> Intent | None:
    m = _SCHEDULE.match(message)
    if m:
        rest = " ".join(x for x in (m["day0"], m["tail0"], m["rest"]) if x)
        return _on_day(rest or "today", default_today=True)
    m = re.match(
        rf"^(?:{WHAT} )?(?:on|happening|scheduled|going on)\s+(?P<rest>.+)$", message, re.I
    )
    if m and not TIME_RE.search(m["rest"]):
        return _on_day(m["rest"], default_today=False)
    return None


def _on_day(text: str, *, default_today: bool) -> OnDay | None:
    body, zone = split_zone(text)
    body = re.sub(r"^(?:for|on)\s+", "", body.strip(), flags=re.I)
    part: DayPart | None = None
    pm = re.search(rf"(?:^|\s)(?P<part>{PART})$|^(?P<lead>{PART})(?:\s|$)", body, re.I)
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
    if DAY_RE.match(body):
        return OnDay(re.sub(r"^on\s+", "", body, flags=re.I), part, zone)
    return None


def _at(message: str) -> Intent | None:
    found = TIME_RE.search(message)
    if not found:
        return None
    m = _AT.match(message)
    if not m:
        return None
    rest = m["rest"]
    rest = re.sub(r"^(?:at|from|around|about)\s+", "", rest, flags=re.I)
    body, zone = split_zone(rest)
    time_match = TIME_RE.search(body)
    if not time_match:
        return None
    clock = time_match.group(0)
    others = (body[: time_match.start()] + " " + body[time_match.end() :]).strip()
    others = re.sub(r"\b(?:at|on|for|around|about)\b", " ", others, flags=re.I)
    others = SPACES.sub(" ", others).strip()
    if others and not (DAY_RE.match(others) or re.fullmatch(PART, others, re.I)):
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
        track = re.sub(r"\btrack\b", " ", ARTICLE.sub("", text), flags=re.I)
        return None, SPACES.sub(" ", track).strip() or None
    return text or None, None


def _when(message: str) -> Intent | None:
    m = _WHEN.match(message)
    if not m:
        return None
    body, zone = split_zone(m["q"])
    query = tidy_query(body)
    if not query or query.lower() in {"it", "now", "this", "that"}:
        return Help()
    return WhenIs(query, zone)


def _topic(message: str) -> Intent | None:
    m = _SPEAKER_TOPIC.match(message)
    if m:
        query = tidy_query(m["q"] or m["q2"])
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
    query = tidy_query(target)
    return WhoSpeaks(query) if query else None


def _who_is(message: str) -> Intent | None:
    m = _WHO_IS.match(message)
    if not m:
        return None
    query = tidy_query(m["q"] or m["q2"])
    return WhoIs(query) if query else None


def _session(message: str) -> Intent | None:
    m = _SESSION.match(message)
    if not m:
        return None
    query = tidy_query(m["q"])
    return SessionInfo(query) if query else None


def _search(message: str) -> Intent | None:
    m = _SEARCH.match(message)
    if not m:
        return None
    query = clean_argument(m["q"] or m["q2"])
    return Search(query) if query else None


def _about(message: str) -> Intent | None:
    m = _ABOUT.match(message)
    if not m:
        return None
    query = tidy_query(m["q"] or m["q2"])
    if not query or query.lower() in {"this", "that", "it", "up", "new", "happening", "on"}:
        return None
    return About(query)


#: The rules in the order they are tried: the first that gives an intent wins.
RULES: tuple[Rule, ...] = (
    _command,
    _schedule,
    _at,
    _now_next,
    _when,
    _topic,
    _who_speaks,
    _search,
    _who_is,
    _session,
    _about,
)


def parse_intent(message: str) -> Intent:
    """Return the intent of a cleaned, non-empty message: the first rule's, else ``Help()``."""
    for rule in RULES:
        if intent := rule(message):
            return intent
    return Help()
