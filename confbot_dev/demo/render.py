"""Show what the bot sent the way a Discord client would: a readable transcript.

Every renderer builds a :class:`rich.text.Text`; :class:`Style` turns it into ANSI
colours for a terminal or into plain text for a pipe, so both read the same.
Message text and embed text go through :func:`~confbot_dev.demo.markdown.render_markdown`
in the acting attendee's zone (see :class:`~confbot_dev.demo.viewer.Viewer`).
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TextIO

from rich.console import Console
from rich.style import Style as TextStyle
from rich.text import Text

from confbot_dev.demo.markdown import render_inline, render_markdown
from confbot_dev.demo.viewer import Viewer

EPHEMERAL = 1 << 6
LOADING = 1 << 7
# Message flag: published to the servers that follow an announcement channel.
CROSSPOSTED = 1 << 0
BUTTON, SELECTS = 2, (3, 5, 6, 7, 8)
LINK_STYLE = 5

HEADER = TextStyle(bold=True, color="cyan")
DIM = TextStyle(dim=True)
ERROR = TextStyle(color="red")
ACCENT = TextStyle(color="yellow")
EMBED_BAR = TextStyle(color="grey50")

Message = Mapping[str, Any]


@dataclass(frozen=True)
class Style:
    """Whether the transcript is styled (a terminal) or plain (a pipe, ``NO_COLOR``)."""

    enabled: bool = False

    @classmethod
    def for_stream(cls, stream: TextIO, environ: Mapping[str, str] | None = None) -> Style:
        """Style only a terminal, and only when ``NO_COLOR`` is not set."""
        env = os.environ if environ is None else environ
        isatty = getattr(stream, "isatty", None)
        return cls(enabled=bool(isatty and isatty()) and not env.get("NO_COLOR"))

    def show(self, text: Text | str) -> str:
        """Return ``text`` with ANSI styles when enabled, else its plain characters."""
        if isinstance(text, str):
            return text
        if not self.enabled:
            return text.plain
        buffer = io.StringIO()
        console = Console(
            file=buffer,
            force_terminal=True,
            color_system="256",
            width=1_000_000,  # the terminal wraps; rich must not
            highlight=False,
            emoji=False,
            markup=False,
        )
        console.print(text, end="", soft_wrap=True)
        return buffer.getvalue()

    def header(self, text: str) -> str:
        """Return ``text`` bold cyan."""
        return self.show(Text(text, HEADER))

    def dim(self, text: str) -> str:
        """Return ``text`` dimmed."""
        return self.show(Text(text, DIM))

    def error(self, text: str) -> str:
        """Return ``text`` red."""
        return self.show(Text(text, ERROR))

    def accent(self, text: str) -> str:
        """Return ``text`` yellow."""
        return self.show(Text(text, ACCENT))


def render_message(
    message: Message, where: str, style: Style, viewer: Viewer, *, edited: bool = False
) -> str:
    """Return one bot message: where it went, its text, embeds, buttons and files."""
    flags = int(message.get("flags") or 0)
    verb = "edited a message in" if edited else "in"
    heading = _styled(f"confbot {verb} {where}", HEADER)
    if flags & EPHEMERAL:
        heading.append(" (only you)", DIM)
    heading.append(":", HEADER)
    body: list[Text] = []
    content = str(message.get("content") or "")
    if content:
        body.extend(render_markdown(content, viewer).split("\n"))
    for embed in message.get("embeds") or []:
        body.extend(_embed_lines(embed, viewer))
    buttons, selects = _components(message.get("components") or [])
    if buttons:
        body.append(Text(" ").join(Text(f"[{b}]", ACCENT) for b in buttons))
    body.extend(Text(s, ACCENT) for s in selects)
    for attachment in message.get("attachments") or []:
        body.append(Text(f"(attachment: {attachment.get('filename')})", DIM))
    if flags & LOADING and not body:
        body.append(Text("(thinking...)", DIM))
    if not body:
        body.append(Text("(empty message)", DIM))
    lines = [heading, *(Text("  ") + line for line in body)]
    return style.show(Text("\n").join(lines))


def _embed_lines(embed: Mapping[str, Any], viewer: Viewer) -> list[Text]:
    lines: list[Text] = []
    author = (embed.get("author") or {}).get("name")
    if author:
        lines.append(Text(str(author), DIM))
    if embed.get("title"):
        title = render_inline(str(embed["title"]), viewer, base=HEADER)
        if embed.get("url"):
            title.append(f" <{embed['url']}>", DIM)
        lines.append(title)
    description = str(embed.get("description") or "")
    if description:
        lines.extend(render_markdown(description, viewer).split("\n"))
    for fld in embed.get("fields") or []:
        value = render_markdown(str(fld.get("value") or ""), viewer).split("\n") or [Text()]
        name = render_inline(str(fld.get("name")), viewer, base=ACCENT)
        lines.append(name + Text(": ") + value[0])
        lines.extend(Text("  ") + more for more in value[1:])
    footer = (embed.get("footer") or {}).get("text")
    if footer:
        lines.append(Text(f"-- {footer}", DIM))
    if not lines:
        lines.append(Text("(empty embed)", DIM))
    return [
        _styled("| ", EMBED_BAR) + line if line.plain else _styled("|", EMBED_BAR) for line in lines
    ]


def _styled(text: str, style: TextStyle) -> Text:
    """Return ``text`` styled as a span: ``Text(text, style)`` would style all it is joined to."""
    return Text().append(text, style)


def _components(rows: list[Mapping[str, Any]]) -> tuple[list[str], list[str]]:
    buttons: list[str] = []
    selects: list[str] = []
    stack = list(rows)
    while stack:
        comp = stack.pop(0)
        kind = comp.get("type")
        if kind == BUTTON:
            label = str(comp.get("label") or (comp.get("emoji") or {}).get("name") or "?")
            if comp.get("style") == LINK_STYLE and comp.get("url"):
                label += f" -> {comp['url']}"
            buttons.append(label + (" (disabled)" if comp.get("disabled") else ""))
        elif kind in SELECTS:
            options = ", ".join(str(o.get("label")) for o in comp.get("options") or [])
            placeholder = comp.get("placeholder") or comp.get("custom_id")
            selects.append(f"<{placeholder}: {options}>" if options else f"<{placeholder}>")
        stack.extend(comp.get("components") or [])
        for key in ("component", "accessory"):
            if isinstance(comp.get(key), Mapping):
                stack.append(comp[key])
    return buttons, selects


def render_choices(choices: list[dict[str, Any]], style: Style) -> str:
    """Return the autocomplete choices the bot offered, one per line."""
    if not choices:
        return style.dim("autocomplete: (no choices)")
    lines = [style.header("autocomplete choices:")]
    for choice in choices:
        name, value = str(choice.get("name")), str(choice.get("value"))
        lines.append(f"  {name}" + ("" if value == name else style.dim(f"  (= {value})")))
    return "\n".join(lines)


def render_modal(modal: Mapping[str, Any], style: Style) -> str:
    """Return the modal the bot opened, with its fields and how to submit it."""
    fields: list[str] = []
    stack = list(modal.get("components") or [])
    while stack:
        comp = stack.pop(0)
        if comp.get("type") == 18 and isinstance(comp.get("component"), Mapping):
            inner = comp["component"]
            if inner.get("type") == 4:
                fields.append(_field(str(comp.get("label")), inner))
            continue
        if comp.get("type") == 4:
            fields.append(_field(str(comp.get("label")), comp))
        stack.extend(comp.get("components") or [])
    lines = [style.header(f"confbot opened a form: {modal.get('title', '')}")]
    lines.extend(f"  {field}" for field in fields)
    lines.append(style.dim('  fill it in with :submit LABEL="value" ...'))
    return "\n".join(lines)


def _field(label: str, text_input: Mapping[str, Any]) -> str:
    required = " (required)" if text_input.get("required", True) else ""
    value = f' = "{text_input["value"]}"' if text_input.get("value") else ""
    return f"{label}{required}{value}"
