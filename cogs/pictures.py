"""Send a day's picture (:mod:`bot.pictures`) as a private follow-up with its alt text.

Also the "Picture" button on ``/schedule`` answers (:class:`PictureButton`): stateless,
its custom_id (:mod:`bot.pictures.custom_ids`) carries the day, track and room asked, so a
press on any old answer, after any restart, draws the day in the presser's zone.
"""

from __future__ import annotations

import io
import re
from typing import Any

import discord

from bot.app import Confbot
from bot.pictures.custom_ids import PICTURE_TEMPLATE, picture_custom_id, picture_request
from bot.pictures.picture import DayPicture, day_picture, picture_day
from bot.reminders.service import ReminderService
from bot.rendering.reader import Reader
from cogs.transformers import confbot_of, interaction_reader
from cogs.views.pages import answer_button_failure

__all__ = ["PictureButton", "send_agenda_picture", "send_picture", "send_schedule_picture"]

PICTURE_LABEL = "Picture"


async def send_picture(interaction: discord.Interaction[Any], picture: DayPicture) -> None:
    """Attach the PNG with its description (Discord's alt text, ≤ 1,024 characters).

    When the day has more rooms than one picture holds, the line says which rooms it shows
    and how to see the others (``room:``).
    """
    layout = picture.layout
    line = None
    if layout.pages > 1:
        line = (
            f"The picture shows {layout.subheading.rsplit(' · ', 1)[-1]}; "
            "pick one with room: to see another."
        )
    file = discord.File(
        io.BytesIO(picture.png), filename=picture.filename, description=picture.description
    )
    await interaction.followup.send(line or discord.utils.MISSING, file=file, ephemeral=True)


async def send_agenda_picture(
    bot: Confbot, service: ReminderService, interaction: discord.Interaction[Any], reader: Reader
) -> None:
    """Attach the picture of the agenda's day: today, else its next day with a session."""
    sessions = await service.agenda_sessions(interaction.user.id)
    now = bot.clock.now()
    day = picture_day(bot.services.schedule, reader, now, sessions)
    if day is None:  # the text answer already said the agenda is empty
        return
    start, end = bot.services.schedule.local_day_bounds(day, reader.zone)
    that_day = [session for session in sessions if start <= session.start < end]
    agenda = {session.id for session in sessions}
    picture = day_picture(
        bot.services.schedule,
        reader,
        day,
        now,
        sessions=that_day,
        agenda=agenda,
        title="Your agenda",
    )
    await send_picture(interaction, picture)


async def send_schedule_picture(
    bot: Confbot,
    interaction: discord.Interaction[Any],
    reader: Reader,
    *,
    day: str | None,
    track_id: str | None,
    room_id: str | None,
) -> None:
    """Attach the picture of one day of ``/schedule``: the day asked, else today or the next.

    :raises UserError: ``day`` names no day.
    """
    now = bot.clock.now()
    index = bot.services.schedule
    local = bot.services.answers.parse_day(day, reader, now) if day else None
    if local is None:
        local = picture_day(index, reader, now)
    if local is None:
        return
    sessions = index.sessions_on_local_day(local, reader.zone, track_id=track_id, room_id=room_id)
    agenda = await bot.services.reminders.agenda_session_ids(interaction.user.id)
    await send_picture(
        interaction, day_picture(index, reader, local, now, sessions=sessions, agenda=agenda)
    )


class PictureButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=PICTURE_TEMPLATE):
    """ "Picture" under a ``/schedule`` answer: the day drawn, privately, for whoever presses."""

    def __init__(self, custom_id: str) -> None:
        super().__init__(
            discord.ui.Button(
                label=PICTURE_LABEL,
                emoji="🖼️",
                style=discord.ButtonStyle.secondary,
                custom_id=custom_id,
            )
        )

    @classmethod
    def for_query(cls, day: str | None, track_id: str | None, room_id: str | None) -> list[Any]:
        """Return the button for a ``/schedule`` list (none if the typed day is too long)."""
        custom_id = picture_custom_id(day, track_id, room_id)
        return [cls(custom_id)] if custom_id is not None else []

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> PictureButton:
        """Rebuild the button from its custom_id (any message, even after a restart)."""
        return cls(match.string)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Send the picture privately, in the presser's zone; a failure gets one sentence."""
        try:
            bot = confbot_of(interaction)
            await interaction.response.defer(ephemeral=True, thinking=True)
            match = re.fullmatch(PICTURE_TEMPLATE, self.custom_id)
            assert match is not None  # noqa: S101 - the template matched to build it
            index = bot.services.schedule
            day, track_id, room_id = picture_request(
                match["day"],
                match["track"],
                match["room"],
                (track.id for track in index.tracks),
                (room.id for room in index.rooms),
            )
            reader = await interaction_reader(interaction)
            await send_schedule_picture(
                bot, interaction, reader, day=day, track_id=track_id, room_id=room_id
            )
        except Exception as error:  # discord.py would only log it: the user gets a sentence
            await answer_button_failure(interaction, error)
