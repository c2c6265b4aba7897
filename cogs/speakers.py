"""Speakers: ``/speaker``, ``/speakers``, linking speakers to Discord members, heads-up DMs."""

from __future__ import annotations

import logging
import re
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
from bot.errors import NotFoundError, UserError
from bot.rendering.cards import Reply
from bot.rendering.pages import Answer
from bot.rendering.speakers import speaker_heads_up
from bot.rendering.text import neutralise, truncate
from bot.storage.repositories.outbox import OutboxItem
from cogs.checks import moderator_only
from cogs.choices import track_choices
from cogs.moderation_log import log_moderator_action
from cogs.replies import answer_interaction
from cogs.views import (
    PREFIX,
    ListQuery,
    answer_button_failure,
    id_from_custom_id,
    id_in_custom_id,
    install_page_buttons,
)

log = logging.getLogger(__name__)

# The list whose page buttons this cog answers (``ListQuery.kind``).
SPEAKERS_LIST = "speakers"


class Speakers(commands.Cog):
    """Who is speaking, when, and a heads-up for speakers who are on Discord."""

    def __init__(self, bot: Confbot) -> None:
        self.bot = bot

    @property
    def answers(self) -> SpeakerAnswers:
        """Return the speaker answers of the schedule in use (a refresh swaps it)."""
        return self.bot.services.answers.speakers

    @property
    def schedule_answers(self) -> ScheduleAnswers:
        """Return the answers of the schedule in use (a refresh swaps it)."""
        return self.bot.services.answers

    async def cog_load(self) -> None:
        """Register the heads-up renderer and the buttons; plan the heads-ups to come."""
        self.bot.services.delivery.register(SPEAKER_ALERT_KIND, self.render_heads_up)
        # Registered, not just sent: presses on messages from before a restart find them.
        self.bot.add_dynamic_items(SessionButton, SpeakerButton)
        await install_page_buttons(self.bot)
        self.bot.answer_hooks.add_list_source(self.reopen_list)
        self.bot.answer_hooks.add_extras(self.session_buttons)
        await self.plan_heads_ups()

    async def cog_unload(self) -> None:
        """Stop rendering heads-ups (their rows stay planned in the database) and buttons."""
        self.bot.services.delivery.unregister(SPEAKER_ALERT_KIND)
        self.bot.remove_dynamic_items(SessionButton, SpeakerButton)
        self.bot.answer_hooks.remove_list_source(self.reopen_list)
        self.bot.answer_hooks.remove_extras(self.session_buttons)

    async def links(self) -> dict[str, int]:
        """Return speaker id -> Discord user id (the schedule's, then moderators' links)."""
        return self.answers.discord_ids(await self.bot.services.database.speaker_links.all())

    @commands.Cog.listener()
    async def on_schedule_applied(self, applied: object) -> None:
        """Move or cancel heads-ups whose sessions a new schedule changed."""
        await self.plan_heads_ups()

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
        now = self.bot.services.clock.now()
        reply = self.answers.speakers(
            await self.bot.reader(interaction.user.id), now, track_id=track_id
        )
        query = ListQuery(SPEAKERS_LIST, now, (track_id,))
        await answer_interaction(self.bot, interaction, reply, query=query)

    async def reopen_list(
        self, query: ListQuery, interaction: discord.Interaction
    ) -> Answer | None:
        """Answer a ``/speakers`` list again, as of when it was asked (for its buttons)."""
        if query.kind != SPEAKERS_LIST or len(query.arguments) != 1:
            return None
        [track_id] = query.arguments
        reader = await self.bot.reader(interaction.user.id)
        return self.answers.speakers(reader, query.at, track_id=track_id)

    @app_commands.command(
        name="speaker-link", description="Moderators: link a speaker to their Discord account"
    )
    @app_commands.describe(name="The speaker", member="Their Discord account")
    @app_commands.autocomplete(name=speaker_autocomplete)
    @moderator_only()
    @app_commands.guild_only()
    async def speaker_link(
        self, interaction: discord.Interaction, name: str, member: discord.Member
    ) -> None:
        """Link a speaker to a member: their card mentions them and they get heads-up DMs.

        Relinking names the member it replaced; that member's pending heads-ups are cancelled.
        """
        services = self.bot.services
        speaker = self.answers.find(name)
        previous = (await self.links()).get(speaker.id)
        await services.database.speaker_links.link(speaker.id, member.id, interaction.user.id)
        planned = await self.plan_heads_up(speaker.id)
        lead = services.config.speakers.dm_lead_minutes
        replaced = f", replacing <@{previous}>" if previous not in (None, member.id) else ""
        await log_moderator_action(
            self.bot,
            actor_id=interaction.user.id,
            action=f"linked speaker {neutralise(speaker.name)} to <@{member.id}>{replaced}",
            subject=f"speaker-link:{speaker.id}",
        )
        await interaction.response.send_message(
            f"Linked {neutralise(speaker.name)} to {member.mention}{replaced}. They will get a DM "
            f"{lead} minutes before each of their sessions ({planned} planned now).",
            ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none(),
        )

    @app_commands.command(
        name="speaker-unlink", description="Moderators: unlink a speaker from their Discord account"
    )
    @app_commands.describe(name="The speaker")
    @app_commands.autocomplete(name=speaker_autocomplete)
    @moderator_only()
    @app_commands.guild_only()
    async def speaker_unlink(self, interaction: discord.Interaction, name: str) -> None:
        """Remove a moderator's link; the schedule's own Discord id, if any, applies again."""
        services = self.bot.services
        speaker = self.answers.find(name)
        removed = await services.database.speaker_links.unlink(speaker.id)
        await self.plan_heads_up(speaker.id)
        text = "Unlinked" if removed else "There was no link for"
        if removed:
            await log_moderator_action(
                self.bot,
                actor_id=interaction.user.id,
                action=f"unlinked speaker {neutralise(speaker.name)}",
                subject=f"speaker-unlink:{speaker.id}",
            )
        await interaction.response.send_message(
            f"{text} {neutralise(speaker.name)}.",
            ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none(),
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
            return [SessionButton(session.id, session.title) for session in sessions[:5]]
        session = index.session(reply.session_id) if reply.session_id else None
        if session is None:
            return []
        # One button per speaker: a custom_id may appear only once in a message.
        speaker_ids = dict.fromkeys(session.speaker_ids)
        speakers = [s for speaker_id in speaker_ids if (s := index.speaker(speaker_id))]
        if len(speakers) == 1:
            return [SpeakerButton(speakers[0].id, "Speaker")]
        return [SpeakerButton(s.id, f"Speaker: {s.name}") for s in speakers[:5]]

    async def show_session(self, interaction: discord.Interaction, token: str) -> None:
        """Answer a button press with the session's card, in the presser's zone.

        :raises NotFoundError: the session left the schedule.
        """
        index = self.bot.services.schedule
        session_id = id_from_custom_id(token, (s.id for s in index.schedule.sessions))
        if session_id is None or index.session(session_id) is None:
            raise NotFoundError("That session is no longer in the schedule.")
        reply = self.schedule_answers.session(
            await self.bot.reader(interaction.user.id), session_id, self.bot.services.clock.now()
        )
        await answer_interaction(self.bot, interaction, reply)

    async def show_speaker(self, interaction: discord.Interaction, token: str) -> None:
        """Answer a button press with the speaker's card, in the presser's zone.

        :raises NotFoundError: the speaker left the schedule.
        """
        index = self.bot.services.schedule
        speaker_id = id_from_custom_id(token, (s.id for s in index.schedule.speakers))
        if speaker_id is None or index.speaker(speaker_id) is None:
            raise NotFoundError("That speaker is no longer in the schedule.")
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


class SessionButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=rf"{PREFIX}:session:(?P<id>.+)"
):
    """Opens one session's card for whoever presses it, on any message, after restarts too."""

    def __init__(self, session_id: str, title: str) -> None:
        self.session_id = session_id
        # Button labels are limited to 80 characters.
        super().__init__(
            discord.ui.Button(
                label=truncate(f"Session: {title}", 80),
                style=discord.ButtonStyle.primary,
                custom_id=id_in_custom_id(f"{PREFIX}:session:", session_id),
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> SessionButton:
        """Rebuild the button from its custom_id; the id is resolved when pressed."""
        button = cls(match["id"], "")
        button.item.label = getattr(item, "label", None)
        return button

    async def callback(self, interaction: discord.Interaction) -> None:
        """Show the session card, privately."""
        try:
            await speakers_cog(interaction).show_session(interaction, self.session_id)
        except Exception as error:  # discord.py would only log it: the user gets a sentence
            await answer_button_failure(interaction, error)


class SpeakerButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=rf"{PREFIX}:speaker:(?P<id>.+)"
):
    """Opens one speaker's card for whoever presses it, on any message, after restarts too."""

    def __init__(self, speaker_id: str, label: str) -> None:
        self.speaker_id = speaker_id
        super().__init__(
            discord.ui.Button(
                label=truncate(label, 80),
                style=discord.ButtonStyle.primary,
                custom_id=id_in_custom_id(f"{PREFIX}:speaker:", speaker_id),
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> SpeakerButton:
        """Rebuild the button from its custom_id; the id is resolved when pressed."""
        return cls(match["id"], getattr(item, "label", None) or "Speaker")

    async def callback(self, interaction: discord.Interaction) -> None:
        """Show the speaker card, privately."""
        try:
            await speakers_cog(interaction).show_speaker(interaction, self.speaker_id)
        except Exception as error:  # discord.py would only log it: the user gets a sentence
            await answer_button_failure(interaction, error)


def speakers_cog(interaction: discord.Interaction) -> Speakers:
    """Return the loaded speakers cog.

    :raises UserError: it is not loaded (its buttons cannot be answered).
    """
    client = interaction.client
    cog = client.get_cog(Speakers.__cog_name__) if isinstance(client, commands.Bot) else None
    if not isinstance(cog, Speakers):
        raise UserError("Speaker cards are not available right now.")
    return cog


async def setup(bot: Confbot) -> None:
    """Load the cog."""
    await bot.add_cog(Speakers(bot))
