"""Plain questions and text commands, answered through the same core as slash commands.

:meth:`Conversation.reply` parses what a user wrote to the bot (a mention or a DM),
reads their profile and returns the :data:`~bot.rendering.pages.Answer` the
matching slash command would give. User mistakes raise :class:`UserError` like
everywhere else; the Discord adapter turns them into the sentence.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.answers.current import CurrentSchedule
from bot.answers.intents import (
    HELP_EXAMPLES,
    About,
    Command,
    Help,
    SpeakerTopic,
    WhoIs,
    WhoSpeaks,
)
from bot.answers.profile import Profiles
from bot.answers.questions import parse_message
from bot.answers.reader import Reader, reader_for
from bot.answers.schedule_answers import ScheduleAnswers, SpeakerAnswerer, SpeakerQuestion
from bot.errors import UserError
from bot.rendering.cards import Reply
from bot.rendering.pages import Answer
from bot.rendering.sessions import help_text
from bot.storage.database import Database

__all__ = ["Conversation"]


class Conversation:
    """Answer what users write to the bot, in their own time zone."""

    def __init__(
        self,
        current: CurrentSchedule,
        database: Database,
        profiles: Profiles,
        *,
        about: Callable[[], str],
        speaker_answerer: SpeakerAnswerer | None = None,
    ) -> None:
        """Answer over ``answers``; ``speaker_answerer`` answers speaker questions.

        ``speaker_answerer`` (the speakers service's ``answer_question``, which adds the
        members speakers are linked to) replaces the schedule's default answers to
        "who is X", "what is X talking about", "who gives Y" and "tell me about <speaker>".
        """
        self._current = current
        self.database = database
        self.profiles = profiles
        self._about = about
        self._speaker_answerer = speaker_answerer

    @property
    def answers(self) -> ScheduleAnswers:
        """Return the answers of the schedule shown now (a refresh swaps them)."""
        return self._current.answers

    async def reply(
        self,
        text: str,
        user_id: int,
        now: datetime,
        *,
        bot_names: tuple[str, ...] = ("confbot",),
    ) -> Answer:
        """Return the answer to ``text`` from ``user_id``; ``Help`` when not understood.

        :raises UserError: the question names a session, zone or time that cannot be used.
        """
        intent = parse_message(text, bot_names=bot_names)
        if isinstance(intent, Help):
            return Reply(help_text(HELP_EXAMPLES), ephemeral=False)
        if isinstance(intent, Command):
            return await self._command(intent, user_id, now)
        reader = await reader_for(self.database, user_id, self.answers.conference_zone)
        speaker_answerer = self._speaker_answerer
        if isinstance(intent, WhoIs | SpeakerTopic | WhoSpeaks):
            return await self._speaker(intent, reader, now)
        if isinstance(intent, About) and speaker_answerer is not None:
            match = self.answers.search_index.find(intent.query[:200])
            if match is not None and match.kind == "speaker":
                return await speaker_answerer(WhoIs(match.id), reader, now)
        return self.answers.answer(intent, reader, now)

    async def _speaker(self, question: SpeakerQuestion, reader: Reader, now: datetime) -> Answer:
        if self._speaker_answerer is not None:
            return await self._speaker_answerer(question, reader, now)
        return self.answers.speaker_question(question, reader, now)

    async def _command(self, command: Command, user_id: int, now: datetime) -> Answer:
        name, argument = command.name, command.argument or ""
        profiles = self.profiles
        if name == "help":
            return Reply(help_text(HELP_EXAMPLES))
        if name == "about":
            return Reply(self._about())
        if name == "timezone set":
            if not argument:
                raise UserError("Tell me the zone, for example “timezone set Sydney”.")
            return await profiles.set_zone(user_id, argument, now)
        if name == "timezone":
            return await profiles.show_zone(user_id, now)
        if name == "timezone clear":
            return await profiles.clear_zone(user_id, now)
        if name == "timezone clock":
            return await profiles.set_clock(user_id, argument, now)
        reader = await reader_for(self.database, user_id, self.answers.conference_zone)
        if name == "sessions":
            return self.answers.schedule_for(reader, now)
        if name in ("speakers", "rooms", "tracks"):
            return self.answers.listing(name, reader)
        return Reply(help_text(HELP_EXAMPLES))
