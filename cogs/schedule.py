"""``/schedule``, ``/now``, ``/next``, ``/session`` and ``/search``, in the reader's zone.

Thin: read the options, find the reader's profile, ask
:class:`~bot.answers.schedule_answers.ScheduleAnswers`, send the answer. Buttons other
cogs add to a session card ("Speaker") come through the hook described in
:mod:`cogs.replies`. ``/schedule`` and ``/search`` pages carry their options in their
buttons (:class:`~cogs.views.ListQuery`), so they turn after a restart too.
"""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.answers.schedule_answers import ScheduleAnswers
from bot.answers.search_text import normalise
from bot.app import Confbot
from bot.errors import UserError
from bot.interaction_errors import answer_may_follow
from bot.rendering.pages import Answer
from bot.timezones import format_day
from cogs.choices import choices, room_choices
from cogs.pictures import PictureButton, send_schedule_picture
from cogs.replies import answer_interaction
from cogs.transformers import SessionOption, TrackOption, interaction_reader
from cogs.views import ListQuery, install_page_buttons

# The lists whose page buttons this cog answers (``ListQuery.kind``).
SCHEDULE_LIST, SEARCH_LIST = "schedule", "search"


class Schedule(commands.Cog):
    """The programme, what is on now and next, sessions and search."""

    def __init__(self, bot: Confbot) -> None:
        self.bot = bot

    @property
    def answers(self) -> ScheduleAnswers:
        """Return the answers of the schedule in use (a refresh swaps it)."""
        return self.bot.services.answers

    async def cog_load(self) -> None:
        """Answer the page buttons of ``/schedule`` and ``/search``, old messages' too."""
        await install_page_buttons(self.bot)
        self.bot.add_dynamic_items(PictureButton)
        self.bot.answer_hooks.add_list_source(self.reopen_list)
        self.bot.answer_hooks.add_list_extras(self.picture_button)

    async def cog_unload(self) -> None:
        """Stop answering this cog's lists and drawing their pictures."""
        self.bot.answer_hooks.remove_list_source(self.reopen_list)
        self.bot.answer_hooks.remove_list_extras(self.picture_button)
        self.bot.remove_dynamic_items(PictureButton)

    def picture_button(self, query: ListQuery, invoker_id: int) -> list[discord.ui.Item[Any]]:
        """Put "Picture" on every page of a ``/schedule`` answer (the day, track, room asked)."""
        if query.kind != SCHEDULE_LIST or len(query.arguments) != 3:
            return []
        day, track, room = query.arguments
        try:
            track_id = self.answers.track_id(track) if track else None
            room_id = self.answers.room_id(room) if room else None
        except UserError:  # the schedule changed since: the text answer stands alone
            return []
        return PictureButton.for_query(day, track_id, room_id)

    async def reopen_list(
        self, query: ListQuery, interaction: discord.Interaction
    ) -> Answer | None:
        """Answer a ``/schedule`` or ``/search`` list again, as of when it was asked."""
        if query.kind == SCHEDULE_LIST and len(query.arguments) == 3:
            day, track, room = query.arguments
            reader = await interaction_reader(interaction)
            return self.answers.schedule_for(reader, query.at, day=day, track=track, room=room)
        if query.kind == SEARCH_LIST and len(query.arguments) == 1:
            reader = await interaction_reader(interaction)
            return self.answers.search(reader, query.arguments[0] or "")
        return None

    # ------------------------------------------------------------ autocomplete

    async def day_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Offer the reader's local days with sessions ("Thu 25 Feb"), value an ISO date."""
        reader = await interaction_reader(interaction)
        wanted = normalise(current[:100])
        pairs = [
            (format_day(day), day.isoformat())
            for day in self.bot.services.schedule.local_days(reader.zone)
        ]
        return choices([p for p in pairs if wanted in normalise(p[0]) or wanted in p[1]])

    async def room_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Offer the rooms whose name contains what was typed."""
        return room_choices(self.bot.services.schedule, current)

    # ------------------------------------------------------------ commands

    @answer_may_follow
    @app_commands.command(name="schedule", description="The programme in your time zone")
    @app_commands.describe(
        day="One of your local days (default: every day)",
        track="Only this track",
        room="Only this room",
        view="Text (default), or also a picture of one day: rooms side by side",
    )
    @app_commands.choices(
        view=[
            app_commands.Choice(name="Text", value="text"),
            app_commands.Choice(name="Picture of the day", value="picture"),
        ]
    )
    @app_commands.autocomplete(day=day_autocomplete, room=room_autocomplete)
    async def schedule(
        self,
        interaction: discord.Interaction,
        day: str | None = None,
        track: TrackOption | None = None,
        room: str | None = None,
        view: str = "text",
    ) -> None:
        """Show the sessions grouped by the reader's local day, a page at a time.

        ``view:picture`` adds the picture of one day (the one asked, else today or the
        next day with sessions) after the text: the picture adds, it never replaces.
        """
        reader = await interaction_reader(interaction)
        now = self.bot.clock.now()
        answer = self.answers.schedule_for(reader, now, day=day, track=track, room=room)
        query = ListQuery(SCHEDULE_LIST, now, (day, track, room))
        await answer_interaction(self.bot, interaction, answer, query=query)
        if view == "picture":
            await send_schedule_picture(
                self.bot,
                interaction,
                reader,
                day=day,
                track_id=self.answers.track_id(track) if track else None,
                room_id=self.answers.room_id(room) if room else None,
            )

    @answer_may_follow
    @app_commands.command(name="now", description="What is on right now, and what is next")
    @app_commands.describe(room="Only this room", track="Only this track")
    @app_commands.autocomplete(room=room_autocomplete)
    async def schedule_now(
        self,
        interaction: discord.Interaction,
        room: str | None = None,
        track: TrackOption | None = None,
    ) -> None:
        """Show the running sessions with the time left, and the next ones."""
        reader = await interaction_reader(interaction)
        answer = self.answers.now(reader, self.bot.clock.now(), room=room, track=track)
        await answer_interaction(self.bot, interaction, answer)

    @answer_may_follow
    @app_commands.command(name="next", description="What starts next, with a countdown")
    @app_commands.describe(room="Only this room", track="Only this track")
    @app_commands.autocomplete(room=room_autocomplete)
    async def schedule_next(
        self,
        interaction: discord.Interaction,
        room: str | None = None,
        track: TrackOption | None = None,
    ) -> None:
        """Show the sessions starting next, soonest first."""
        reader = await interaction_reader(interaction)
        answer = self.answers.next(reader, self.bot.clock.now(), room=room, track=track)
        await answer_interaction(self.bot, interaction, answer)

    @answer_may_follow
    @app_commands.command(name="session", description="A session's card, in your time zone")
    @app_commands.describe(session="Part of the title or a speaker's name")
    async def session(self, interaction: discord.Interaction, session: SessionOption) -> None:
        """Show the session's times (yours and the conference's), room, people, abstract."""
        reader = await interaction_reader(interaction)
        answer = self.answers.session_reply(reader, session)
        await answer_interaction(self.bot, interaction, answer)

    @answer_may_follow
    @app_commands.command(name="search", description="Search titles, abstracts, speakers, rooms")
    @app_commands.describe(query="Words to look for")
    async def search(self, interaction: discord.Interaction, query: str) -> None:
        """Show ranked matches, a page at a time."""
        reader = await interaction_reader(interaction)
        answer = self.answers.search(reader, query)
        listed = ListQuery(SEARCH_LIST, self.bot.clock.now(), (query,))
        await answer_interaction(self.bot, interaction, answer, query=listed)


async def setup(bot: Confbot) -> None:
    """Load the cog."""
    await bot.add_cog(Schedule(bot))
