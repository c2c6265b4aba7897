"""The texts of ``/conference status`` and ``/conference upcoming`` (pure: facts in, text out)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.answers.reader import Reader
from bot.delivery.contracts import KindCounts
from bot.rendering.text import plural
from bot.timezones import discord_timestamp, format_time

# What each outbox kind is called for organisers.
KIND_NAMES = {
    "reminder": "Reminders",
    "digest": "Morning digests",
    "room_post": "Room posts",
    "announcement": "Announcements",
    "speaker_dm": "Speaker heads-ups",
    "text": "Moderation log and notices",
    "scheduled_event": "Discord event changes",
}
SAMPLE_LIMIT = 300


@dataclass(frozen=True, slots=True)
class StatusFacts:
    """What the bot knows about itself for ``/conference status``."""

    schedule_source: str
    schedule_loaded_at: datetime
    sessions: int
    subscriptions: int
    deliveries: Mapping[str, KindCounts]
    next_due: datetime | None
    database_bytes: int | None
    started_at: datetime
    now: datetime
    latency_seconds: float | None
    version: str
    # PostgreSQL: the process holding the lease and since when, and those standing by.
    postgresql: bool = False
    active_instance: tuple[str, datetime] | None = None
    standbys: tuple[str, ...] = ()
    features: tuple[str, ...] = ()
    """Lines other features add (the Discord event mirror)."""


def kind_name(kind: str) -> str:
    """Return the organisers' name for an outbox kind."""
    return KIND_NAMES.get(kind, kind)


def _duration(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [f"{days} d"] if days else []
    return " ".join([*parts, f"{hours} h {minutes:02d} min"])


def _size(size: int | None) -> str:
    if size is None:
        return "in memory"
    return f"{size / 1024:.0f} KiB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MiB"


def status_text(facts: StatusFacts, reader: Reader) -> str:
    """Return the status report, times in the reader's zone."""
    loaded = format_time(facts.schedule_loaded_at, reader.zone, clock=reader.clock)
    lines = [
        "**Conference status**",
        f"Schedule: `{facts.schedule_source}`, loaded {loaded}",
        f"Sessions: {facts.sessions} · subscriptions: {facts.subscriptions}",
        "**Deliveries** (pending / sent / late / skipped / failed)",
    ]
    if not facts.deliveries:
        lines.append("nothing queued or sent yet")
    for kind, counts in facts.deliveries.items():
        lines.append(
            f"{kind_name(kind)}: {counts.pending} / {counts.sent} / {counts.late} / "
            f"{counts.skipped} / {counts.failed}"
        )
    if facts.next_due is not None:
        next_due = format_time(facts.next_due, reader.zone, clock=reader.clock)
        lines.append(f"Next due: {next_due} ({discord_timestamp(facts.next_due, 'R')})")
    else:
        lines.append("Next due: nothing pending")
    lines.extend(facts.features)
    latency = (
        "unknown"
        if facts.latency_seconds is None or facts.latency_seconds != facts.latency_seconds
        else f"{facts.latency_seconds * 1000:.0f} ms"
    )
    lines += [
        # Discord counts invalid requests per IP; the bot sees only its own refusals, which
        # the delivery engine records per row as failures (above), not per 10 minutes.
        "Invalid requests (last 10 min): not tracked by the bot; refused deliveries count"
        " as failed above",
        "Database: PostgreSQL" if facts.postgresql else f"Database: {_size(facts.database_bytes)}",
        f"Uptime: {_duration(facts.now - facts.started_at)}",
        f"Gateway latency: {latency}",
        f"Version: {facts.version}",
    ]
    if facts.postgresql:
        lines.insert(-4, _instances_line(facts))
    return "\n".join(lines)


def _instances_line(facts: StatusFacts) -> str:
    standing_by = ", ".join(f"`{name}`" for name in facts.standbys) or "none"
    if facts.active_instance is None:
        return f"Active instance: none holds the lease · standing by: {standing_by}"
    name, since = facts.active_instance
    held = _duration(facts.now - since)
    return f"Active instance: `{name}`, for {held} · standing by: {standing_by}"


@dataclass(frozen=True, slots=True)
class UpcomingKind:
    """Pending rows of one kind in the window, with one of them rendered."""

    kind: str
    count: int
    recipients: int
    first_due: datetime
    sample: str | None


def upcoming_text(groups: Sequence[UpcomingKind], hours: int, reader: Reader) -> str:
    """Return what the bot will send in the next ``hours``, grouped by kind, with samples."""
    if not groups:
        return f"Nothing is due in the next {plural(hours, 'hour')}."
    lines = [f"**Due in the next {plural(hours, 'hour')}**"]
    for group in groups:
        first = format_time(group.first_due, reader.zone, clock=reader.clock)
        audience = f" to {plural(group.recipients, 'attendee')}" if group.recipients else ""
        said = " (one of them, as it will read when sent:)" if group.sample else ""
        lines.append(
            f"**{kind_name(group.kind)}**: {plural(group.count, 'message')}{audience},"
            f" first {first}{said}"
        )
        if group.sample:
            sample = (
                group.sample
                if len(group.sample) <= SAMPLE_LIMIT
                else (group.sample[: SAMPLE_LIMIT - 1] + "…")
            )
            lines.append("> " + sample.replace("\n", "\n> "))
    text = "\n".join(lines)
    return text if len(text) <= 2000 else text[:1999] + "…"
