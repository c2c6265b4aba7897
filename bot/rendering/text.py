"""Small text helpers shared by every renderer: escaping, truncation, lists."""

from __future__ import annotations

import re

_MARKDOWN = re.compile(r"([\\*_`~|>#\[\]()-])")
_MENTION = re.compile(r"<(@[!&]?|#)(\d+)>")
_MASS_MENTION = re.compile(r"@(everyone|here)")
_MASKED_LINK = re.compile(r"\[([^\]]*)\]\((<?https?://[^)\s]+>?)\)")
# C0/C1 control characters except tab and newline, and the bidirectional overrides: a NUL
# or a right-to-left override echoed back garbles the reply (or reverses what follows).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

ELLIPSIS = "…"


def printable(text: str) -> str:
    """Return ``text`` without control characters (NUL, escape, bidirectional overrides)."""
    return _CONTROL.sub("", text)


def neutralise(text: str) -> str:
    """Return ``text`` safe to show: no control character, markdown effect, mention or masked link.

    Schedule text comes from outside (organisers' tools, speakers' bios); shown
    raw it could ping ``@everyone``, hide a link behind innocent words or break
    the layout. Masked links become "words (url)".
    """
    text = printable(text)
    text = _MASKED_LINK.sub(lambda match: f"{match[1]} ({match[2].strip('<>')})", text)
    text = _MARKDOWN.sub(r"\\\1", text)
    text = _MENTION.sub(lambda match: f"<\u200b{match[1]}{match[2]}>", text)
    return _MASS_MENTION.sub("@\u200b\\1", text)


def truncate(text: str, limit: int, *, suffix: str = ELLIPSIS) -> str:
    """Return ``text`` cut to at most ``limit`` characters, at a word if one is near.

    Never splits an escape sequence made by :func:`neutralise`.
    """
    if len(text) <= limit:
        return text
    cut = text[: max(0, limit - len(suffix))]
    space = cut.rfind(" ")
    if space >= len(cut) - 40 and space > 0:
        cut = cut[:space]
    while cut.endswith("\\"):
        cut = cut[:-1]
    return cut.rstrip() + suffix


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """Return "1 session", "3 sessions"."""
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count} {word}"


def human_join(items: list[str], *, conjunction: str = "and") -> str:
    """Return "a", "a and b", "a, b and c"."""
    if len(items) <= 2:
        return f" {conjunction} ".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def did_you_mean(suggestions: list[str], *, quoted: bool = False) -> str:
    """Return " Did you mean a, b or c?" for a not-found message ("" with no suggestions)."""
    if not suggestions:
        return ""
    names = [neutralise(item) for item in suggestions]
    if quoted:
        names = [f"“{name}”" for name in names]
    return f" Did you mean {human_join(names, conjunction='or')}?"
