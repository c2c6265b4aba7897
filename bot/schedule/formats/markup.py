"""Abstracts and bios from organisers' tools as safe Discord markdown, within Discord's lengths.

Exports carry plain text, markdown (pretalx) or HTML (frab, pentabarf, wafer, iCalendar
descriptions), sometimes entity-escaped twice. HTML is sanitised with nh3 first (no
script, no style, no event handler survives), then turned into markdown with markdownify;
links that Discord cannot follow (relative, ``javascript:``) keep only their words.
The renderers still neutralise mentions and markdown when they show the text.
"""

from __future__ import annotations

import html
import re
from typing import Any

import nh3
from markdownify import MarkdownConverter

__all__ = ["ABSTRACT_CHARS", "BIO_CHARS", "NAME_CHARS", "TITLE_CHARS", "discord_markdown", "plain"]

# An embed description holds 4096 characters; the rest of a card needs some room.
ABSTRACT_CHARS = 4000
BIO_CHARS = 4000
# An embed title holds 256 characters, an author name or a field name 256.
TITLE_CHARS = 256
NAME_CHARS = 256

_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);")
_BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")
_SPACES = re.compile(r"\s+")
_ALLOWED_TAGS = {
    *("a", "b", "strong", "i", "em", "u", "s", "del", "code", "pre", "blockquote"),
    *("p", "br", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "hr"),
}


class _DiscordConverter(MarkdownConverter):
    """markdownify with links Discord can open, or just their words."""

    def convert_a(self, el: Any, text: str, *args: Any, **kwargs: Any) -> str:
        href = (el.get("href") or "").strip()
        if not href.startswith(("https://", "http://")):
            return text
        href = href.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
        words = text.strip()
        return f"[{words}]({href})" if words and words != href else href

    def convert_img(self, el: Any, text: str, *args: Any, **kwargs: Any) -> str:
        return str(el.get("alt") or "")


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit - 40:
        cut = cut[:space]
    return cut.rstrip() + "…"


def discord_markdown(text: object, *, limit: int = ABSTRACT_CHARS) -> str | None:
    """Return ``text`` (plain, markdown or HTML) as Discord markdown of at most ``limit`` chars.

    ``None``, non-strings and text that is empty once cleaned give ``None``.
    """
    if not isinstance(text, str):
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _TAG.search(text):
        cleaned = nh3.clean(
            text,
            tags=_ALLOWED_TAGS,
            attributes={"a": {"href"}},
            clean_content_tags={"script", "style"},
            link_rel=None,
        )
        text = _DiscordConverter(heading_style="ATX", bullets="-").convert(cleaned)
    elif _ENTITY.search(text):
        text = html.unescape(text)
    text = _BLANK_LINES.sub("\n\n", text).strip()
    return _cut(text, limit) or None


def plain(text: object, *, limit: int = TITLE_CHARS) -> str | None:
    """Return a one-line name or title: entities decoded, tags dropped, spaces collapsed."""
    if not isinstance(text, str | int) or isinstance(text, bool):
        return None
    value = html.unescape(_TAG.sub("", str(text)))
    value = _SPACES.sub(" ", value).strip()
    return _cut(value, limit) or None
