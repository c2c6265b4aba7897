"""Discord's markdown as a Discord client shows it, as styled text for the terminal.

:func:`render_markdown` turns message text into a :class:`rich.text.Text`: bold,
italics, underline, strike-through, spoilers, code, masked links, headers, subtext,
lists and block quotes lose their markers and gain a style; ``<t:…>`` timestamps,
``<@id>``, ``<@&id>``, ``<#id>`` and custom emoji become what the client shows
(see :class:`~confbot_dev.demo.viewer.Viewer`). ``Text.plain`` is the same transcript
without styles, for a pipe. rich's own Markdown class is CommonMark, which Discord
is not (single newlines break lines, ``__`` underlines), hence this small parser.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from rich.style import Style
from rich.text import Text

from confbot_dev.demo.viewer import Viewer

BOLD = Style(bold=True)
ITALIC = Style(italic=True)
UNDERLINE = Style(underline=True)
STRIKE = Style(strike=True)
SPOILER = Style(reverse=True)
CODE = Style(color="cyan", bgcolor="grey19")
TIMESTAMP = Style(bgcolor="grey30")
MENTION = Style(color="bright_blue", bold=True)
LINK = Style(color="bright_blue", underline=True)
DIM = Style(dim=True)
QUOTE_BAR = Style(color="grey50")
HEADERS = {1: Style(bold=True, underline=True), 2: Style(bold=True), 3: Style(bold=True, dim=True)}

# Paired delimiters, longest first so "**" wins over "*".
_DELIMITERS: tuple[tuple[str, Style], ...] = (
    ("**", BOLD),
    ("__", UNDERLINE),
    ("~~", STRIKE),
    ("||", SPOILER),
    ("*", ITALIC),
    ("_", ITALIC),
)
_TOKEN = re.compile(
    r"<t:(?P<seconds>-?\d{1,20})(?::(?P<style>[tTdDfFR]))?>"
    r"|<@!?(?P<user>\d{1,20})>"
    r"|<@&(?P<role>\d{1,20})>"
    r"|<#(?P<channel>\d{1,20})>"
    r"|<a?:(?P<emoji>\w{2,32}):\d{1,20}>"
    r"|\[(?P<label>[^\]\n]+)\]\(<?(?P<target>https?://[^\s)>]+)>?\)"
    r"|<?(?P<url>https?://[^\s<>]+[^\s<>.,;:!?)'\"])>?"
    r"|(?P<ticks>``?)(?P<code>[^`]+?)(?P=ticks)"
)
_CODE_BLOCK = re.compile(r"```(?:(?P<language>[\w+#.-]{1,20})?\n)?(?P<body>.*?)```", re.DOTALL)
_HEADER = re.compile(r"^(#{1,3}) +(\S.*)$")
_SUBTEXT = re.compile(r"^-# +(\S.*)$")
_BULLET = re.compile(r"^( *)[-*] +(\S.*)$")
_NUMBERED = re.compile(r"^( *)(\d{1,9})\. +(\S.*)$")
_ESCAPABLE = re.compile(r"[^\w\s]")
# Spans inside spans, at most: deeper markers show as typed (a client gives up too).
MAX_NESTING = 8


def render_markdown(text: str, viewer: Viewer, *, base: Style | None = None) -> Text:
    """Return message ``text`` as the client shows it: markers gone, styles on."""
    out = Text()
    position = 0
    for block in _CODE_BLOCK.finditer(text):
        _prose(text[position : block.start()], viewer, out, base)
        body = block["body"].strip("\n")
        lines = body.split("\n") if body else [""]
        if out and not out.plain.endswith("\n"):
            out.append("\n")
        out.append("\n".join(f"  {line}" for line in lines), CODE)
        position = block.end()
        if position < len(text) and text[position] != "\n":
            out.append("\n")
    _prose(text[position:], viewer, out, base)
    return out


def render_inline(text: str, viewer: Viewer, *, base: Style | None = None) -> Text:
    """Return one line of text with inline markdown only (titles, field names)."""
    out = Text()
    _inline(text, viewer, out, base or Style())
    return out


def _prose(text: str, viewer: Viewer, out: Text, base: Style | None) -> None:
    if not text:
        return
    quoting_rest = False
    for number, line in enumerate(text.split("\n")):
        if number:
            out.append("\n")
        quoted = quoting_rest
        if not quoted and line.startswith(">>> "):
            quoting_rest, quoted, line = True, True, line[4:]
        elif not quoted and (line.startswith("> ") or line == ">"):
            quoted, line = True, line[2:]
        if quoted:
            out.append("▎ ", QUOTE_BAR)
        _line(line, viewer, out, base or Style())


def _line(line: str, viewer: Viewer, out: Text, base: Style) -> None:
    if match := _HEADER.match(line):
        _inline(match[2], viewer, out, base + HEADERS[len(match[1])])
    elif match := _SUBTEXT.match(line):
        _inline(match[1], viewer, out, base + DIM)
    elif match := _BULLET.match(line):
        depth = len(match[1]) // 2
        out.append("  " * depth + ("• " if depth == 0 else "◦ "), base)
        _inline(match[2], viewer, out, base)
    elif match := _NUMBERED.match(line):
        out.append(f"{'  ' * (len(match[1]) // 2)}{match[2]}. ", base)
        _inline(match[3], viewer, out, base)
    else:
        _inline(line, viewer, out, base)


def _inline(text: str, viewer: Viewer, out: Text, style: Style, depth: int = 0) -> None:
    plain: list[str] = []
    unclosed: set[str] = set()  # delimiters with no closing one further on: stop looking

    def flush() -> None:
        if plain:
            out.append("".join(plain), style)
            plain.clear()

    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text) and _ESCAPABLE.match(text[index + 1]):
            plain.append(text[index + 1])
            index += 2
            continue
        token = _TOKEN.match(text, index) if char in "<[h`" else None
        if token is not None:
            flush()
            _token(token, viewer, out, style)
            index = token.end()
            continue
        paired = _paired(text, index, unclosed) if depth < MAX_NESTING else None
        if paired is not None:
            flush()
            inner_end, delimiter, delimiter_style = paired
            inner = text[index + len(delimiter) : inner_end]
            _inline(inner, viewer, out, style + delimiter_style, depth + 1)
            index = inner_end + len(delimiter)
            continue
        plain.append(char)
        index += 1
    flush()


def _paired(text: str, index: int, unclosed: set[str]) -> tuple[int, str, Style] | None:
    """Return where the span opened at ``index`` closes, its delimiter and its style."""
    for delimiter, style in _DELIMITERS:
        if delimiter in unclosed or not text.startswith(delimiter, index):
            continue
        start = index + len(delimiter)
        single = len(delimiter) == 1
        if single and (start >= len(text) or text[start].isspace()):
            return None  # "5 * 3": not an opening
        if delimiter == "_" and index > 0 and text[index - 1].isalnum():
            return None  # snake_case stays as typed
        close = _closing(text, delimiter, start)
        if close is None:
            unclosed.add(delimiter)
            continue
        if close == start:
            continue
        return close, delimiter, style
    return None


def _closing(text: str, delimiter: str, start: int) -> int | None:
    index = start
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text[index] == "`":
            code = _TOKEN.match(text, index)
            if code is not None and code["ticks"]:
                index = code.end()
                continue
        if text.startswith(delimiter, index):
            after = index + len(delimiter)
            if delimiter == "*" and text.startswith("*", after):
                index = after + 1  # "**" inside an italic span belongs to a bold one
                continue
            if len(delimiter) == 1 and text[index - 1].isspace():
                index += 1
                continue
            if delimiter == "_" and after < len(text) and text[after].isalnum():
                index += 1
                continue
            return index
        index += 1
    return None


def _token(token: re.Match[str], viewer: Viewer, out: Text, style: Style) -> None:
    renderers: dict[str, Callable[[], object]] = {
        "seconds": lambda: _timestamp(token, viewer, out, style),
        "user": lambda: _mention("@", "user", token["user"], "unknown-user", viewer, out, style),
        "role": lambda: _mention("@", "role", token["role"], "deleted-role", viewer, out, style),
        "channel": lambda: _mention(
            "#", "channel", token["channel"], "unknown", viewer, out, style
        ),
        "emoji": lambda: out.append(f":{token['emoji']}:", style),
        "label": lambda: _link(token["label"], token["target"], viewer, out, style),
        "url": lambda: out.append(token["url"], style + LINK),
        "code": lambda: out.append(token["code"], style + CODE),
    }
    kind = next(name for name in renderers if token[name] is not None)
    renderers[kind]()


def _timestamp(token: re.Match[str], viewer: Viewer, out: Text, style: Style) -> None:
    shown = viewer.timestamp(int(token["seconds"]), token["style"] or "f")
    if shown is None:
        out.append(token[0], style)  # out of range: the client shows it as typed
    else:
        out.append(shown, style + TIMESTAMP)


def _mention(
    sigil: str, kind: str, identifier: str, unknown: str, viewer: Viewer, out: Text, style: Style
) -> None:
    name = viewer.names(kind, int(identifier))
    out.append(f"{sigil}{name or unknown}", style + MENTION)


def _link(label: str, target: str, viewer: Viewer, out: Text, style: Style) -> None:
    _inline(label, viewer, out, style + LINK)
    out.append(f" ({target})", style + DIM)
