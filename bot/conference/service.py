"""Conference operations for moderators: the bot's status, what it will send, the schedule.

:class:`ConferenceService` is the only API the ``/conference`` cog calls. It reads the
facts (the delivery engine's counts and pending rows, the database, the schedule),
runs the programme's operations (a forced reload, an upload validated then applied on
Confirm) through :class:`~bot.programme.live.LiveSchedule`, writes what moderators did
to the moderation log, and returns the texts. It knows nothing of Discord: who asked
comes in as ids and names.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.answers.reader import Reader, reader_for
from bot.conference.status import StatusFacts, UpcomingKind, status_text, upcoming_text
from bot.conference.texts import (
    Moderator,
    applied_text,
    not_applied_text,
    reload_text,
    too_large_text,
    upload_preview,
    who,
)
from bot.core import Core
from bot.errors import UserError
from bot.moderation import ModerationLog
from bot.programme.live import LiveSchedule, change_summary
from bot.programme.refresh import MAX_BYTES, SourceError, source_name
from bot.rendering.text import neutralise
from bot.storage.repositories.leases import ACTIVE_LEASE

__all__ = [
    "UPCOMING_DEFAULT_HOURS",
    "UPCOMING_MAX_HOURS",
    "UPCOMING_MIN_HOURS",
    "ConferenceService",
    "UploadChoices",
    "UploadPreview",
]

# How far ``/conference upcoming`` looks ahead, in hours: the option's declared bounds,
# kept by Discord's client and checked again by the command tree (``bot/option_bounds.py``).
UPCOMING_MIN_HOURS = 1
UPCOMING_MAX_HOURS = 72
UPCOMING_DEFAULT_HOURS = 3

# A refused upload that needs a choice names the command's option for it, not a flag.
UPLOAD_HINTS = {
    "format": "choose it in the format option of /conference upload",
    "zone": "choose it in the timezone option of /conference upload",
}


@dataclass(frozen=True, slots=True)
class UploadChoices:
    """What the moderator chose with the file: its format and the zone of its times."""

    format: str | None = None
    zone: str | None = None


@dataclass(frozen=True, slots=True)
class UploadPreview:
    """What an uploaded file would change (``confirmable``), or why it was refused."""

    text: str
    confirmable: bool


def database_bytes(path: Path) -> int | None:
    """Return the database's size on disk with its -wal and -shm files, ``None`` if absent.

    In WAL mode recent writes live in ``<name>-wal`` until a checkpoint: the main file
    alone can be a fraction of what the database takes.
    """
    try:
        size = path.stat().st_size
    except OSError:
        return None  # in memory, or not created yet
    for suffix in ("-wal", "-shm"):
        with contextlib.suppress(OSError):
            size += path.with_name(path.name + suffix).stat().st_size
    return size


StatusLine = Callable[[], Awaitable[str | None]]


class ConferenceService:
    """The bot's state, what it will send, and the schedule's reload and upload."""

    def __init__(self, core: Core, live: LiveSchedule, moderation: ModerationLog) -> None:
        self._core = core
        self._live = live
        self._moderation = moderation
        # Built when the services open, with the schedule loaded just before.
        self.started_at = core.clock.now()
        self._status_lines: list[StatusLine] = []

    def add_status_line(self, line: StatusLine) -> None:
        """Add a feature's line to ``/conference status`` (``None``: nothing to say)."""
        self._status_lines.append(line)

    # -- the refresh job ---------------------------------------------------------------

    async def start(self) -> None:
        """Refresh the schedule now, then every N minutes (once channels are known)."""
        self._live.start()

    def stop(self) -> None:
        """Stop refreshing the schedule."""
        self._live.stop()

    # -- status and upcoming -----------------------------------------------------------

    async def status(self, user_id: int, *, latency_seconds: float, version: str) -> str:
        """Return the status report for ``user_id``, times in their zone.

        ``latency_seconds`` is the gateway's (infinite or NaN before the first heartbeat).
        """
        core = self._core
        database_file = core.config.storage.database
        # A PostgreSQL server's size is not ours to report.
        size = database_bytes(database_file) if isinstance(database_file, Path) else None
        latency: float | None = latency_seconds
        if math.isinf(latency_seconds) or math.isnan(latency_seconds):
            latency = None  # no heartbeat answered yet
        facts = StatusFacts(
            schedule_source=str(core.config.schedule.source),
            schedule_loaded_at=self.started_at,
            sessions=len(core.schedule.sessions),
            subscriptions=await core.database.subscriptions.count(),
            deliveries=await core.delivery.delivery_counts(),
            next_due=await core.delivery.next_due_at(),
            database_bytes=size,
            started_at=self.started_at,
            now=core.clock.now(),
            latency_seconds=latency,
            version=version,
            **await self._instances(),
            features=await self._feature_lines(),
        )
        return status_text(facts, await self._reader(user_id))

    async def _instances(self) -> dict[str, Any]:
        """Return who holds the lease and who stands by (PostgreSQL only)."""
        core = self._core
        if not core.config.storage.is_postgresql:
            return {}
        lease = await core.database.leases.current(ACTIVE_LEASE)
        now = core.clock.now()
        active = None
        if lease is not None and lease.expires_at > now:
            active = (lease.holder, lease.acquired_at)
        # Standbys try every third of the takeover time: two takeovers without a sign is gone.
        recent = now - timedelta(seconds=2 * core.config.storage.takeover_seconds)
        seen = await core.database.leases.seen_since(recent)
        standbys = tuple(name for name in seen if active is None or name != active[0])
        return {"postgresql": True, "active_instance": active, "standbys": standbys}

    async def _feature_lines(self) -> tuple[str, ...]:
        lines = [await provider() for provider in self._status_lines]
        return tuple(line for line in lines if line is not None)

    async def upcoming(self, user_id: int, hours: int) -> str:
        """Return what the bot will send in the next ``hours``, by kind, with a sample each."""
        now = self._core.clock.now()
        samples = await self._core.delivery.pending_samples(now + timedelta(hours=hours), now)
        groups = [
            UpcomingKind(
                kind=pending.kind,
                count=pending.count,
                recipients=pending.recipients,
                first_due=pending.first_due,
                sample=rendered.content if rendered is not None else None,
            )
            for pending, rendered in samples
        ]
        return upcoming_text(groups, hours, await self._reader(user_id))

    async def _reader(self, user_id: int) -> Reader:
        return await reader_for(self._core.database, user_id, self._core.conference_zone)

    # -- reload and upload -------------------------------------------------------------

    async def reload(self, moderator: Moderator) -> str:
        """Read the source again, forced, and apply it; log it; return what happened."""
        outcome = await self._live.refresh(force=True)
        text = reload_text(outcome, source_name(self._core.config.schedule.source))
        await self._moderation.report(f"{who(moderator)} ran schedule reload. {text}")
        return text

    def check_upload_size(self, size: int) -> None:
        """Refuse a file too large to read (before it is downloaded).

        :raises UserError: ``size`` is over the limit of a schedule source.
        """
        if size > MAX_BYTES:
            raise UserError(too_large_text())

    async def preview_upload(
        self, moderator: Moderator, body: bytes, name: str, choices: UploadChoices | None = None
    ) -> UploadPreview:
        """Validate an uploaded file; log it; return what applying it would change."""
        choices = choices or UploadChoices()
        try:
            prepared = self._live.prepare(
                body, name=name, format=choices.format, zone=choices.zone, hints=UPLOAD_HINTS
            )
        except SourceError as error:
            text = not_applied_text(name, error.reason)
            await self._moderation.report(f"{who(moderator)} uploaded a schedule. {text}")
            return UploadPreview(text, confirmable=False)
        await self._moderation.report(
            f"{who(moderator)} uploaded {neutralise(name)} "
            f"({change_summary(prepared.diff)}); waiting for Confirm."
        )
        core = self._core
        return UploadPreview(
            upload_preview(prepared, core.live, name, core.conference_zone), confirmable=True
        )

    async def apply_upload(
        self, moderator: Moderator, body: bytes, name: str, choices: UploadChoices | None = None
    ) -> str:
        """Apply a confirmed upload (validated again); log it; return the sentence."""
        choices = choices or UploadChoices()
        try:
            applied = await self._live.apply_upload(
                body, name=name, format=choices.format, zone=choices.zone, hints=UPLOAD_HINTS
            )
        except SourceError as error:
            text = not_applied_text(name, error.reason)
        else:
            text = applied_text(name, applied.diff)
        await self._moderation.report(f"{who(moderator)} confirmed the upload. {text}")
        return text
