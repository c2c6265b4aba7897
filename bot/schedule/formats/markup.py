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
from functools import cache
from typing import Any

import nh3
from markdownify import MarkdownConverter

__all__ = [
    "ABSTRACT_CHARS",
    "BIO_CHARS",
    "NAME_CHARS",
    "TITLE_CHARS",
    "discord_markdown",
    "plain",
    "tidy",
]

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


@cache
def _converter() -> _DiscordConverter:
    return _DiscordConverter(heading_style="ATX", bullets="-")


# Most abstracts are paragraphs with bold, italics and links. For those (after nh3 made
# the HTML well formed) a single pass is ten times faster than markdownify's soup, which
# stays for lists, headings, quotes and code blocks.
_INLINE_TAGS = {"p", "br", "b", "strong", "i", "em", "u", "s", "del", "code", "a"}
_MARKERS = {
    "b": "**", "strong": "**", "i": "*", "em": "*", "u": "__", "s": "~~", "del": "~~",
    "code": "`",
}  # fmt: skip
_TOKEN = re.compile(r"<(/?)([a-z0-9]+)([^>]*)>")
_RUNS_OF_SPACES = re.compile(r" {2,}")
_HREF = re.compile(r'href="([^"]*)"')
_MARKDOWN_SPECIAL = re.compile(r"([*_`~\\])")


def _inline_text(raw: str) -> str:
    text = html.unescape(_SPACES.sub(" ", raw))
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _link(href: str, words: str) -> str:
    href = html.unescape(href).strip()
    if not href.startswith(("https://", "http://")):
        return words
    href = href.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
    return f"[{words}]({href})" if words and words != href else href


def _inline_markdown(cleaned: str) -> str | None:
    """Return sanitised HTML made only of paragraphs and inline tags as markdown, else None."""
    out: list[str] = []
    open_tags: list[tuple[str, int, str]] = []
    position = 0
    for match in _TOKEN.finditer(cleaned):
        closing, tag, attributes = match.groups()
        if tag not in _INLINE_TAGS:
            return None
        out.append(_inline_text(cleaned[position : match.start()]))
        position = match.end()
        if tag == "p":
            out.append("\n\n")
        elif tag == "br":
            out.append("\n")
        elif not closing:
            found = _HREF.search(attributes) if tag == "a" else None
            open_tags.append((tag, len(out), found[1] if found else ""))
        elif open_tags and open_tags[-1][0] == tag:
            _, start, href = open_tags.pop()
            inner = "".join(out[start:])
            del out[start:]
            words = inner.strip()
            lead = " " if inner[:1].isspace() and words else ""
            trail = " " if inner[-1:].isspace() and words else ""
            if tag == "a":
                out.append(lead + _link(href, words) + trail)
            elif words:
                marker = _MARKERS[tag]
                out.append(f"{lead}{marker}{words}{marker}{trail}")
        else:
            return None  # mis-nested: let markdownify sort it out
    if open_tags:
        return None
    out.append(_inline_text(cleaned[position:]))
    lines = (_RUNS_OF_SPACES.sub(" ", line).strip() for line in "".join(out).split("\n"))
    return tidy("\n".join(lines))


def tidy(text: str) -> str:
    """Return markdown without trailing spaces or runs of blank lines (Discord needs neither)."""
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", text).strip()


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
        fast = _inline_markdown(cleaned)
        text = fast if fast is not None else _converter().convert(cleaned)
    elif _ENTITY.search(text):
        text = html.unescape(text)
    return _cut(tidy(text), limit) or None


def plain(text: object, *, limit: int = TITLE_CHARS) -> str | None:
    """Return a one-line name or title: entities decoded, tags dropped, spaces collapsed."""
    if not isinstance(text, str | int) or isinstance(text, bool):
        return None
    value = html.unescape(_TAG.sub("", str(text)))
    value = _SPACES.sub(" ", value).strip()
    return _cut(value, limit) or None
