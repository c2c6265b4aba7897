"""The ``/about`` text."""

from __future__ import annotations

from bot.rendering.text import neutralise
from bot.schedule.model import Conference


def about_text(conference: Conference, zone: str, version: str) -> str:
    """Return the one-paragraph answer to ``/about``."""
    lines = [
        f"**{neutralise(conference.name)}**",
        f"Conference time zone: {zone}",
    ]
    if conference.url:
        lines.append(f"More: <{conference.url}>")
    lines.append(
        f"confbot {version}: schedule answers in your own time zone. /help lists every command."
    )
    return "\n".join(lines)
