"""Moderators' announcements: ``/announce new|list|edit|cancel``, the preview and its buttons.

``/announce`` is a group because Discord does not let a command also be a group: one
name keeps every announcement action together, hidden behind Manage Server at its root.
Thin: the text, times and outbox rows come from ``bot/announcements/``. A draft is a row
(status ``draft``) whose id travels in the preview buttons' custom_ids
(``discord.ui.DynamicItem``), so a preview still works after a restart. Every command,
button and modal checks the moderator on the server side; each channel's copy is an
outbox row of kind ``announcement``, sent once at its time by the delivery engine, and
crossposted after it was sent when the channel is an announcement channel.

Several channels are options of ``/announce new`` (``channel`` … ``channel_5``) rather
than a select on the preview: Discord's own channel picker offers only text and
announcement channels, and every target is known before the form opens, so the
permission check covers all of them before anything is typed or scheduled.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.announcements.channels import channel_list, state_summary, where_and_state
from bot.announcements.planning import (
    ANNOUNCEMENT,
    announcement_key,
    announcement_row,
    announcement_scope,
    too_late,
)
from bot.announcements.text import (
    EVERYONE,
    HERE,
    Ping,
    announcement_message,
    card_beside,
)
from bot.announcements.timing import parse_when, read_back
from bot.answers.reader import Reader
from bot.app import Confbot
from bot.delivery import RenderContext, Skip
from bot.discord_embeds import card_to_embed
from bot.errors import NotFoundError, UserError
from bot.interaction_errors import defer_ephemeral
from bot.rendering.cards import Card
from bot.rendering.outgoing import OutgoingMessage
from bot.rendering.sessions import session_card
from bot.rendering.text import neutralise, plural
from bot.schedule.model import Session
from bot.storage.repositories.announcements import Announcement, AnnouncementCopy
from bot.storage.repositories.outbox import OutboxItem
from bot.timezones import to_local
from cogs.announcement_crossposts import Crossposter
from cogs.announcement_views import AnnouncementButton, AnnouncementModal
from cogs.checks import MODERATOR_PERMISSIONS, moderator_only
from cogs.choices import choices, session_choices
from cogs.moderation_log import log_moderator_action
from cogs.views import PersistentView

log = logging.getLogger(__name__)

# A moderator may start this many announcements per minute (each may ping a channel).
COOLDOWN_RATE, COOLDOWN_SECONDS = 5, 60.0
RECENT_LIMIT = 10
LIST_LIMIT = 2000  # one message


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
        self.crossposts = Crossposter(bot)

    async def cog_load(self) -> None:
        """Render announcement rows, crosspost them, answer preview buttons (old ones too)."""
        self.bot.services.delivery.register(
            ANNOUNCEMENT, self.render_announcement, after_sent=self.crossposts.after_sent
        )
        self.bot.add_dynamic_items(AnnouncementButton)
        self.bot.when_ready(self.crossposts.left_over)

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

    async def session_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Offer sessions by title or speaker, upcoming first; values are session ids."""
        return session_choices(self.bot.services.search, current, self.bot.clock.now())

    # -- commands ---------------------------------------------------------------------

    @announce.command(name="new", description="Moderators: write an announcement and preview it")
    @app_commands.describe(
        channel="Where to post it (default: the announcements channel)",
        channel_2="Also post it here (each channel gets its own copy)",
        channel_3="Also post it here",
        channel_4="Also post it here",
        channel_5="Also post it here",
        ping="A role to ping (only roles the organisers allow)",
        when="Now (default), or a time in your zone: 15:50, in 10 minutes, tomorrow 9am",
        session="Attach this session's card (part of its title or a speaker's name)",
    )
    @app_commands.autocomplete(ping=ping_autocomplete, session=session_autocomplete)
    @app_commands.checks.cooldown(COOLDOWN_RATE, COOLDOWN_SECONDS, key=_cooldown_key)
    @moderator_only()
    async def announce_new(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel | None = None,
        channel_2: discord.TextChannel | None = None,
        channel_3: discord.TextChannel | None = None,
        channel_4: discord.TextChannel | None = None,
        channel_5: discord.TextChannel | None = None,
        ping: str | None = None,
        when: str | None = None,
        session: str | None = None,
    ) -> None:
        """Check every channel, the ping, time and session, then open the modal for the text."""
        picked = [each for each in (channel, channel_2, channel_3, channel_4, channel_5) if each]
        if not picked:
            picked = [self._announcements_channel(interaction.guild)]
        targets = list(dict.fromkeys(picked))  # the same channel twice is one copy
        chosen = self._ping(interaction.guild, ping)
        self._require_can_post(targets, chosen)
        reader = await self.bot.reader(interaction.user.id)
        parse_when(when, reader, now=self.bot.clock.now())  # refuse a bad time before typing
        named = self._session(session) if session and session.strip() else None
        modal = AnnouncementModal(
            self,
            channel_ids=tuple(target.id for target in targets),
            ping=chosen,
            when=when or "now",
            session_id=named.id if named else None,
        )
        await interaction.response.send_modal(modal)

    @announce.command(name="list", description="Moderators: scheduled and recent announcements")
    @moderator_only()
    async def announce_list(self, interaction: discord.Interaction) -> None:
        """List scheduled and recent announcements and their channels, in the viewer's zone."""
        await defer_ephemeral(interaction)
        reader = await self.bot.reader(interaction.user.id)
        database = self.bot.services.database
        recent = await database.announcements.recent(interaction.guild_id or 0, RECENT_LIMIT)
        if not recent:
            await interaction.followup.send("No announcements yet.", ephemeral=True)
            return
        lines = ["**Announcements** (newest first)"]
        for shown, announcement in enumerate(recent):
            states = await self._copy_states(announcement)
            when = read_back(announcement.post_at, reader)
            title = neutralise(announcement.title or announcement.content)[:80]
            line = f"#{announcement.id} **{title}** {where_and_state(states)}, {when}"
            if len("\n".join([*lines, line])) > LIST_LIMIT:
                lines.append(f"…and {plural(len(recent) - shown, 'older announcement')}")
                break
            lines.append(line)
        await interaction.followup.send(
            "\n".join(lines), ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
        )

    @announce.command(name="edit", description="Moderators: change an announcement")
    @app_commands.describe(announcement="The announcement (its number in /announce list)")
    @app_commands.autocomplete(announcement=announcement_autocomplete)
    @moderator_only()
    async def announce_edit(self, interaction: discord.Interaction, announcement: int) -> None:
        """Open the modal prefilled; on submit, scheduled copies change, posted ones are edited."""
        found = await self._announcement(interaction, announcement)
        if found.status == "cancelled":
            raise UserError(f"Announcement #{found.id} was cancelled; write a new one.")
        await self._open_edit(interaction, found)

    @announce.command(name="cancel", description="Moderators: cancel a scheduled announcement")
    @app_commands.describe(announcement="The announcement (its number in /announce list)")
    @app_commands.autocomplete(announcement=announcement_autocomplete)
    @moderator_only()
    async def announce_cancel(self, interaction: discord.Interaction, announcement: int) -> None:
        """Cancel an announcement in every channel where it has not been posted yet."""
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
            state = state_summary(await self._copy_states(found))
            raise UserError(f"Announcement #{found.id} is already {state}.")
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
        existing = modal.existing
        session_id = existing.session_id if existing else modal.session_id
        message = announcement_message(  # refuses empty/too long
            title, body, modal.ping, self._session_card(session_id)
        )
        await defer_ephemeral(interaction)
        database = self.bot.services.database
        if existing is None or existing.status == "draft":
            if existing is None:
                async with database.transaction():
                    draft = await database.announcements.create(
                        interaction.guild_id or 0,
                        modal.channel_ids[0],
                        interaction.user.id,
                        body.strip(),
                        post_at,
                        title=" ".join(title.split()),
                        ping=modal.ping.stored(),
                        status="draft",
                        session_id=session_id,
                    )
                    await database.announcements.set_copies(
                        draft.id,
                        [(each, announcement_key(draft.id, each)) for each in modal.channel_ids],
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

    # -- the outbox renderer --------------------------------------------------------------

    async def render_announcement(
        self, item: OutboxItem, context: RenderContext
    ) -> OutgoingMessage:
        """Return the announcement as its moderator wrote it, pinging only the chosen role.

        The same text goes to every channel, with the named session's card as it is now.

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
            channel_id = item.target_channel_id or found.channel_id
            await log_moderator_action(
                self.bot,
                actor_id=None,
                action=(
                    f"skipped announcement #{found.id} “{neutralise(found.title)}”: it was due "
                    f"<t:{int(item.due_at.timestamp())}:F>, more than {grace} minutes ago"
                ),
                subject=f"announcement-missed:{found.id}:{channel_id}",
                where=f"<#{channel_id}>",
            )
            raise Skip(f"more than {grace} minutes late")
        return self._message(found)

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

    def _session(self, typed: str) -> Session:
        """Return the session the option names (autocomplete sends its id).

        :raises NotFoundError: nothing matches; the sentence names the closest titles.
        """
        found = self.bot.services.schedule.session(typed)
        return found or self.bot.services.answers.find_session(typed, self.bot.clock.now())

    def _session_card(self, session_id: str | None) -> Card | None:
        """Return the session's card as /session shows it, in the conference's zone.

        The audience is everyone, so no reader's own zone; ``None`` if the session left
        the schedule (the announcement then goes without it).
        """
        if session_id is None:
            return None
        index = self.bot.services.schedule
        session = index.session(session_id)
        if session is None:
            return None
        zone = self.bot.services.conference_zone
        return session_card(session, index, Reader(zone, "24h", zone, zone_is_set=False))

    def _message(self, found: Announcement) -> OutgoingMessage:
        """Return the announcement's message as it goes to each of its channels."""
        return announcement_message(
            found.title, found.content, Ping.parse(found.ping), self._session_card(found.session_id)
        )

    def _require_can_post(self, channels: Sequence[Any], ping: Ping) -> None:
        """Stop unless the bot may post (and ping as asked) in every channel, overwrites included.

        :raises UserError: naming each channel and the permissions missing there.
        """
        refusals = []
        for channel in channels:
            if not isinstance(channel, discord.TextChannel):
                raise UserError("Announcements go to a text channel of this server.")
            missing = _missing_permissions(channel, ping)
            if missing:
                refusals.append(f"in {channel.mention}: I lack {', '.join(missing)} there")
        if refusals:
            raise UserError(f"I may not post that {'; '.join(refusals)}. Nothing was queued.")

    async def _announcement(self, interaction: discord.Interaction, number: int) -> Announcement:
        found = await self.bot.services.database.announcements.get(number)
        if found is None or found.guild_id != (interaction.guild_id or 0):
            raise NotFoundError(f"There is no announcement #{number}; see /announce list.")
        return found

    async def _copy_states(self, announcement: Announcement) -> list[tuple[AnnouncementCopy, str]]:
        """Return each copy with "draft", "scheduled", "posted", "skipped", "failed"…"""
        database = self.bot.services.database
        copies = await database.announcements.copies(announcement.id)
        states = []
        for copy in copies:
            if announcement.status in ("draft", "cancelled"):
                states.append((copy, str(announcement.status)))
                continue
            row = await database.outbox.get(copy.outbox_key)
            if row is None or row.status in ("pending", "sending"):
                states.append((copy, "scheduled"))
            else:
                states.append((copy, {"sent": "posted"}.get(row.status, row.status)))
        return states

    async def _open_edit(self, interaction: discord.Interaction, found: Announcement) -> None:
        reader = await self.bot.reader(interaction.user.id)
        when = "now"
        if found.post_at is not None and found.post_at > self.bot.clock.now():
            when = f"{to_local(found.post_at, reader.zone):%Y-%m-%d %H:%M}"
        copies = await self.bot.services.database.announcements.copies(found.id)
        modal = AnnouncementModal(
            self,
            channel_ids=tuple(copy.channel_id for copy in copies),
            ping=Ping.parse(found.ping),
            when=when,
            session_id=found.session_id,
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
        """Show the announcement exactly as it will appear, where, the time read back, buttons."""
        timing = read_back(draft.post_at, reader)
        actions = (
            ["send", "schedule", "edit", "cancel"] if draft.post_at else ["send", "edit", "cancel"]
        )
        view = PersistentView([AnnouncementButton(action, draft.id) for action in actions])
        copies = await self.bot.services.database.announcements.copies(draft.id)
        card = message.cards[0] if message.cards else None
        info = Card(
            title=f"Preview of announcement #{draft.id}",
            description=(
                f"Goes to {channel_list(copy.channel_id for copy in copies)} "
                f"{'at ' if draft.post_at else ''}{timing}; "
                f"pings {Ping.parse(draft.ping).mention or 'nobody'}"
                f"{f'; with the card of “{card.title}”' if card else ''}.\n"
                "Above is exactly what will be posted. Send now, Schedule, Edit or Cancel."
            ),
        )
        embeds = [card_to_embed(card_beside(card, info))] if card else []
        await interaction.followup.send(
            message.content,
            embeds=[*embeds, card_to_embed(info.fitted())],
            view=view,
            ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none(),
        )

    async def _queue(
        self, interaction: discord.Interaction, draft: Announcement, due: datetime
    ) -> None:
        """Turn a draft into one outbox row per channel (due now or at its time), log, say when."""
        services = self.bot.services
        copies = await services.database.announcements.copies(draft.id)
        guild = interaction.guild
        self._require_can_post(
            [guild.get_channel(copy.channel_id) if guild else None for copy in copies],
            Ping.parse(draft.ping),
        )
        scope = announcement_scope(draft.id)
        rows = [
            announcement_row(services.delivery, draft.id, copy.channel_id, due, copy.outbox_key)
            for copy in copies
        ]
        async with services.database.transaction():
            if not await services.database.announcements.mark_scheduled(draft.id, due, scope):
                raise UserError(f"Announcement #{draft.id} was already sent or cancelled.")
            await services.database.outbox.enqueue_many(rows)
        await services.delivery.rearm()
        reader = await self.bot.reader(interaction.user.id)
        now = self.bot.clock.now()
        what = f"announcement #{draft.id} “{neutralise(draft.title)}”"
        where = channel_list(copy.channel_id for copy in copies)
        await log_moderator_action(
            self.bot,
            actor_id=interaction.user.id,
            action=(
                f"posted {what}"
                if due <= now
                else f"scheduled {what} for <t:{int(due.timestamp())}:F>"
            ),
            subject=scope,
            where=where,
        )
        if due <= now:
            # The engine's wake-up sends it within moments; answering does not wait for it.
            text = f"Posting announcement #{draft.id} in {where} now."
        else:
            text = (
                f"Scheduled announcement #{draft.id} for {read_back(due, reader)} in "
                f"{where}. Change it with /announce edit, stop it with /announce cancel."
            )
        await interaction.followup.send(
            text, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
        )

    async def _cancel(self, interaction: discord.Interaction, found: Announcement) -> None:
        states = await self._copy_states(found)
        waiting = [copy for copy, state in states if state in ("draft", "scheduled")]
        posted = [copy for copy, state in states if state == "posted"]
        if not waiting:
            raise UserError(
                f"Announcement #{found.id} is {state_summary(states)}; only "
                "drafts and scheduled ones can be cancelled."
            )
        services = self.bot.services
        async with services.database.transaction():
            if not posted:
                await services.database.announcements.cancel(found.id)
            for copy in waiting:
                await services.database.outbox.cancel(copy.outbox_key)
        await services.delivery.rearm()
        cancelled_in = channel_list(copy.channel_id for copy in waiting)
        if found.status != "draft":
            await log_moderator_action(
                self.bot,
                actor_id=interaction.user.id,
                action=f"cancelled announcement #{found.id} “{neutralise(found.title)}”",
                subject=announcement_scope(found.id),
                where=cancelled_in,
            )
        text = f"Cancelled announcement #{found.id}; nothing will be posted."
        if posted:
            text = (
                f"Cancelled announcement #{found.id} in {cancelled_in}; it stays posted in "
                f"{channel_list(copy.channel_id for copy in posted)}."
            )
        await interaction.followup.send(
            text, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
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
        """Change scheduled copies (text and time), or edit every posted copy in place."""
        services = self.bot.services
        states = await self._copy_states(found)
        posted = [copy for copy, state in states if state == "posted"]
        waiting = [copy for copy, state in states if state == "scheduled"]
        if not posted and not waiting:
            raise UserError(
                f"Announcement #{found.id} is {state_summary(states)}; it can no longer be edited."
            )
        title = " ".join(title.split())
        if posted:
            # Copies still waiting (a retry) go out with the new text at their own time.
            await services.database.announcements.update_draft(
                found.id, title=title, content=body.strip(), post_at=found.post_at
            )
            edited, refused = await self._edit_posted(posted, message)
            done = f"Edited the posted announcement #{found.id} in {channel_list(edited)}."
            if refused:
                done += f" I could not edit it in {'; '.join(refused)}."
            state = "posted"
        else:
            due = post_at or self.bot.clock.now()
            await services.database.announcements.update_draft(
                found.id, title=title, content=body.strip(), post_at=due
            )
            await services.delivery.replace_scope(
                ANNOUNCEMENT,
                announcement_scope(found.id),
                [
                    announcement_row(
                        services.delivery, found.id, copy.channel_id, due, copy.outbox_key
                    )
                    for copy in waiting
                ],
            )
            done = (
                f"Updated announcement #{found.id}: it goes to "
                f"{channel_list(copy.channel_id for copy in waiting)} "
                f"{'at ' if post_at else ''}{read_back(post_at, reader)}."
            )
            state = "scheduled"
        await log_moderator_action(
            self.bot,
            actor_id=interaction.user.id,
            action=f"edited announcement #{found.id} “{neutralise(title)}” ({state})",
            subject=announcement_scope(found.id),
            where=channel_list(copy.channel_id for copy in posted or waiting),
        )
        await interaction.followup.send(
            done, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
        )

    async def _edit_posted(
        self, copies: Sequence[AnnouncementCopy], message: OutgoingMessage
    ) -> tuple[list[int], list[str]]:
        """Edit each posted copy; return the channels edited and a sentence per refusal."""
        outbox = self.bot.services.database.outbox
        edited: list[int] = []
        refused: list[str] = []
        embeds = [card_to_embed(card) for card in message.cards]
        for copy in copies:
            row = await outbox.get(copy.outbox_key)
            if row is None or row.discord_message_id is None:
                refused.append(f"<#{copy.channel_id}> (I can't find the message)")
                continue
            channel = self.bot.get_partial_messageable(copy.channel_id)
            try:
                await channel.get_partial_message(row.discord_message_id).edit(
                    content=message.content, embeds=embeds, allowed_mentions=_allowed(message)
                )
            except discord.HTTPException as error:
                refused.append(f"<#{copy.channel_id}> (Discord said {error.status} {error.text})")
                continue
            edited.append(copy.channel_id)
        return edited, refused


def _missing_permissions(channel: discord.TextChannel, ping: Ping) -> list[str]:
    """Return what the bot lacks to post (and ping as asked, and crosspost) in ``channel``."""
    permissions = channel.permissions_for(channel.guild.me)
    missing = []
    if not permissions.view_channel:
        missing.append("View Channel")
    # Send Messages is also all a crosspost of the bot's own message needs.
    if not permissions.send_messages:
        missing.append("Send Messages")
    role = channel.guild.get_role(ping.role_id) if ping.role_id is not None else None
    needs_everyone = ping.everyone is not None or (role is not None and not role.mentionable)
    if needs_everyone and not permissions.mention_everyone:
        missing.append("Mention @everyone, @here and All Roles")
    return missing


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
