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
    "SESSION_CARD",
    "SESSION_CARD_TEMPLATE",
    "digest",
    "id_from_custom_id",
    "id_in_custom_id",
]

PREFIX = "confbot"
# Discord refuses a component whose custom_id is longer than this.
CUSTOM_ID_LIMIT = 100
# "Open session" on a reminder and "Session: …" on a speaker's card open the same card:
# ``confbot:session:<session id>``, answered by the speakers cog's session button.
SESSION_CARD = f"{PREFIX}:session:"
SESSION_CARD_TEMPLATE = rf"{PREFIX}:session:(?P<id>.+)"


def digest(value: str) -> str:
    """Return a short stable digest of ``value`` (for ids too long for a custom_id)."""
    return hashlib.sha256(value.encode()).hexdigest()[:24]


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
