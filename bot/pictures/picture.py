"""A day's picture for one reader: which day, the layout, the PNG, its alt text."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from bot.pictures.draw import draw_png
from bot.pictures.layout import DESCRIPTION_LIMIT, DayLayout, day_layout
from bot.rendering.reader import Reader
from bot.schedule.index import ScheduleIndex
from bot.schedule.model import Session
from bot.timezones import local_day

__all__ = ["DayPicture", "agenda_day_png", "day_picture", "picture_day"]


@dataclass(frozen=True, slots=True)
class DayPicture:
    """A PNG to attach, its file name and alt text, and the layout it was drawn from."""

    png: bytes
    filename: str
    description: str
    layout: DayLayout


def picture_day(
    index: ScheduleIndex, reader: Reader, now: datetime, sessions: Collection[Session] = ()
) -> date | None:
    """Return the local day to draw: today if it has sessions, else the next, else the last.

    With ``sessions`` (an agenda), only their days count. ``None`` when there is nothing.
    """
    days = (
        sorted({local_day(s.start, reader.zone) for s in sessions})
        if sessions
        else index.local_days(reader.zone)
    )
    if not days:
        return None
    today = local_day(now, reader.zone)
    return next((day for day in days if day >= today), days[-1])


def day_picture(
    index: ScheduleIndex,
    reader: Reader,
    day: date,
    now: datetime,
    *,
    sessions: Collection[Session] | None = None,
    agenda: Collection[str] = (),
    page: int = 0,
    title: str | None = None,
) -> DayPicture:
    """Return the picture of the reader's local ``day`` (one page of its rooms)."""
    layout = day_layout(
        index, reader, day, now, sessions=sessions, agenda=agenda, page=page, title=title
    )
    suffix = f"-rooms-{page + 1}" if layout.pages > 1 else ""
    return DayPicture(
        draw_png(layout),
        f"schedule-{day.isoformat()}{suffix}.png",
        layout.description[:DESCRIPTION_LIMIT],
        layout,
    )


def agenda_day_png(
    index: ScheduleIndex,
    reader: Reader,
    day: date,
    sessions: Collection[Session],
    now: datetime,
) -> bytes:
    """Return the PNG of one local day of an agenda (its sessions, all marked)."""
    agenda = {session.id for session in sessions}
    return day_picture(
        index, reader, day, now, sessions=sessions, agenda=agenda, title="Your agenda"
    ).png
