"""Send a day's picture (:mod:`bot.pictures`) as a private follow-up with its alt text."""

from __future__ import annotations

import io
from typing import Any

import discord

from bot.app import Confbot
from bot.pictures.picture import DayPicture, day_picture, picture_day
from bot.reminders.service import ReminderService
from bot.rendering.reader import Reader

__all__ = ["send_agenda_picture", "send_picture"]


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
