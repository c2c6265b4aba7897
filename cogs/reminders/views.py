"""The reminders' buttons and select, and the replies they (and the commands) send.

Every item is a :class:`discord.ui.DynamicItem` whose custom_id carries its session
(formats in :mod:`bot.reminders.custom_ids`), so "Remind me" on a week-old card still
works after a restart. A press reaches the reminders service through the client
(``interaction.client.services.reminders``), never through a cog.
"""

from __future__ import annotations

import io
import re
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import discord

from bot.app import Confbot
from bot.custom_ids import id_in_custom_id
from bot.reminders.custom_ids import (
    CALENDAR,
    CALENDAR_TEMPLATE,
    REMIND,
    REMIND_PICK,
    REMIND_TEMPLATE,
    UNREMIND,
    UNREMIND_TEMPLATE,
)
from bot.reminders.service import CalendarFile, Reminded, SessionOffer, StopOffer
from bot.reminders.texts import (
    CALENDAR_LABEL,
    PICK_PLACEHOLDER,
    REMIND_LABEL,
    STOP_LABEL,
)
from bot.rendering.text import truncate
from cogs.transformers import confbot_of
from cogs.views import PersistentView, answer_button_failure

__all__ = [
    "ITEMS",
    "CalendarButton",
    "RemindButton",
    "RemindSelect",
    "StopButton",
    "offer_items",
    "send_calendar",
    "send_reminded",
    "stop_buttons",
]


# The base is never registered: its template matches nothing.
class _SessionAction(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"(?!)"):
    """A button about one session whose custom_id is ``{ID_PREFIX}{session id}``."""

    ID_PREFIX = ""
    LABEL = ""
    EMOJI: str | None = None
    STYLE = discord.ButtonStyle.secondary

    def __init__(self, session_id: str, label: str | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label=truncate(label or self.LABEL, 80),
                emoji=self.EMOJI,
                style=self.STYLE,
                custom_id=id_in_custom_id(self.ID_PREFIX, session_id),
            )
        )
        self.session_id = session_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> _SessionAction:
        """Rebuild the button from its custom_id (any message, even after a restart)."""
        return cls(match["session"])


class RemindButton(_SessionAction, template=REMIND_TEMPLATE):
    """The "Remind me" button of a session card: adds it to the presser's agenda."""

    ID_PREFIX, LABEL, EMOJI = REMIND, REMIND_LABEL, "⏰"
    STYLE = discord.ButtonStyle.success

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Subscribe the presser, or offer "Stop reminding" if they already are."""

        async def remind(bot: Confbot) -> None:
            await interaction.response.defer(ephemeral=True, thinking=True)
            reader = await bot.reader(interaction.user.id)
            service = bot.services.reminders
            reminded = await service.remind_from_button(
                interaction.user.id, reader, self.session_id
            )
            await send_reminded(interaction, bot, reminded)

        await _pressed(interaction, remind)


class StopButton(_SessionAction, template=UNREMIND_TEMPLATE):
    """The "Stop reminding" button for one session (on a reminder, after "Remind me")."""

    ID_PREFIX, LABEL = UNREMIND, STOP_LABEL

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Remove the session from the presser's agenda."""

        async def stop(bot: Confbot) -> None:
            await interaction.response.defer(ephemeral=True, thinking=True)
            text = await bot.services.reminders.forget(interaction.user.id, self.session_id)
            await interaction.followup.send(text, ephemeral=True)

        await _pressed(interaction, stop)


class CalendarButton(_SessionAction, template=CALENDAR_TEMPLATE):
    """The "Add to calendar" button: the session as an .ics file."""

    ID_PREFIX, LABEL, EMOJI = CALENDAR, CALENDAR_LABEL, "📅"

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Send the session's .ics, privately."""

        async def send(bot: Confbot) -> None:
            await interaction.response.defer(ephemeral=True, thinking=True)
            service = bot.services.reminders
            file = await service.session_calendar(interaction.user.id, self.session_id)
            await send_calendar(interaction, file)

        await _pressed(interaction, send)


class RemindSelect(discord.ui.DynamicItem[discord.ui.Select[Any]], template=REMIND_PICK):
    """ "Remind me of…" under a list page or a speaker card: one or more of its sessions.

    The options' values are the sessions (long ids as digests); a press after a restart
    is rebuilt from the custom_id and the chosen values alone.
    """

    def __init__(self, options: list[discord.SelectOption] | None = None) -> None:
        options = options or []
        super().__init__(
            discord.ui.Select(
                custom_id=REMIND_PICK,
                placeholder=PICK_PLACEHOLDER,
                min_values=1,
                max_values=max(1, len(options)),
                options=options,
            )
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> RemindSelect:
        """Rebuild the select (discord.py fills in the chosen values afterwards)."""
        return cls()

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Subscribe the chooser to each chosen session."""
        chosen = list(self.item.values)

        async def remind(bot: Confbot) -> None:
            await interaction.response.defer(ephemeral=True, thinking=True)
            reader = await bot.reader(interaction.user.id)
            service = bot.services.reminders
            reminded = await service.remind_chosen(interaction.user.id, reader, chosen)
            await send_reminded(interaction, bot, reminded)

        await _pressed(interaction, remind)


# Every item class the reminders cog registers (``bot.add_dynamic_items``).
ITEMS = (RemindButton, StopButton, CalendarButton, RemindSelect)


async def _pressed(
    interaction: discord.Interaction[Any], action: Callable[[Confbot], Awaitable[None]]
) -> None:
    """Run a press's action with the bot; a failure gets one sentence, or a code.

    Dynamic items are answered outside any view of ours, so their errors would
    otherwise only reach discord.py's log and leave the press unanswered.
    """
    try:
        await action(confbot_of(interaction))
    except Exception as error:  # discord.py would only log it: the user gets a sentence
        await answer_button_failure(interaction, error)


def stop_buttons(stops: Sequence[StopOffer]) -> list[discord.ui.Item[Any]]:
    """Return a "Stop reminding" button per offered session."""
    return [StopButton(stop.session_id, stop.label) for stop in stops]


def offer_items(offer: SessionOffer) -> list[discord.ui.Item[Any]]:
    """Return "Remind me" and "Add to calendar" for one session, or "Remind me of…"."""
    if offer.session_id is not None:
        return [RemindButton(offer.session_id), CalendarButton(offer.session_id)]
    if not offer.options:
        return []
    options = [
        discord.SelectOption(label=option.label, value=option.value, description=option.description)
        for option in offer.options
    ]
    return [RemindSelect(options)]


async def send_reminded(
    interaction: discord.Interaction[Any], bot: Confbot, reminded: Reminded
) -> None:
    """Answer a subscription privately with its "Stop" buttons, then open the DM channel."""
    items = stop_buttons(reminded.stops)
    await interaction.followup.send(
        reminded.text,
        view=PersistentView(items) if items else discord.utils.MISSING,
        ephemeral=True,
        allowed_mentions=discord.AllowedMentions.none(),
    )
    bot.services.reminders.after_answer(reminded)


async def send_calendar(interaction: discord.Interaction[Any], file: CalendarFile) -> None:
    """Send an .ics file privately, with its line."""
    await interaction.followup.send(
        file.text,
        file=discord.File(io.BytesIO(file.data), filename=file.filename),
        ephemeral=True,
    )
