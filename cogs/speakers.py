"""Speakers: ``/speaker``, ``/speakers``, linking speakers to Discord members, heads-up DMs."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.answers.reader import Reader
from bot.answers.schedule_answers import ScheduleAnswers, SpeakerQuestion
from bot.answers.speakers import SpeakerAnswers
from bot.app import Confbot
from bot.delivery import RenderContext, Skip
from bot.delivery.speaker_alerts import KIND as SPEAKER_ALERT_KIND
from bot.delivery.speaker_alerts import plan_speaker_alert, plan_speaker_alerts
from bot.rendering.cards import Reply
from bot.rendering.speakers import speaker_heads_up
from bot.rendering.text import neutralise, truncate
from bot.storage.repositories.outbox import OutboxItem
from cogs.checks import require_moderator
from cogs.choices import track_choices
from cogs.replies import answer_interaction

log = logging.getLogger(__name__)


class Speakers(commands.Cog):
    """Who is speaking, when, and a heads-up for speakers who are on Discord."""

    def __init__(self, bot: Confbot) -> None:
        self.bot = bot
        services = bot.services
        self.answers = SpeakerAnswers(services.schedule, services.search)
        self.schedule_answers = ScheduleAnswers(
            services.schedule, services.search, conference_zone=services.conference_zone
        )

    async def cog_load(self) -> None:
        """Register the heads-up renderer and plan the heads-ups still to come."""
        self.bot.services.delivery.register(SPEAKER_ALERT_KIND, self.render_heads_up)
        await self.plan_heads_ups()

    async def cog_unload(self) -> None:
        """Stop rendering heads-ups (their rows stay planned in the database)."""
        self.bot.services.delivery.unregister(SPEAKER_ALERT_KIND)

    async def links(self) -> dict[str, int]:
        """Return speaker id -> Discord user id (the schedule's, then moderators' links)."""
        return self.answers.discord_ids(await self.bot.services.database.speaker_links.all())

    async def plan_heads_ups(self) -> int:
        """Plan a heads-up DM for every linked speaker's upcoming sessions."""
        services = self.bot.services
        return await plan_speaker_alerts(
            services.delivery,
            services.schedule,
            await self.links(),
            lead=timedelta(minutes=services.config.speakers.dm_lead_minutes),
            now=services.clock.now(),
        )

    async def plan_heads_up(self, speaker_id: str) -> int:
        """Re-plan one speaker's heads-ups after their link changed; return how many were added."""
        services = self.bot.services
        return await plan_speaker_alert(
            services.delivery,
            services.schedule,
            speaker_id,
            (await self.links()).get(speaker_id),
            lead=timedelta(minutes=services.config.speakers.dm_lead_minutes),
            now=services.clock.now(),
        )

    # -- autocomplete -----------------------------------------------------------------

    async def speaker_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Offer up to 25 speakers matching what was typed (all, by name, when empty)."""
        return [
            app_commands.Choice(name=match.label, value=match.id)
            for match in self.bot.services.search.complete_speakers(current)
        ]

    async def track_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Offer the schedule's tracks matching what was typed."""
        return track_choices(self.bot.services.schedule, current)

    # -- commands ---------------------------------------------------------------------

    @app_commands.command(name="speaker", description="A speaker's card: bio and sessions")
    @app_commands.describe(name="The speaker's name (titles such as Sir or Dr are optional)")
    @app_commands.autocomplete(name=speaker_autocomplete)
    async def speaker(self, interaction: discord.Interaction, name: str) -> None:
        """Show a speaker's card with their sessions in the reader's zone."""
        reply = self.answers.speaker(
            await self.bot.reader(interaction.user.id), name, await self.links()
        )
        await answer_interaction(self.bot, interaction, reply)

    @app_commands.command(name="speakers", description="Everyone speaking, with their next session")
    @app_commands.describe(track="Only the speakers of this track")
    @app_commands.autocomplete(track=track_autocomplete)
    async def speakers(self, interaction: discord.Interaction, track: str | None = None) -> None:
        """List the speakers, sorted by name, paginated."""
        track_id = self.schedule_answers.track_id(track) if track else None
        reply = self.answers.speakers(
            await self.bot.reader(interaction.user.id),
            self.bot.services.clock.now(),
            track_id=track_id,
        )
        await answer_interaction(self.bot, interaction, reply)

    @app_commands.command(
        name="speaker-link", description="Moderators: link a speaker to their Discord account"
    )
    @app_commands.describe(name="The speaker", member="Their Discord account")
    @app_commands.autocomplete(name=speaker_autocomplete)
    @app_commands.default_permissions(manage_messages=True)
    @app_commands.guild_only()
    async def speaker_link(
        self, interaction: discord.Interaction, name: str, member: discord.Member
    ) -> None:
        """Link a speaker to a member: their card mentions them and they get heads-up DMs."""
        services = self.bot.services
        require_moderator(interaction, services.config.guild)
        speaker = self.answers.find(name)
        await services.database.speaker_links.link(speaker.id, member.id, interaction.user.id)
        planned = await self.plan_heads_up(speaker.id)
        lead = services.config.speakers.dm_lead_minutes
        await interaction.response.send_message(
            f"Linked {neutralise(speaker.name)} to {member.mention}. They will get a DM "
            f"{lead} minutes before each of their sessions ({planned} planned now).",
            ephemeral=True,
        )

    @app_commands.command(
        name="speaker-unlink", description="Moderators: unlink a speaker from their Discord account"
    )
    @app_commands.describe(name="The speaker")
    @app_commands.autocomplete(name=speaker_autocomplete)
    @app_commands.default_permissions(manage_messages=True)
    @app_commands.guild_only()
    async def speaker_unlink(self, interaction: discord.Interaction, name: str) -> None:
        """Remove a moderator's link; the schedule's own Discord id, if any, applies again."""
        services = self.bot.services
        require_moderator(interaction, services.config.guild)
        speaker = self.answers.find(name)
        removed = await services.database.speaker_links.unlink(speaker.id)
        await self.plan_heads_up(speaker.id)
        text = "Unlinked" if removed else "There was no link for"
        await interaction.response.send_message(
            f"{text} {neutralise(speaker.name)}.", ephemeral=True
        )

    # -- hooks used by the schedule and question cogs ---------------------------------

    async def answer_speaker_question(
        self, question: SpeakerQuestion, reader: Reader, now: datetime
    ) -> Reply:
        """Answer "who is X?", "what is X talking about?", "who speaks in Y?" with links."""
        return self.answers.question(
            question,
            reader,
            await self.links(),
            find_session=lambda text: self.schedule_answers.find_session(text, now),
        )

    def session_buttons(self, reply: Reply, invoker_id: int) -> list[discord.ui.Item[Any]]:
        """Return the buttons for an answer about one speaker or one session.

        A speaker's card gets a button per session (up to 5) opening the session card;
        a session's card gets a button per speaker (up to 5) opening the speaker card.
        """
        index = self.bot.services.schedule
        if reply.speaker_ids:
            sessions = [
                session
                for speaker_id in reply.speaker_ids[:1]
                for session in index.sessions_by_speaker(speaker_id)
            ]
            return [SessionButton(self, session.id, session.title) for session in sessions[:5]]
        session = index.session(reply.session_id) if reply.session_id else None
        if session is None:
            return []
        speakers = [s for speaker_id in session.speaker_ids if (s := index.speaker(speaker_id))]
        if len(speakers) == 1:
            return [SpeakerButton(self, speakers[0].id, "Speaker")]
        return [SpeakerButton(self, s.id, f"Speaker: {s.name}") for s in speakers[:5]]

    async def show_session(self, interaction: discord.Interaction, session_id: str) -> None:
        """Answer a button press with the session's card, in the presser's zone."""
        reply = self.schedule_answers.session(
            await self.bot.reader(interaction.user.id), session_id, self.bot.services.clock.now()
        )
        await answer_interaction(self.bot, interaction, reply)

    async def show_speaker(self, interaction: discord.Interaction, speaker_id: str) -> None:
        """Answer a button press with the speaker's card, in the presser's zone."""
        reply = self.answers.speaker(
            await self.bot.reader(interaction.user.id), speaker_id, await self.links()
        )
        await answer_interaction(self.bot, interaction, reply)

    # -- the heads-up DM --------------------------------------------------------------

    async def render_heads_up(self, item: OutboxItem, context: RenderContext) -> str:
        """Return the heads-up text for an outbox row (its deadline is the session's start).

        :raises Skip: the session or speaker is no longer in the schedule.
        """
        services = self.bot.services
        index = services.schedule
        session = index.session(str(item.payload.get("session_id")))
        speaker = index.speaker(str(item.payload.get("speaker_id")))
        if session is None or speaker is None or speaker.id not in session.speaker_ids:
            raise Skip("the session or its speaker left the schedule")
        reader = await self.bot.reader(item.target_user_id or 0)
        room = index.room(session.room_id) if session.room_id else None
        return speaker_heads_up(
            speaker,
            session,
            reader,
            room_name=room.name if room else None,
            room_channel_mention=self._room_channel_mention(session.room_id),
            stream_url=session.stream_url or (room.stream_url if room else None),
        )

    def _room_channel_mention(self, room_id: str | None) -> str | None:
        """Return ``<#id>`` for the room's configured channel, if it can be found."""
        if room_id is None:
            return None
        configured = self.bot.services.config.guild.room_channels.get(room_id)
        if isinstance(configured, int):
            return f"<#{configured}>"
        if configured is None:
            return None
        for guild in self.bot.guilds:
            channel = discord.utils.get(guild.text_channels, name=configured)
            if channel is not None:
                return channel.mention
        return f"#{configured}"


class SessionButton(discord.ui.Button[discord.ui.View]):
    """Opens one session's card for whoever presses it."""

    def __init__(self, cog: Speakers, session_id: str, title: str) -> None:
        # Button labels are limited to 80 characters.
        super().__init__(label=truncate(f"Session: {title}", 80), style=discord.ButtonStyle.primary)
        self.cog = cog
        self.session_id = session_id

    async def callback(self, interaction: discord.Interaction) -> None:
        """Show the session card, privately."""
        await self.cog.show_session(interaction, self.session_id)


class SpeakerButton(discord.ui.Button[discord.ui.View]):
    """Opens one speaker's card for whoever presses it."""

    def __init__(self, cog: Speakers, speaker_id: str, label: str) -> None:
        super().__init__(label=truncate(label, 80), style=discord.ButtonStyle.primary)
        self.cog = cog
        self.speaker_id = speaker_id

    async def callback(self, interaction: discord.Interaction) -> None:
        """Show the speaker card, privately."""
        await self.cog.show_speaker(interaction, self.speaker_id)


async def setup(bot: Confbot) -> None:
    """Load the cog."""
    await bot.add_cog(Speakers(bot))
