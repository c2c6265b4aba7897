"""Scheduled-event rules the OpenAPI schema cannot express (resources/guild-scheduled-event).

The schema gives the maximum lengths; the prose gives the minimums ("name (1-100
characters)", "description (1-1000 characters)", "location (1-100 characters)") and the
"Field Requirements By Entity Type": an EXTERNAL event needs ``entity_metadata.location``
and ``scheduled_end_time`` and no ``channel_id``; STAGE_INSTANCE and VOICE need a channel.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from confbot_dev.sandbox.spec.explain import ErrorTree, add_error

EXTERNAL = 3
CREATE_ROUTE = "POST /guilds/{guild_id}/scheduled-events"
MODIFY_ROUTE = "PATCH /guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}"


def _too_short(tree: ErrorTree, path: list[str | int]) -> None:
    add_error(tree, path, "BASE_TYPE_MIN_LENGTH", "Must be 1 or more in length.")


def _required(tree: ErrorTree, path: list[str | int]) -> None:
    add_error(tree, path, "BASE_TYPE_REQUIRED", "This field is required")


def check_scheduled_event(body: dict[str, Any], tree: ErrorTree, *, create: bool) -> None:
    """Add the prose rules' errors for a create (``create``) or modify body to ``tree``."""
    if "name" in body and body["name"] == "":
        _too_short(tree, ["name"])
    if body.get("description") == "":
        _too_short(tree, ["description"])
    metadata = body.get("entity_metadata") or {}
    if metadata.get("location") == "":
        _too_short(tree, ["entity_metadata", "location"])
    # A modify that does not name the entity type keeps the event's; only a change to
    # EXTERNAL must carry the EXTERNAL fields ("Modify Guild Scheduled Event").
    if body.get("entity_type") == EXTERNAL:
        if not metadata.get("location"):
            _required(tree, ["entity_metadata", "location"])
        if not body.get("scheduled_end_time"):
            _required(tree, ["scheduled_end_time"])
        if not create and "channel_id" not in body:
            _required(tree, ["channel_id"])
    elif create and body.get("channel_id") is None:
        _required(tree, ["channel_id"])
    start, end = body.get("scheduled_start_time"), body.get("scheduled_end_time")
    if start and end and _moment(end) <= _moment(start):
        # Discord refuses an end before the start; the docs name no code, this is ours.
        add_error(
            tree,
            ["scheduled_end_time"],
            "GUILD_SCHEDULED_EVENT_END_BEFORE_START",
            "The end must be after the start.",
        )


def _moment(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))
