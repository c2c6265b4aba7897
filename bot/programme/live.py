"""The live schedule: refreshed from its source on the bot's clock, replaced only by a good one.

:class:`LiveSchedule` owns the refresh job (a key on the :class:`~bot.scheduler.KeyedScheduler`,
so the demo's simulated clock drives it), the moderation-log reports of failed fetches
(one per distinct reason), and the two other ways a schedule arrives: a moderator's
upload (prepared, shown, then committed) and a ``confbot import`` staged in the database.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Literal

from bot.channels import ChannelDirectory
from bot.core import Core
from bot.errors import DatabaseBusyError, error_code
from bot.moderation import ModerationLog
from bot.programme.apply import Applied, NoticeTargets, ScheduleApplier
from bot.programme.refresh import (
    ETAG_KEY,
    FAILURE_KEY,
    IMPORT_APPLIED_KEY,
    IMPORT_SOURCE,
    LAST_MODIFIED_KEY,
    SOURCE_HASH_KEY,
    SOURCE_HINTS,
    Fetched,
    LastGood,
    SourceError,
    content_hash,
    fetch_source,
    parse_source,
    source_key,
    source_name,
)
from bot.schedule.diff import ScheduleDiff, carry_cancelled, diff_schedules
from bot.schedule.model import Schedule

__all__ = ["REFRESH_JOB", "LiveSchedule", "Outcome", "Prepared", "change_summary"]

log = logging.getLogger(__name__)

REFRESH_JOB = "schedule:refresh"


@dataclass(frozen=True, slots=True)
class Prepared:
    """A validated schedule, what it would change, and the copy to keep if applied."""

    live: Schedule
    diff: ScheduleDiff
    copy: LastGood
    content_hash: str


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one refresh did: ``applied``, ``unchanged`` or ``failed`` (with the reason)."""

    status: Literal["applied", "unchanged", "failed"]
    applied: Applied | None = None
    reason: str | None = None


class LiveSchedule:
    """Refresh, validate and apply schedules; report what failed to the moderation log."""

    def __init__(
        self,
        services: Core,
        *,
        applier: ScheduleApplier,
        channels: ChannelDirectory,
        moderation: ModerationLog,
    ) -> None:
        self._services = services
        self._channels = channels
        self._moderation = moderation
        self.applier = applier
        # Told after every apply (the Discord layer lets other features re-plan).
        self.on_applied: Callable[[Applied], Awaitable[None]] | None = None
        # One apply at a time: the refresh job, /reload and an upload's Confirm may overlap.
        self._lock = asyncio.Lock()

    # -- the job ---------------------------------------------------------------------

    def start(self) -> None:
        """Refresh now (what changed while the bot was down), then every N minutes."""
        self._services.scheduler.schedule_at(REFRESH_JOB, self._services.clock.now(), self._tick)

    def stop(self) -> None:
        """Stop refreshing."""
        self._services.scheduler.cancel(REFRESH_JOB)

    async def _tick(self) -> None:
        try:
            await self.refresh()
        except DatabaseBusyError:
            # Another process held the database past the busy timeout: nothing was applied
            # (the apply is one transaction), and the next tick tries again.
            log.warning("schedule refresh postponed: the database is busy")
        finally:
            minutes = self._services.config.schedule.refresh_minutes
            if minutes:
                when = self._services.clock.now() + timedelta(minutes=minutes)
                self._services.scheduler.schedule_at(REFRESH_JOB, when, self._tick)

    # -- refresh ---------------------------------------------------------------------

    async def refresh(self, *, force: bool = False) -> Outcome:
        """Fetch the source and apply it if it changed; a bad fetch changes nothing.

        ``force`` (``/conference reload``) sends no validators and applies the source
        even if it is the copy fetched last (an upload since then is replaced).
        """
        async with self._lock:
            staged = await self._apply_staged_import()
            outcome = await self._refresh_source(force=force)
            if staged is not None and outcome.status == "unchanged":
                return Outcome("applied", staged)
            return outcome

    async def _refresh_source(self, *, force: bool) -> Outcome:
        services = self._services
        config = services.config.schedule
        meta = services.database.meta
        try:
            fetched = await fetch_source(
                config.source,
                etag=None if force else await meta.get(ETAG_KEY),
                last_modified=None if force else await meta.get(LAST_MODIFIED_KEY),
                timeout=config.fetch_timeout_seconds,
            )
            if fetched is None:
                await self._recovered()
                return Outcome("unchanged")
            digest = fetched.content_hash
            if not force and digest == await meta.get(SOURCE_HASH_KEY):
                await self._remember(fetched, digest)
                await self._recovered()
                return Outcome("unchanged")
            path = config.source if isinstance(config.source, Path) else None
            prepared = self.prepare(fetched.body, name=fetched.name, path=path)
        except SourceError as error:
            await self._failed(error.reason)
            return Outcome("failed", reason=error.reason)
        applied = await self._commit(prepared)
        # The validators only after the apply: a crash in between fetches again.
        await self._remember(fetched, prepared.content_hash)
        await self._recovered()
        return Outcome("applied", applied)

    async def _remember(self, fetched: Fetched, digest: str) -> None:
        """Keep what the next fetch sends (ETag, Last-Modified) and compares (the hash)."""
        meta = self._services.database.meta
        await meta.set(SOURCE_HASH_KEY, digest)
        for key, value in ((ETAG_KEY, fetched.etag), (LAST_MODIFIED_KEY, fetched.last_modified)):
            if value:
                await meta.set(key, value)
            else:
                await meta.delete(key)

    async def _apply_staged_import(self) -> Applied | None:
        database = self._services.database
        staged = await database.snapshots.latest(IMPORT_SOURCE)
        if staged is None or await database.meta.get(IMPORT_APPLIED_KEY) == str(staged.id):
            return None
        await database.meta.set(IMPORT_APPLIED_KEY, str(staged.id))
        try:
            copy = LastGood.from_json(staged.body)
            prepared = self.prepare(
                copy.text.encode(), name=copy.name, format=copy.format, zone=copy.zone
            )
        except SourceError as error:
            await self.report(f"The imported schedule was not applied: {error.reason}")
            return None
        try:
            applied = await self._commit(prepared)
        except Exception:
            # Marked applied above, so it is not retried every refresh: told once, here.
            code = error_code()
            log.exception("applying the schedule from confbot import failed (code %s)", code)
            await self.report(
                f"The imported schedule was not applied: an unexpected error (code {code}); "
                "nothing changed. Run `confbot import` again to retry."
            )
            return None
        await self.report(
            f"Applied the schedule from `confbot import` ({change_summary(applied.diff)})."
        )
        return applied

    # -- uploads and their like ------------------------------------------------------

    def prepare(
        self,
        body: bytes,
        *,
        name: str,
        path: Path | None = None,
        format: str | None = None,
        zone: str | None = None,
        hints: Mapping[str, str] = SOURCE_HINTS,
    ) -> Prepared:
        """Validate ``body`` and return what applying it would change.

        ``format`` skips the detection and ``zone`` replaces the config's for times
        without one (``confbot import --format/--tz``, the upload's options); both are
        kept with the copy. ``hints`` word a refusal that needs one of them.

        :raises SourceError: it does not validate (or is not UTF-8 text).
        """
        services = self._services
        imported = parse_source(
            body,
            name=name,
            format=format,
            zone=zone or services.config.guild.zone,
            path=path,
            hints=hints,
        )
        if not any(not session.cancelled for session in imported.sessions):
            raise SourceError(f"{name}: no sessions; the schedule was not replaced with nothing")
        current = services.live
        live = carry_cancelled(current, imported)
        copy = LastGood.of(name, body, live, format=format, zone=zone)
        return Prepared(live, diff_schedules(current, imported), copy, content_hash(body))

    async def apply_upload(
        self,
        body: bytes,
        *,
        name: str,
        format: str | None = None,
        zone: str | None = None,
        hints: Mapping[str, str] = SOURCE_HINTS,
    ) -> Applied:
        """Validate ``body`` again (the schedule may have changed since) and apply it.

        :raises SourceError: it does not validate.
        """
        async with self._lock:
            prepared = self.prepare(body, name=name, format=format, zone=zone, hints=hints)
            return await self._commit(prepared)

    async def _commit(self, prepared: Prepared) -> Applied:
        services = self._services
        applied = await self.applier.apply(
            prepared.live,
            prepared.diff,
            copy=prepared.copy,
            content_hash=prepared.content_hash,
            source=source_key(services.config),
            targets=self.notice_targets(),
            now=services.clock.now(),
        )
        if self.on_applied is not None:
            await self.on_applied(applied)
        return applied

    # -- the moderation log ----------------------------------------------------------

    async def report(self, text: str) -> bool:
        """Queue ``text`` for the moderation-log channel; return whether one is configured."""
        return await self._moderation.report(text)

    def notice_targets(self) -> NoticeTargets:
        """Return the schedule-updates channel and the rooms' channels, as ids."""
        updates = self._channels.channel_id(self._services.config.guild.schedule_updates_channel)
        return NoticeTargets(updates, self._channels.room_channel_ids())

    async def _failed(self, reason: str) -> None:
        meta = self._services.database.meta
        source = source_name(self._services.config.schedule.source)
        log.warning("schedule refresh from %s failed: %s", source, reason)
        if await meta.get(FAILURE_KEY) == reason:
            return  # reported already; again only when the reason changes
        await meta.set(FAILURE_KEY, reason)
        where = "" if reason.startswith(f"{source}:") else f"{source}: "
        await self.report(
            f"Schedule refresh failed: {where}{reason}\n"
            "Nothing changed: the schedule in use stays until a fetch succeeds."
        )

    async def _recovered(self) -> None:
        meta = self._services.database.meta
        if await meta.delete(FAILURE_KEY):
            source = source_name(self._services.config.schedule.source)
            await self.report(f"Schedule refresh from {source} works again.")


def change_summary(diff: ScheduleDiff) -> str:
    """Return "2 moved, 1 cancelled" (or "no session changed") for ``diff``."""
    counts = diff.counts()
    if not counts:
        return "no session changed"
    return ", ".join(f"{count} {kind}" for kind, count in counts.items())
