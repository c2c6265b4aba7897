"""Which role follows a track: configured by id or name, else "Track: <name>".

Room posts ping the role of their session's track. Roles live in Discord, so the Discord
layer hands the service a :class:`RoleDirectory` (the reminders cog, once loaded); without
one (a benchmark, a bot without the cog) room posts ping nobody.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from bot.schedule.model import Track

__all__ = ["NoRoles", "RoleDirectory", "track_role_name", "track_role_ref"]


class RoleDirectory(Protocol):
    """Role ids for roles named by id or by name."""

    def role_id(self, configured: int | str) -> int | None:
        """Return the id of the role ``configured`` names, or ``None`` if none is visible."""
        ...


class NoRoles:
    """A directory that sees no role (no Discord connection, or the cog is not loaded)."""

    def role_id(self, configured: int | str) -> int | None:
        """Return ``None``: no role is visible."""
        return None


def track_role_name(track_name: str) -> str:
    """Return the name of the role that follows a track (roles are at most 100 characters)."""
    return f"Track: {track_name}"[:100]


def track_role_ref(
    track_id: str, track: Track | None, configured: Mapping[str, int | str]
) -> int | str | None:
    """Return the role that follows ``track_id``: configured (id or name), else by its name.

    ``None`` when nothing is configured and the track is not in the schedule.
    """
    role = configured.get(track_id)
    if role is not None:
        return role
    return track_role_name(track.name) if track is not None else None
