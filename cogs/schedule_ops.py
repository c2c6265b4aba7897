"""Moderators' schedule operations: reload the source, upload a file; the refresh job.

The core is :class:`~bot.programme.live.LiveSchedule`; this cog resolves the channels
it posts to, renders subscribers' change DMs in their zone, and answers
``/conference reload`` and ``/conference upload`` (declared in ``cogs/conference.py``
with the rest of that group) through :meth:`ScheduleOps.reload` and
:meth:`ScheduleOps.upload`.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from bot.delivery import RenderContext
from bot.errors import UserError
from bot.interaction_errors import defer_ephemeral
from bot.programme.apply import SCHEDULE_CHANGE_KIND, Applied
from bot.programme.live import Prepared, change_summary
from bot.programme.notices import MESSAGE_LIMIT, ChangeNotice, dm_text, notice_line, notices_for
from bot.programme.refresh import MAX_BYTES, SourceError, source_name
from bot.rendering.text import neutralise
from bot.schedule.model import Schedule
from bot.storage.repositories.outbox import OutboxItem
from cogs.checks import is_moderator
from cogs.views import InvokerView

if TYPE_CHECKING:
    from bot.app import Confbot

log = logging.getLogger(__name__)

NOBODY = discord.AllowedMentions.none()
# Changes listed in an upload's preview; the rest are counted.
PREVIEW_LINES = 10


def upload_preview(prepared: Prepared, current: Schedule, name: str, zone: str) -> str:
    """Return what an upload would change, for the moderator to confirm (within 2,000)."""
    sessions = sum(1 for session in prepared.live.sessions if not session.cancelled)
    head = (
        f"**{neutralise(name)}** is valid: {sessions} sessions. "
        f"Changes: {change_summary(prepared.diff)}."
    )
    notices = notices_for(prepared.diff, current, prepared.live)
    lines = [f"- {notice_line(notice, zone, timestamp=False)}" for notice in notices]
    shown = lines[:PREVIEW_LINES]
    if len(lines) > PREVIEW_LINES:
        shown.append(f"…and {len(lines) - PREVIEW_LINES} more.")
    tail = "Apply it? Subscribers of changed sessions get a DM; the change is posted."
    text = "\n".join([head, *shown, tail])
    if len(text) > MESSAGE_LIMIT:
        text = "\n".join([head, f"({len(lines)} changes; too many to list here.)", tail])
    return text


class UploadDialog(InvokerView):
    """Confirm or cancel applying an uploaded schedule."""

    def __init__(self, cog: ScheduleOps, invoker_id: int, body: bytes, name: str) -> None:
        super().__init__(invoker_id)
        self.cog = cog
        self.body = body
        self.name = name

    @discord.ui.button(label="Confirm", style=discord.ButtonStyle.danger)
    async def confirm(
        self, interaction: discord.Interaction, button: discord.ui.Button[UploadDialog]
    ) -> None:
        """Apply the uploaded schedule and say what changed."""
        self.stop()
        if not is_moderator(interaction.user, self.cog.bot.config.guild):
            raise UserError("Only moderators can do that.")
        await defer_ephemeral(interaction)
        text = await self.cog.apply_upload(interaction.user, self.body, self.name)
        await interaction.edit_original_response(content=text, view=None, allowed_mentions=NOBODY)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(
        self, interaction: discord.Interaction, button: discord.ui.Button[UploadDialog]
    ) -> None:
        """Leave the schedule as it is."""
        self.stop()
        await interaction.response.edit_message(
            content="Nothing was changed.", view=None, allowed_mentions=NOBODY
        )


class ScheduleOps(commands.Cog):
    """Keep the schedule fresh; let moderators reload it or upload a new one."""

    def __init__(self, bot: Confbot) -> None:
        self.bot = bot
        self.live = bot.services.live_schedule
        self.live.on_applied = self._applied

    async def cog_load(self) -> None:
        """Render change DMs; start refreshing once channels are known."""
        self.bot.services.delivery.register(SCHEDULE_CHANGE_KIND, self.render_change)
        self.bot.when_ready(self._start_refreshing)

    async def cog_unload(self) -> None:
        """Stop refreshing and rendering (rows stay queued)."""
        self.live.stop()
        self.bot.services.delivery.unregister(SCHEDULE_CHANGE_KIND)

    async def _start_refreshing(self) -> None:
        self.live.start()

    async def _applied(self, applied: Applied) -> None:
        # Other features (speakers' heads-ups) re-plan on ``on_schedule_applied``.
        self.bot.dispatch("schedule_applied", applied)

    async def render_change(self, item: OutboxItem, context: RenderContext) -> str:
        """Word a change for the subscriber, in their zone and clock."""
        notice = ChangeNotice.from_payload(item.payload)
        reader = await self.bot.reader(item.target_user_id or 0)
        text = dm_text(notice, reader.zone, clock=reader.clock)
        if context.lateness.total_seconds() >= 60:
            text = "(Sent late: the bot could not send this earlier.)\n" + text
        return text

    # -- what /conference reload and /conference upload call (cogs/conference.py) -----

    async def reload(self, interaction: discord.Interaction) -> None:
        """Answer ``reload``: refresh from the source, forced; say what happened."""
        await defer_ephemeral(interaction)
        outcome = await self.live.refresh(force=True)
        source = neutralise(source_name(self.bot.config.schedule.source))
        if outcome.status == "failed":
            text = f"The schedule was not changed: {neutralise(outcome.reason or '')}"
        elif outcome.applied is not None:
            text = f"Reloaded {source}: {change_summary(outcome.applied.diff)}."
        else:
            text = f"Reloaded {source}: it has not changed."
        text = text[:MESSAGE_LIMIT]
        await self.live.report(f"{_who(interaction.user)} ran schedule reload. {text}")
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=NOBODY)

    async def upload(self, interaction: discord.Interaction, file: discord.Attachment) -> None:
        """Answer ``upload``: validate the file and offer Confirm/Cancel with a preview."""
        await defer_ephemeral(interaction)
        if file.size > MAX_BYTES:
            raise UserError(f"That file is larger than {MAX_BYTES // 1_000_000} MB.")
        body = await file.read()
        name = file.filename
        try:
            prepared = self.live.prepare(body, name=name)
        except SourceError as error:
            text = f"{neutralise(name)} was not applied: {neutralise(error.reason)}"[:MESSAGE_LIMIT]
            await self.live.report(f"{_who(interaction.user)} uploaded a schedule. {text}")
            await interaction.followup.send(text, ephemeral=True, allowed_mentions=NOBODY)
            return
        await self.live.report(
            f"{_who(interaction.user)} uploaded {neutralise(name)} "
            f"({change_summary(prepared.diff)}); waiting for Confirm."
        )
        services = self.bot.services
        preview = upload_preview(prepared, services.live, name, services.conference_zone)
        await UploadDialog(self, interaction.user.id, body, name).send(interaction, preview)

    async def apply_upload(self, user: discord.abc.User, body: bytes, name: str) -> str:
        """Apply a confirmed upload; return the sentence for the moderator."""
        try:
            applied = await self.live.apply_upload(body, name=name)
        except SourceError as error:
            text = f"{neutralise(name)} was not applied: {neutralise(error.reason)}"[:MESSAGE_LIMIT]
        else:
            text = f"Applied {neutralise(name)}: {change_summary(applied.diff)}."
        await self.live.report(f"{_who(user)} confirmed the upload. {text}")
        return text


def _who(user: discord.abc.User) -> str:
    return f"{neutralise(user.name)} ({user.id})"


async def setup(bot: Confbot) -> None:
    """Load the cog (discord.py's extension entry point)."""
    await bot.add_cog(ScheduleOps(bot))
