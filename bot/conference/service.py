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

__all__ = [
    "UPCOMING_DEFAULT_HOURS",
    "UPCOMING_MAX_HOURS",
    "UPCOMING_MIN_HOURS",
    "ConferenceService",
    "UploadPreview",
]

# How far ``/conference upcoming`` looks ahead, in hours: the option's declared bounds,
# kept by Discord's client and checked again by the command tree (``bot/option_bounds.py``).
UPCOMING_MIN_HOURS = 1
UPCOMING_MAX_HOURS = 72
UPCOMING_DEFAULT_HOURS = 3


@dataclass(frozen=True, slots=True)
class UploadPreview:
    """What an uploaded file would change (``confirmable``), or why it was refused."""

    text: str
    confirmable: bool


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
        size = None
        with contextlib.suppress(OSError):
            size = Path(core.config.storage.database).stat().st_size
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
            features=await self._feature_lines(),
        )
        return status_text(facts, await self._reader(user_id))

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

    async def preview_upload(self, moderator: Moderator, body: bytes, name: str) -> UploadPreview:
        """Validate an uploaded file; log it; return what applying it would change."""
        try:
            prepared = self._live.prepare(body, name=name)
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

    async def apply_upload(self, moderator: Moderator, body: bytes, name: str) -> str:
        """Apply a confirmed upload (validated again); log it; return the sentence."""
        try:
            applied = await self._live.apply_upload(body, name=name)
        except SourceError as error:
            text = not_applied_text(name, error.reason)
        else:
            text = applied_text(name, applied.diff)
        await self._moderation.report(f"{who(moderator)} confirmed the upload. {text}")
        return text
