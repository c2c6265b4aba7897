"""Plain questions: answer when mentioned (not via @everyone) or DMed by a person.

Replies go to the same channel or DM, as a reply to the question, pinging nobody.
No input ever goes unanswered with a traceback: a user mistake becomes its sentence,
anything unexpected a short error code (also logged).

Speaker questions are answered by the speakers service
(:meth:`bot.speakers.service.SpeakerService.answer_question`), which adds the members
speakers are linked to.

Page buttons on an answer re-read the question they answer (the message the answer
replies to) as of when it was asked, so they keep turning after a restart.
"""

from __future__ import annotations

from datetime import datetime

import discord
from discord.ext import commands

from bot.answers.conversation import Conversation
from bot.answers.questions import is_text_command
from bot.app import Confbot
from bot.interaction_errors import describe_failure
from bot.rendering.cards import Reply
from bot.rendering.pages import Answer
from cogs.replies import answer_message
from cogs.views import ListQuery, install_page_buttons

# The list whose page buttons this cog answers: the question is the replied-to message.
MESSAGE_LIST = "message"


class Questions(commands.Cog):
    """Answers to "@confbot when is the keynote?" and other plain questions."""

    def __init__(self, bot: Confbot) -> None:
        self.bot = bot

    @property
    def conversation(self) -> Conversation:
        """Return the conversation service (built once; it reads the schedule shown now)."""
        return self.bot.services.conversation

    async def cog_load(self) -> None:
        """Answer the page buttons of answers to questions, old messages' too."""
        await install_page_buttons(self.bot)
        self.bot.answer_hooks.add_list_source(self.reopen_list)

    async def cog_unload(self) -> None:
        """Stop answering this cog's lists."""
        self.bot.answer_hooks.remove_list_source(self.reopen_list)

    async def reopen_list(
        self, query: ListQuery, interaction: discord.Interaction
    ) -> Answer | None:
        """Answer the question a paged answer replied to again, as of when it was asked.

        ``None`` (the list has expired) when the question was deleted.
        """
        if query.kind != MESSAGE_LIST:
            return None
        question = await self.replied_question(interaction.message)
        text = self.addressed_text(question) if question is not None else None
        if question is None or text is None:
            return None
        return await self.answer(question, text, now=query.at)

    @staticmethod
    async def replied_question(answer: discord.Message | None) -> discord.Message | None:
        """Return the message ``answer`` replies to, or ``None`` if it is gone."""
        reference = answer.reference if answer is not None else None
        if answer is None or reference is None or reference.message_id is None:
            return None
        if isinstance(reference.resolved, discord.Message):
            return reference.resolved
        if isinstance(reference.resolved, discord.DeletedReferencedMessage):
            return None
        try:
            return await answer.channel.fetch_message(reference.message_id)
        except discord.HTTPException:
            return None

    def addressed_text(self, message: discord.Message) -> str | None:
        """Return what a person asked the bot in ``message``, or ``None`` if it is not for it.

        A DM, a message mentioning the bot, or one starting with the configured text
        command prefix and a known command ("!schedule tomorrow") is for the bot; the
        prefix is removed. Other prefixed chat ("!!!", "!foo", "! hello", also in a DM)
        is not, unless it mentions the bot. Messages from bots (this one included) never
        are: bots answering bots can loop.
        """
        me = self.bot.user
        if me is None or message.author.bot or message.author.id == me.id:
            return None
        mentioned = any(user.id == me.id for user in message.mentions)
        prefix = self.bot.config.bot.command_prefix
        if prefix and message.content.startswith(prefix) and not mentioned:
            command = message.content[len(prefix) :]
            return command if is_text_command(command) else None
        if message.guild is None or mentioned:
            return message.content
        return None

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """Answer a mention, a DM or a prefixed text command, like the slash commands."""
        text = self.addressed_text(message)
        if text is None:
            return
        now = self.bot.clock.now()
        answer = await self.answer(message, text, now=now)
        await answer_message(self.bot, message, answer, query=ListQuery(MESSAGE_LIST, now))

    async def answer(
        self, message: discord.Message, text: str, *, now: datetime | None = None
    ) -> Answer:
        """Return the answer to ``text`` from ``message``'s author (as of ``now``); never raises."""
        me = self.bot.user
        names = tuple(
            n for n in {"confbot", me.name if me else "", me.display_name if me else ""} if n
        )
        try:
            return await self.conversation.reply(
                text,
                message.author.id,
                now or self.bot.clock.now(),
                bot_names=names,
            )
        except Exception as error:  # every input gets an answer; bugs get a code in the log
            return Reply(describe_failure(error, context="a message"), ephemeral=False)


async def setup(bot: Confbot) -> None:
    """Load the cog."""
    await bot.add_cog(Questions(bot))
