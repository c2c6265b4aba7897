"""Slash-command options parsed once: a session, a speaker, a track, a zone, a time.

Each is an :class:`app_commands.Transformer` (RoboDanny's ``utils/time.py`` idiom): one
autocomplete, one lookup and one refusal sentence, shared by every command that takes
that kind of option. A command declares ``session: SessionOption`` and its callback
receives the :class:`~bot.schedule.model.Session` itself; a value nothing matches is
refused with the lookup's sentence (``NotFoundError`` and its kin), which the command
tree's error handler shows privately.

The reader's profile is read at most once per interaction: :func:`interaction_reader`
keeps it in ``interaction.extras``, so a transformer parsing a time in the reader's zone
and the command answering in it share one database read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import discord
from discord import app_commands

from bot.announcements.timing import NOW_WORDS, parse_when
from bot.answers.reader import Reader
from bot.answers.schedule_lookup import zone_from_text
from bot.app import Confbot
from bot.errors import UserError
from bot.schedule.model import Session, Speaker
from bot.timezones import format_time, parse_user_time, search_zones
from cogs.choices import MAX_CHOICES, choices, session_choices, track_choices

__all__ = [
    "SessionOption",
    "SessionTransformer",
    "SpeakerOption",
    "SpeakerTransformer",
    "TrackOption",
    "TrackTransformer",
    "When",
    "WhenOption",
    "WhenTransformer",
    "ZoneOption",
    "ZoneTransformer",
    "confbot_of",
    "interaction_reader",
]

_READER_KEY = "confbot.reader"
NOT_CONFBOT = "That is not available right now."
# Offered for an empty "when".
WHEN_EXAMPLES = ("now", "in 10 minutes", "tomorrow 9am")


def confbot_of(interaction: discord.Interaction[Any]) -> Confbot:
    """Return the bot an interaction reached: its services answer every option and press.

    :raises UserError: the client is not confbot (only confbot loads these cogs).
    """
    client = interaction.client
    if not isinstance(client, Confbot):
        raise UserError(NOT_CONFBOT)
    return client


async def interaction_reader(interaction: discord.Interaction[Any]) -> Reader:
    """Return the invoker's reader profile, read once per interaction and kept with it."""
    reader = interaction.extras.get(_READER_KEY)
    if not isinstance(reader, Reader):
        reader = await confbot_of(interaction).reader(interaction.user.id)
        interaction.extras[_READER_KEY] = reader
    return reader


class SessionTransformer(app_commands.Transformer):
    """A session, by title or speaker (autocomplete offers upcoming ones first)."""

    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction[Any], value: str
    ) -> list[app_commands.Choice[str]]:
        """Offer sessions by title or speaker, upcoming first; values are session ids."""
        bot = confbot_of(interaction)
        return session_choices(bot.services.search, value, bot.clock.now())

    async def transform(self, interaction: discord.Interaction[Any], value: str) -> Session:
        """Return the session ``value`` names.

        :raises NotFoundError: nothing matches; the sentence names the closest titles.
        """
        services = confbot_of(interaction).services
        found = services.schedule.session(value)  # autocomplete sends the id
        return found or services.answers.find_session(value, services.clock.now())


class SpeakerTransformer(app_commands.Transformer):
    """A speaker, by (part of) their name."""

    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction[Any], value: str
    ) -> list[app_commands.Choice[str]]:
        """Offer speakers whose name matches what was typed; values are speaker ids."""
        search = confbot_of(interaction).services.search
        return choices([(match.label, match.id) for match in search.complete_speakers(value)])

    async def transform(self, interaction: discord.Interaction[Any], value: str) -> Speaker:
        """Return the speaker ``value`` names.

        :raises NotFoundError: no speaker matches; the sentence offers the closest names.
        """
        return confbot_of(interaction).services.answers.speakers.find(value)


class TrackTransformer(app_commands.Transformer):
    """A track, by id or name; the callback receives the track's id."""

    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction[Any], value: str
    ) -> list[app_commands.Choice[str]]:
        """Offer the tracks whose name contains what was typed."""
        return track_choices(confbot_of(interaction).services.schedule, value)

    async def transform(self, interaction: discord.Interaction[Any], value: str) -> str:
        """Return the id of the track ``value`` names.

        :raises NotFoundError: no track matches; the sentence lists some.
        """
        return confbot_of(interaction).services.answers.track_id(value)


class ZoneTransformer(app_commands.Transformer):
    """An IANA time zone, typed as a city, a country, an abbreviation or a zone name."""

    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction[Any], value: str
    ) -> list[app_commands.Choice[str]]:
        """Offer zones with their current local time; popular zones on empty input."""
        now = confbot_of(interaction).clock.now()
        zones = search_zones(value[:100], now=now, limit=MAX_CHOICES)
        return [app_commands.Choice(name=zone.label, value=zone.name) for zone in zones]

    async def transform(self, interaction: discord.Interaction[Any], value: str) -> str:
        """Return the IANA name of the zone ``value`` names.

        :raises UnknownZoneError: nothing matches ("Did you mean …?" when something is close).
        :raises AmbiguousZoneError: several zones match; the sentence lists them.
        """
        return zone_from_text(value)


@dataclass(frozen=True, slots=True)
class When:
    """A "when" option: what was typed, and the instant it means (``None``: now)."""

    text: str
    instant: datetime | None


class WhenTransformer(app_commands.Transformer):
    """ "Now", or a time in the reader's own zone ("15:50", "tomorrow 9am", "in 10 minutes")."""

    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction[Any], value: str
    ) -> list[app_commands.Choice[str]]:
        """Offer what was typed read back in the reader's zone; "now" and examples when empty."""
        typed = " ".join(value.split())[:100]
        if typed.casefold() in NOW_WORDS:
            return choices([(example, example) for example in WHEN_EXAMPLES])
        reader = await interaction_reader(interaction)
        now = confbot_of(interaction).clock.now()
        try:
            instant = parse_user_time(typed, reader.zone, now=now)
        except UserError as error:
            # The first sentence of the refusal the command would give (choices are plain text).
            return choices([(f"{typed}: {str(error).split('. ')[0]}", typed)])
        local = format_time(instant, reader.zone, clock=reader.clock)
        passed = " (already passed)" if instant <= now else ""
        return choices([(f"{typed} → {local}{passed}", typed)])

    async def transform(self, interaction: discord.Interaction[Any], value: str) -> When:
        """Return the instant ``value`` names in the reader's zone (``None`` for now).

        :raises TimeParseError: it is no time; the sentence lists examples.
        :raises PastTimeError: the time has already passed.
        """
        reader = await interaction_reader(interaction)
        now = confbot_of(interaction).clock.now()
        return When(value, parse_when(value, reader, now=now))


SessionOption = app_commands.Transform[Session, SessionTransformer]
SpeakerOption = app_commands.Transform[Speaker, SpeakerTransformer]
TrackOption = app_commands.Transform[str, TrackTransformer]
ZoneOption = app_commands.Transform[str, ZoneTransformer]
WhenOption = app_commands.Transform[When, WhenTransformer]
