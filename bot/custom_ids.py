"""The custom_id conventions every button and menu of confbot follows (Discord-free).

A custom_id is ``confbot:<name>:<state>``: the state a press needs travels in it, so a
button on a week-old message is answered after any restart. Discord allows 100
characters; an id that would not fit travels as ``#`` + a digest and is looked up.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

__all__ = [
    "CUSTOM_ID_LIMIT",
    "PREFIX",
    "ROW_MARK_PATTERN",
    "SESSION_CARD",
    "SESSION_CARD_TEMPLATE",
    "digest",
    "id_from_custom_id",
    "id_in_custom_id",
    "row_mark",
]

PREFIX = "confbot"
# Discord refuses a component whose custom_id is longer than this.
CUSTOM_ID_LIMIT = 100
# "Open session" on a reminder and "Session: …" on a speaker's card open the same card:
# ``confbot:session:<session id>``, answered by the speakers cog's session button.
SESSION_CARD = f"{PREFIX}:session:"
# The delivery engine appends its row's mark (``:o`` + 12 hex digits) to one button of each
# message it sends, the one thing of its own it can find again in a channel's history (a
# nonce is not returned there). A template of a button sent on such messages ends with
# ROW_MARK_PATTERN and matches what precedes it lazily.
ROW_MARK_PATTERN = r"(?::o[0-9a-f]{12})?"
SESSION_CARD_TEMPLATE = rf"{PREFIX}:session:(?P<id>.+?){ROW_MARK_PATTERN}"


def digest(value: str) -> str:
    """Return a short stable digest of ``value`` (for ids too long for a custom_id)."""
    return hashlib.sha256(value.encode()).hexdigest()[:24]


def row_mark(key: str) -> str:
    """Return the mark of the outbox row keyed ``key``, as appended to a custom_id."""
    return ":o" + hashlib.sha256(key.encode()).hexdigest()[:12]


def id_in_custom_id(prefix: str, value: str) -> str:
    """Return ``prefix + value``, or ``prefix + "#" + digest`` when that is too long.

    Resolve it back with :func:`id_from_custom_id`.
    """
    whole = prefix + value
    if len(whole) <= CUSTOM_ID_LIMIT and not value.startswith("#"):
        return whole
    return f"{prefix}#{digest(value)}"


def id_from_custom_id(token: str, candidates: Iterable[str]) -> str | None:
    """Return the id ``token`` stands for among ``candidates`` (``None`` if gone)."""
    if not token.startswith("#"):
        return token
    wanted = token[1:]
    return next((candidate for candidate in candidates if digest(candidate) == wanted), None)
