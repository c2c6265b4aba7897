"""Autocomplete choices within Discord's limits, shared by every cog."""

from __future__ import annotations

from datetime import datetime

from discord import app_commands

from bot.answers.search import SearchIndex
from bot.answers.search_text import normalise, truncate_label
from bot.schedule.index import ScheduleIndex

# Discord's limits for autocomplete: 25 choices, names and values of 1-100 characters.
MAX_CHOICES = 25
MAX_CHOICE_CHARS = 100


def _choice(name: str, value: str) -> app_commands.Choice[str] | None:
    if not value or len(value) > MAX_CHOICE_CHARS:
        return None
    return app_commands.Choice(name=truncate_label(name, MAX_CHOICE_CHARS) or value, value=value)


def choices(pairs: list[tuple[str, str]]) -> list[app_commands.Choice[str]]:
    """Return (name, value) pairs as at most 25 choices, names cut to 100 characters."""
    kept = [choice for name, value in pairs if (choice := _choice(name, value)) is not None]
    return kept[:MAX_CHOICES]


def session_choices(
    search: SearchIndex, current: str, now: datetime
) -> list[app_commands.Choice[str]]:
    """Offer sessions by title or speaker, upcoming first; values are session ids."""
    matches = search.complete_sessions(current, MAX_CHOICES, after=now)
    return choices([(m.label, m.id) for m in matches])


def track_choices(index: ScheduleIndex, current: str) -> list[app_commands.Choice[str]]:
    """Offer the tracks whose name contains what was typed."""
    wanted = normalise(current[:100])
    return choices([(t.name, t.id) for t in index.tracks if wanted in normalise(t.name)])


def room_choices(index: ScheduleIndex, current: str) -> list[app_commands.Choice[str]]:
    """Offer the rooms whose name contains what was typed."""
    wanted = normalise(current[:100])
    return choices([(r.name, r.id) for r in index.rooms if wanted in normalise(r.name)])
