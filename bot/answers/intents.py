"""What a plain question asks for: the :data:`Intent` types :mod:`bot.answers.questions` returns.

Each is a frozen dataclass holding the texts the user typed (unresolved: the schedule
resolves them); :data:`HELP_EXAMPLES` is what to show when nothing was understood.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

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
]

DayPart = Literal["morning", "afternoon", "evening"]


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
    """A text command mirroring a slash command (see :mod:`bot.answers.questions`)."""

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
