"""Moderators' announcements: ``/announce new|list|edit|cancel``, the preview and its buttons.

``/announce`` is a group because Discord does not let a command also be a group: one
name keeps every announcement action together, hidden behind Manage Server at its root.
Thin: the text, times and outbox rows come from ``bot/announcements/``. A draft is a row
(status ``draft``) whose id travels in the preview buttons' custom_ids
(``discord.ui.DynamicItem``), so a preview still works after a restart. Every command,
button and modal checks the moderator on the server side; the message itself is an
outbox row of kind ``announcement``, sent once at its time by the delivery engine.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.announcements.planning import (
    ANNOUNCEMENT,
    announcement_key,
    announcement_row,
    too_late,
)
from bot.announcements.text import (
    EVERYONE,
    HERE,
    Ping,
    announcement_message,
)
from bot.announcements.timing import parse_when, read_back
from bot.answers.reader import Reader
from bot.app import Confbot
from bot.delivery import RenderContext, Skip
from bot.errors import NotFoundError, UserError
from bot.interaction_errors import defer_ephemeral
from bot.rendering.outgoing import OutgoingMessage
from bot.rendering.text import neutralise
from bot.storage.repositories.announcements import Announcement
from bot.storage.repositories.outbox import OutboxItem
from bot.timezones import to_local
from cogs.announcement_views import AnnouncementButton, AnnouncementModal
from cogs.checks import MODERATOR_PERMISSIONS, moderator_only
from cogs.choices import choices
from cogs.moderation_log import log_moderator_action
from cogs.views import PersistentView

log = logging.getLogger(__name__)

# A moderator may start this many announcements per minute (each may ping a channel).
COOLDOWN_RATE, COOLDOWN_SECONDS = 5, 60.0
RECENT_LIMIT = 10


def _cooldown_key(interaction: discord.Interaction) -> tuple[int | None, int]:
    return (interaction.guild_id, interaction.user.id)


class Announcements(commands.Cog):
    """Announcements moderators post now or schedule, previewed first, logged always."""

    announce = app_commands.Group(
        name="announce",
        description="Moderators: post an announcement now or at a time",
        guild_only=True,
        default_permissions=MODERATOR_PERMISSIONS,
    )

    def __init__(self, bot: Confbot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        """Render announcement rows and answer preview buttons (old ones too)."""
        self.bot.services.delivery.register(ANNOUNCEMENT, self.render_announcement)
        self.bot.add_dynamic_items(AnnouncementButton)

    async def cog_unload(self) -> None:
        """Stop rendering (rows stay planned) and forget the buttons."""
        self.bot.services.delivery.unregister(ANNOUNCEMENT)
        self.bot.remove_dynamic_items(AnnouncementButton)

    # -- autocomplete ---------------------------------------------------------------

    async def ping_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Offer the roles the config allows to ping (and @everyone/@here if allowed)."""
        wanted = current.casefold().lstrip("@")
        pairs = [
            (f"@{role.name}", str(role.id))
            for role in self._pingable_roles(interaction.guild)
            if wanted in role.name.casefold()
        ]
        if self.bot.config.announcements.allow_everyone:
            pairs += [(f"@{word}", word) for word in (EVERYONE, HERE) if wanted in word]
        return choices(pairs)

    async def announcement_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        """Offer the latest announcements: "#3 Keynote soon (scheduled)"."""
        recent = await self.bot.services.database.announcements.recent(
            interaction.guild_id or 0, limit=25
        )
        wanted = current.casefold()
        found = [
            app_commands.Choice(name=f"#{a.id} {a.title or a.content}"[:100], value=a.id)
            for a in recent
            if wanted in f"#{a.id} {a.title} {a.content}".casefold()
        ]
        return found[:25]

    # -- commands ---------------------------------------------------------------------

    @announce.command(name="new", description="Moderators: write an announcement and preview it")
    @app_commands.describe(
        channel="Where to post it (default: the announcements channel)",
        ping="A role to ping (only roles the organisers allow)",
        when="Now (default), or a time in your zone: 15:50, in 10 minutes, tomorrow 9am",
    )
    @app_commands.autocomplete(ping=ping_autocomplete)
    @app_commands.checks.cooldown(COOLDOWN_RATE, COOLDOWN_SECONDS, key=_cooldown_key)
    @moderator_only()
    async def announce_new(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel | None = None,
        ping: str | None = None,
        when: str | None = None,
    ) -> None:
        """Check the channel, ping and time, then open the modal for title and text."""
        target = channel or self._announcements_channel(interaction.guild)
        chosen = self._ping(interaction.guild, ping)
        self._require_can_post(target, chosen)
        reader = await self.bot.reader(interaction.user.id)
        parse_when(when, reader, now=self.bot.clock.now())  # refuse a bad time before typing
        modal = AnnouncementModal(self, channel_id=target.id, ping=chosen, when=when or "now")
        await interaction.response.send_modal(modal)

    @announce.command(name="list", description="Moderators: scheduled and recent announcements")
    @moderator_only()
    async def announce_list(self, interaction: discord.Interaction) -> None:
        """List scheduled and recent announcements, times in the viewer's zone."""
        await defer_ephemeral(interaction)
        reader = await self.bot.reader(interaction.user.id)
        database = self.bot.services.database
        recent = await database.announcements.recent(interaction.guild_id or 0, RECENT_LIMIT)
        if not recent:
            await interaction.followup.send("No announcements yet.", ephemeral=True)
            return
        lines = ["**Announcements** (newest first)"]
        for announcement in recent:
            state = await self._state(announcement)
            when = read_back(announcement.post_at, reader)
            title = neutralise(announcement.title or announcement.content)[:80]
            lines.append(
                f"#{announcement.id} **{title}** in <#{announcement.channel_id}>: {state}, {when}"
            )
        await interaction.followup.send(
            "\n".join(lines)[:2000], ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
        )

    @announce.command(name="edit", description="Moderators: change an announcement")
    @app_commands.describe(announcement="The announcement (its number in /announce list)")
    @app_commands.autocomplete(announcement=announcement_autocomplete)
    @moderator_only()
    async def announce_edit(self, interaction: discord.Interaction, announcement: int) -> None:
        """Open the modal prefilled; on submit, a scheduled one changes, a posted one is edited."""
        found = await self._announcement(interaction, announcement)
        if found.status == "cancelled":
            raise UserError(f"Announcement #{found.id} was cancelled; write a new one.")
        await self._open_edit(interaction, found)

    @announce.command(name="cancel", description="Moderators: cancel a scheduled announcement")
    @app_commands.describe(announcement="The announcement (its number in /announce list)")
    @app_commands.autocomplete(announcement=announcement_autocomplete)
    @moderator_only()
    async def announce_cancel(self, interaction: discord.Interaction, announcement: int) -> None:
        """Cancel an announcement that has not been posted yet."""
        await defer_ephemeral(interaction)
        found = await self._announcement(interaction, announcement)
        await self._cancel(interaction, found)

    # -- what the buttons and the modal call ----------------------------------------------

    async def pressed(self, interaction: discord.Interaction, action: str, draft_id: int) -> None:
        """Act on a preview button (the presser is a moderator)."""
        found = await self._announcement(interaction, draft_id)
        if action == "edit":
            await self._open_edit(interaction, found)
            return
        await defer_ephemeral(interaction)
        if action == "cancel":
            await self._cancel(interaction, found)
            return
        if found.status != "draft":
            raise UserError(f"Announcement #{found.id} is already {await self._state(found)}.")
        now = self.bot.clock.now()
        due = now if action == "send" else found.post_at
        if due is None:
            raise UserError("This draft has no time: press Send now, or Edit to give it one.")
        if due < now:
            raise UserError("That time has passed: press Edit to choose another, or Send now.")
        await self._queue(interaction, found, due)

    async def submitted(
        self,
        interaction: discord.Interaction,
        modal: AnnouncementModal,
        *,
        title: str,
        body: str,
        when: str,
    ) -> None:
        """Store the modal's text as a draft (or apply an edit) and show the preview."""
        reader = await self.bot.reader(interaction.user.id)
        now = self.bot.clock.now()
        post_at = parse_when(when, reader, now=now)
        message = announcement_message(title, body, modal.ping)  # refuses empty/too long
        await defer_ephemeral(interaction)
        database = self.bot.services.database
        existing = modal.existing
        if existing is None or existing.status == "draft":
            if existing is None:
                draft = await database.announcements.create(
                    interaction.guild_id or 0,
                    modal.channel_id,
                    interaction.user.id,
                    body.strip(),
                    post_at,
                    title=" ".join(title.split()),
                    ping=modal.ping.stored(),
                    status="draft",
                )
            else:
                await database.announcements.update_draft(
                    existing.id,
                    title=" ".join(title.split()),
                    content=body.strip(),
                    post_at=post_at,
                )
                draft = await self._announcement(interaction, existing.id)
            await self._preview(interaction, draft, message, reader)
            return
        await self._apply_edit(interaction, existing, title, body, post_at, message, reader)

    # -- the outbox renderer ----------------------------------------------------------------

    async def render_announcement(
        self, item: OutboxItem, context: RenderContext
    ) -> OutgoingMessage:
        """Return the announcement as its moderator wrote it, pinging only the chosen role.

        :raises Skip: it was cancelled, or the bot could not post it within the grace
            (then the moderation log is told).
        """
        found = await self.bot.services.database.announcements.get(
            int(item.payload.get("announcement_id", 0))
        )
        if found is None or found.status == "cancelled":
            raise Skip("the announcement was cancelled")
        grace = self.bot.config.announcements.grace_minutes
        if too_late(item.due_at, context.now, timedelta(minutes=grace)):
            await log_moderator_action(
                self.bot,
                actor_id=None,
                action=(
                    f"skipped announcement #{found.id} “{neutralise(found.title)}”: it was due "
                    f"<t:{int(item.due_at.timestamp())}:F>, more than {grace} minutes ago"
                ),
                subject=f"announcement-missed:{found.id}",
                where=f"<#{found.channel_id}>",
            )
            raise Skip(f"more than {grace} minutes late")
        return announcement_message(found.title, found.content, Ping.parse(found.ping))

    # -- helpers ------------------------------------------------------------------------------

    def _announcements_channel(self, guild: discord.Guild | None) -> discord.TextChannel:
        configured = self.bot.config.guild.announcements_channel
        channel: Any = None
        if guild is not None and isinstance(configured, int):
            channel = guild.get_channel(configured)
        elif guild is not None and isinstance(configured, str):
            channel = discord.utils.get(guild.text_channels, name=configured.lstrip("#"))
        if not isinstance(channel, discord.TextChannel):
            raise UserError("There is no announcements channel configured here: choose a channel.")
        return channel

    def _pingable_roles(self, guild: discord.Guild | None) -> list[discord.Role]:
        if guild is None:
            return []
        allowed = self.bot.config.announcements.pingable_roles
        return [
            role
            for role in guild.roles
            if not role.is_default() and (role.id in allowed or role.name in allowed)
        ]

    def _ping(self, guild: discord.Guild | None, typed: str | None) -> Ping:
        """Return the ping the option names, if the config allows it.

        :raises UserError: a role not on the allow-list, or @everyone when not allowed.
        """
        if typed is None or not typed.strip():
            return Ping()
        word = typed.strip().lstrip("@").casefold()
        if word in (EVERYONE, HERE):
            if not self.bot.config.announcements.allow_everyone:
                raise UserError(f"Announcements may not ping @{word} here; choose a role.")
            return Ping(everyone=word)
        for role in self._pingable_roles(guild):
            if typed.strip() == str(role.id) or word == role.name.casefold():
                return Ping(role_id=role.id)
        raise UserError(
            f"“{neutralise(typed)[:100]}” is not a role announcements may ping; "
            "pick one from the list."
        )

    def _require_can_post(self, channel: Any, ping: Ping) -> None:
        """Stop unless the bot may post (and ping as asked) in ``channel``, overwrites included.

        :raises UserError: naming the missing permissions.
        """
        if not isinstance(channel, discord.TextChannel):
            raise UserError("Announcements go to a text channel of this server.")
        me = channel.guild.me
        permissions = channel.permissions_for(me)
        missing = []
        if not permissions.view_channel:
            missing.append("View Channel")
        if not permissions.send_messages:
            missing.append("Send Messages")
        role = channel.guild.get_role(ping.role_id) if ping.role_id is not None else None
        needs_everyone = ping.everyone is not None or (role is not None and not role.mentionable)
        if needs_everyone and not permissions.mention_everyone:
            missing.append("Mention @everyone, @here and All Roles")
        if missing:
            raise UserError(
                f"I may not post that in {channel.mention}: I lack "
                f"{', '.join(missing)} there. Nothing was queued."
            )

    async def _announcement(self, interaction: discord.Interaction, number: int) -> Announcement:
        found = await self.bot.services.database.announcements.get(number)
        if found is None or found.guild_id != (interaction.guild_id or 0):
            raise NotFoundError(f"There is no announcement #{number}; see /announce list.")
        return found

    async def _state(self, announcement: Announcement) -> str:
        """Return "draft", "scheduled", "posted", "skipped", "failed" or "cancelled"."""
        if announcement.status in ("draft", "cancelled") or announcement.outbox_key is None:
            return announcement.status
        row = await self.bot.services.database.outbox.get(announcement.outbox_key)
        if row is None or row.status in ("pending", "sending"):
            return "scheduled"
        return {"sent": "posted"}.get(row.status, row.status)

    async def _open_edit(self, interaction: discord.Interaction, found: Announcement) -> None:
        reader = await self.bot.reader(interaction.user.id)
        when = "now"
        if found.post_at is not None and found.post_at > self.bot.clock.now():
            when = f"{to_local(found.post_at, reader.zone):%Y-%m-%d %H:%M}"
        modal = AnnouncementModal(
            self,
            channel_id=found.channel_id,
            ping=Ping.parse(found.ping),
            when=when,
            existing=found,
        )
        await interaction.response.send_modal(modal)

    async def _preview(
        self,
        interaction: discord.Interaction,
        draft: Announcement,
        message: OutgoingMessage,
        reader: Reader,
    ) -> None:
        """Show the announcement exactly as it will appear, the time read back, and buttons."""
        timing = read_back(draft.post_at, reader)
        actions = (
            ["send", "schedule", "edit", "cancel"] if draft.post_at else ["send", "edit", "cancel"]
        )
        view = PersistentView([AnnouncementButton(action, draft.id) for action in actions])
        info = discord.Embed(
            title=f"Preview of announcement #{draft.id}",
            description=(
                f"Goes to <#{draft.channel_id}> {'at ' if draft.post_at else ''}{timing}; "
                f"pings {Ping.parse(draft.ping).mention or 'nobody'}.\n"
                "Above is exactly what will be posted. Send now, Schedule, Edit or Cancel."
            ),
        )
        await interaction.followup.send(
            message.content,
            embed=info,
            view=view,
            ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none(),
        )

    async def _queue(
        self, interaction: discord.Interaction, draft: Announcement, due: datetime
    ) -> None:
        """Turn a draft into one outbox row (due now or at its time), log it, say when."""
        self._require_can_post(
            interaction.guild.get_channel(draft.channel_id) if interaction.guild else None,
            Ping.parse(draft.ping),
        )
        services = self.bot.services
        key = announcement_key(draft.id)
        row = announcement_row(services.delivery, draft.id, draft.channel_id, due)
        async with services.database.transaction():
            if not await services.database.announcements.mark_scheduled(draft.id, due, key):
                raise UserError(f"Announcement #{draft.id} was already sent or cancelled.")
            await services.database.outbox.enqueue_many([row])
        await services.delivery.rearm()
        reader = await self.bot.reader(interaction.user.id)
        now = self.bot.clock.now()
        what = f"announcement #{draft.id} “{neutralise(draft.title)}”"
        await log_moderator_action(
            self.bot,
            actor_id=interaction.user.id,
            action=(
                f"posted {what}"
                if due <= now
                else f"scheduled {what} for <t:{int(due.timestamp())}:F>"
            ),
            subject=key,
            where=f"<#{draft.channel_id}>",
        )
        if due <= now:
            # The engine's wake-up sends it within moments; answering does not wait for it.
            text = f"Posting announcement #{draft.id} in <#{draft.channel_id}> now."
        else:
            text = (
                f"Scheduled announcement #{draft.id} for {read_back(due, reader)} in "
                f"<#{draft.channel_id}>. Change it with /announce edit, stop it with "
                "/announce cancel."
            )
        await interaction.followup.send(
            text, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
        )

    async def _cancel(self, interaction: discord.Interaction, found: Announcement) -> None:
        state = await self._state(found)
        if state not in ("draft", "scheduled"):
            raise UserError(
                f"Announcement #{found.id} is {state}; only drafts and scheduled ones can be "
                "cancelled."
            )
        services = self.bot.services
        async with services.database.transaction():
            await services.database.announcements.cancel(found.id)
            if found.outbox_key is not None:
                await services.database.outbox.cancel(found.outbox_key)
        await services.delivery.rearm()
        if state == "scheduled":
            await log_moderator_action(
                self.bot,
                actor_id=interaction.user.id,
                action=f"cancelled announcement #{found.id} “{neutralise(found.title)}”",
                subject=announcement_key(found.id),
                where=f"<#{found.channel_id}>",
            )
        await interaction.followup.send(
            f"Cancelled announcement #{found.id}; nothing will be posted.", ephemeral=True
        )

    async def _apply_edit(
        self,
        interaction: discord.Interaction,
        found: Announcement,
        title: str,
        body: str,
        post_at: datetime | None,
        message: OutgoingMessage,
        reader: Reader,
    ) -> None:
        """Change a scheduled announcement (text and time), or edit the posted message."""
        services = self.bot.services
        state = await self._state(found)
        if state not in ("scheduled", "posted"):
            raise UserError(f"Announcement #{found.id} is {state}; it can no longer be edited.")
        title = " ".join(title.split())
        key = announcement_key(found.id)
        if state == "posted":
            row = await services.database.outbox.get(key)
            if row is None or row.discord_message_id is None:
                raise UserError(f"I can't find the message of announcement #{found.id}.")
            await services.database.announcements.update_draft(
                found.id, title=title, content=body.strip(), post_at=found.post_at
            )
            channel = self.bot.get_partial_messageable(found.channel_id)
            await channel.get_partial_message(row.discord_message_id).edit(
                content=message.content, allowed_mentions=_allowed(message)
            )
            done = f"Edited the posted announcement #{found.id} in <#{found.channel_id}>."
        else:
            due = post_at or self.bot.clock.now()
            await services.database.announcements.update_draft(
                found.id, title=title, content=body.strip(), post_at=due
            )
            await services.delivery.replace_scope(
                ANNOUNCEMENT,
                key,
                [announcement_row(services.delivery, found.id, found.channel_id, due)],
            )
            done = (
                f"Updated announcement #{found.id}: it goes to <#{found.channel_id}> "
                f"{'at ' if post_at else ''}{read_back(post_at, reader)}."
            )
        await log_moderator_action(
            self.bot,
            actor_id=interaction.user.id,
            action=f"edited announcement #{found.id} “{neutralise(title)}” ({state})",
            subject=key,
            where=f"<#{found.channel_id}>",
        )
        await interaction.followup.send(
            done, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
        )


def _allowed(message: OutgoingMessage) -> discord.AllowedMentions:
    """Return the allowed mentions of an announcement: its chosen role or @everyone, or none."""
    if not message.mention_role_ids and not message.mention_everyone:
        return discord.AllowedMentions.none()
    return discord.AllowedMentions(
        everyone=message.mention_everyone,
        users=False,
        replied_user=False,
        roles=[discord.Object(role) for role in message.mention_role_ids],
    )


async def setup(bot: Confbot) -> None:
    """Load the cog."""
    await bot.add_cog(Announcements(bot))
