"""Show what the bot sent as plain (or coloured) text: a readable transcript."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TextIO

EPHEMERAL = 1 << 6
LOADING = 1 << 7
BUTTON, SELECTS = 2, (3, 5, 6, 7, 8)
LINK_STYLE = 5

Message = Mapping[str, Any]
# Say where a message went, e.g. "#general" or "DM to alice", from its channel id.
Locate = Callable[[int], str]


@dataclass(frozen=True)
class Style:
    """ANSI colours, or none at all."""

    enabled: bool = False

    @classmethod
    def for_stream(cls, stream: TextIO, environ: Mapping[str, str] | None = None) -> Style:
        """Colour only a terminal, and only when ``NO_COLOR`` is not set."""
        env = os.environ if environ is None else environ
        isatty = getattr(stream, "isatty", None)
        return cls(enabled=bool(isatty and isatty()) and not env.get("NO_COLOR"))

    def _paint(self, code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.enabled and text else text

    def header(self, text: str) -> str:
        """Return ``text`` bold cyan."""
        return self._paint("1;36", text)

    def dim(self, text: str) -> str:
        """Return ``text`` dimmed."""
        return self._paint("2", text)

    def error(self, text: str) -> str:
        """Return ``text`` red."""
        return self._paint("31", text)

    def accent(self, text: str) -> str:
        """Return ``text`` yellow."""
        return self._paint("33", text)


def render_message(message: Message, where: str, style: Style, *, edited: bool = False) -> str:
    """Return one bot message: where it went, its text, embeds, buttons and files."""
    flags = int(message.get("flags") or 0)
    verb = "edited a message in" if edited else "in"
    private = " (only you)" if flags & EPHEMERAL else ""
    lines = [style.header(f"confbot {verb} {where}") + style.dim(private) + style.header(":")]
    body = [*str(message.get("content") or "").splitlines()]
    for embed in message.get("embeds") or []:
        body.extend(_embed_lines(embed, style))
    buttons, selects = _components(message.get("components") or [])
    if buttons:
        body.append(" ".join(style.accent(f"[{b}]") for b in buttons))
    body.extend(style.accent(s) for s in selects)
    for attachment in message.get("attachments") or []:
        body.append(style.dim(f"(attachment: {attachment.get('filename')})"))
    if flags & LOADING and not body:
        body.append(style.dim("(thinking...)"))
    if not body:
        body.append(style.dim("(empty message)"))
    lines.extend(f"  {line}" for line in body)
    return "\n".join(lines)


def _embed_lines(embed: Mapping[str, Any], style: Style) -> list[str]:
    lines: list[str] = []
    author = (embed.get("author") or {}).get("name")
    if author:
        lines.append(style.dim(str(author)))
    if embed.get("title"):
        title = str(embed["title"])
        lines.append(style.header(title) + (f" <{embed['url']}>" if embed.get("url") else ""))
    lines.extend(str(embed.get("description") or "").splitlines())
    for fld in embed.get("fields") or []:
        value = str(fld.get("value") or "").splitlines() or [""]
        lines.append(f"{style.accent(str(fld.get('name')))}: {value[0]}")
        lines.extend(f"  {more}" for more in value[1:])
    footer = (embed.get("footer") or {}).get("text")
    if footer:
        lines.append(style.dim(f"-- {footer}"))
    return [f"| {line}" if line else "|" for line in lines] or ["| (empty embed)"]


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
