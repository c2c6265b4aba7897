"""Understand what a user typed when they mention or DM confbot: an ``Intent``.

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

Anything else, empty input and greetings give ``Help()``; show
:data:`~bot.answers.intents.HELP_EXAMPLES`. The intents are in :mod:`bot.answers.intents`.
This module cleans the message (mentions, emoji, markdown, greetings, the bot's name);
:mod:`bot.answers.question_grammar` holds the rules, tried in order, and
:mod:`bot.answers.question_words` the words they share.

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

from bot.answers.intents import Help, Intent
from bot.answers.question_grammar import parse_intent
from bot.answers.question_words import SPACES, TIME_RE
from bot.rendering.text import printable

log = logging.getLogger(__name__)

__all__ = ["is_bare_time", "is_text_command", "parse_message"]

#: Input beyond this many characters is ignored (Discord messages go up to 6,000).
MAX_MESSAGE_CHARS = 500

_QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'", "“": '"', "”": '"'})
_MENTION = re.compile(r"<(?:@[!&]?|#)\d+>|<a?:\w+:\d+>|@(?:everyone|here)\b")
_MARKDOWN = re.compile(r"[*~|>\"]+|(?<!\w)_+|_+(?!\w)")
_GREETING = re.compile(
    r"^(?:(?:hi|hello|hey|hiya|yo|ok|okay|so|um|please|pls|excuse me|good (?:morning|"
    r"afternoon|evening)|thanks|thank you|ta|cheers)\b[\s,!.:;-]*)+",
    re.IGNORECASE,
)
_TRAILING = re.compile(r"(?:[\s,]+(?:please|pls|thanks|thank you|thx)\b)*[\s?!.,;:]*$", re.I)

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


# ----------------------------------------------------------------- entry point


def parse_message(text: str, *, bot_names: tuple[str, ...] = ("confbot",)) -> Intent:
    """Return what ``text`` asks for; anything not understood is ``Help()``. Never raises."""
    try:
        message = _clean(text, bot_names)
        return parse_intent(message) if message else Help()
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
    return TIME_RE.fullmatch(" ".join(text.split())) is not None


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
    text = SPACES.sub(" ", text).strip()[:MAX_MESSAGE_CHARS]
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
