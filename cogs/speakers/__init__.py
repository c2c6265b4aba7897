"""Speakers: ``/speaker``, ``/speakers``, linking speakers to Discord members.

- ``__init__.py`` — the cog: the commands, the buttons' registration, ``setup``.
- ``views.py`` — ``SessionButton`` and ``SpeakerButton`` (restart-proof ``DynamicItem``s).

Everything the feature knows lives in :mod:`bot.speakers`; the cog reads the interaction,
calls ``bot.services.speakers`` and sends the reply.
"""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import Confbot
from bot.rendering.cards import Reply
from bot.rendering.pages import Answer
from bot.speakers.service import SpeakerService
from cogs.checks import moderator_only
from cogs.replies import answer_interaction
from cogs.speakers.views import SessionButton, SpeakerButton, button_for
from cogs.transformers import SpeakerOption, TrackOption, interaction_reader
from cogs.views import ListQuery, install_page_buttons

__all__ = ["SessionButton", "SpeakerButton", "Speakers", "setup"]

# The list whose page buttons this cog answers (``ListQuery.kind``).
SPEAKERS_LIST = "speakers"


class Speakers(commands.Cog):
    """Who is speaking, when, and a heads-up for speakers who are on Discord."""

    def __init__(self, bot: Confbot) -> None:
        self.bot = bot

    @property
    def service(self) -> SpeakerService:
        """Return the speakers service (built once with the bot's services)."""
        return self.bot.services.speakers

    async def cog_load(self) -> None:
        """Register the buttons; plan the heads-ups to come."""
        # Registered, not just sent: presses on messages from before a restart find them.
        self.bot.add_dynamic_items(SessionButton, SpeakerButton)
        await install_page_buttons(self.bot)
        self.bot.answer_hooks.add_list_source(self.reopen_list)
        self.bot.answer_hooks.add_extras(self.session_buttons)

    async def cog_unload(self) -> None:
        """Stop answering the buttons (heads-ups stay planned and rendered by the service)."""
        self.bot.remove_dynamic_items(SessionButton, SpeakerButton)
        self.bot.answer_hooks.remove_list_source(self.reopen_list)
        self.bot.answer_hooks.remove_extras(self.session_buttons)

    # -- autocomplete -----------------------------------------------------------------

    # -- commands ---------------------------------------------------------------------

    @app_commands.command(name="speaker", description="A speaker's card: bio and sessions")
    @app_commands.describe(name="The speaker's name (titles such as Sir or Dr are optional)")
    async def speaker(self, interaction: discord.Interaction, name: SpeakerOption) -> None:
        """Show a speaker's card with their sessions in the reader's zone."""
        reply = await self.service.speaker(await interaction_reader(interaction), name.id)
        await answer_interaction(self.bot, interaction, reply)

    @app_commands.command(name="speakers", description="Everyone speaking, with their next session")
    @app_commands.describe(track="Only the speakers of this track")
    async def speakers(
        self, interaction: discord.Interaction, track: TrackOption | None = None
    ) -> None:
        """List the speakers, sorted by name, paginated."""
        track_id = track
        now = self.bot.services.clock.now()
        reply = self.service.speakers(await interaction_reader(interaction), now, track_id=track_id)
        query = ListQuery(SPEAKERS_LIST, now, (track_id,))
        await answer_interaction(self.bot, interaction, reply, query=query)

    async def reopen_list(
        self, query: ListQuery, interaction: discord.Interaction
    ) -> Answer | None:
        """Answer a ``/speakers`` list again, as of when it was asked (for its buttons)."""
        if query.kind != SPEAKERS_LIST or len(query.arguments) != 1:
            return None
        [track_id] = query.arguments
        reader = await interaction_reader(interaction)
        return self.service.speakers(reader, query.at, track_id=track_id)

    @app_commands.command(
        name="speaker-link", description="Moderators: link a speaker to their Discord account"
    )
    @app_commands.describe(name="The speaker", member="Their Discord account")
    @moderator_only()
    @app_commands.guild_only()
    async def speaker_link(
        self, interaction: discord.Interaction, name: SpeakerOption, member: discord.Member
    ) -> None:
        """Link a speaker to a member: their card mentions them and they get heads-up DMs.

        Relinking names the member it replaced; that member's pending heads-ups are cancelled.
        """
        text = await self.service.link(name.id, member.id, actor_id=interaction.user.id)
        await interaction.response.send_message(
            text, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
        )

    @app_commands.command(
        name="speaker-unlink", description="Moderators: unlink a speaker from their Discord account"
    )
    @app_commands.describe(name="The speaker")
    @moderator_only()
    @app_commands.guild_only()
    async def speaker_unlink(self, interaction: discord.Interaction, name: SpeakerOption) -> None:
        """Remove a moderator's link; the schedule's own Discord id, if any, applies again."""
        text = await self.service.unlink(name.id, actor_id=interaction.user.id)
        await interaction.response.send_message(
            text, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
        )

    # -- the hook cogs/views.py uses ----------------------------------------------------

    def session_buttons(self, reply: Reply, invoker_id: int) -> list[discord.ui.Item[Any]]:
        """Return the buttons for an answer about one speaker or one session.

        A speaker's card gets a button per session (up to 5) opening the session card;
        a session's card gets a button per speaker (up to 5) opening the speaker card.
        """
        return [button_for(link) for link in self.service.card_links(reply)]


async def setup(bot: Confbot) -> None:
    """Load the cog."""
    await bot.add_cog(Speakers(bot))
