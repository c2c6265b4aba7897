"""How errors reach users: one ephemeral sentence, or a short code for the unexpected.

A declarative table maps exception types to the sentence a user sees. Anything not
in the table is a bug: the user gets a short error code and the log gets the same
code with the traceback, so a moderator's screenshot leads straight to the cause.

A command that may wait (it writes to the database, or fetches) calls
:func:`defer_ephemeral` first, so Discord's 3 s deadline is met by the "thinking…"
answer; its reply, and any error reply, then go out as a follow-up.

Under a burst (a keynote ends and a thousand people type ``/next``) the command tree
defers any command marked :func:`answer_may_follow` too, before its options are parsed
and its answer worked out, when the bot is behind or busy (``bot/answer_pacing.py``). An
interaction Discord dropped anyway (10062 "Unknown interaction": its 3 s passed) is
counted, logged as one line and never answered again (:func:`answer_failure`): a second
request would be refused too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

import discord
from discord import app_commands

from bot.answer_pacing import AnswerPacing
from bot.errors import BUSY_MESSAGE, DatabaseBusyError, UserError, error_code
from bot.option_bounds import OptionOutOfBounds, check_options

log = logging.getLogger(__name__)

# Discord's "Unknown interaction": the interaction's 3 s to acknowledge had passed
# (topics/opcodes-and-status-codes).
UNKNOWN_INTERACTION = 10062
_ANSWER_MAY_FOLLOW = "confbot.answer_may_follow"

CommandT = TypeVar("CommandT", bound=app_commands.Command[Any, ..., Any])


def answer_may_follow(command: CommandT) -> CommandT:
    """Mark a command whose private answer may come as a follow-up after a "thinking…" defer.

    Put it above ``@app_commands.command``. Only for commands that answer privately and
    never open a modal: a modal cannot follow a defer.
    """
    command.extras[_ANSWER_MAY_FOLLOW] = True
    return command


def seconds_waited(interaction: discord.Interaction[Any]) -> float:
    """Return how many real seconds ago Discord created ``interaction`` (its id's time).

    Read on the bot's clock; on a clock running N times real time (the demo's ``--speed``)
    N simulated seconds are one real one, as the sandbox's 3 s deadline counts them.
    """
    clock = getattr(interaction.client, "clock", None)
    now = clock.now() if clock is not None else discord.utils.utcnow()
    speed = getattr(clock, "speed", 1.0)
    return (now - interaction.created_at).total_seconds() / max(float(speed), 1.0)


def _pacing(interaction: discord.Interaction[Any]) -> AnswerPacing:
    pacing = getattr(interaction.client, "answer_pacing", None)
    return pacing if isinstance(pacing, AnswerPacing) else AnswerPacing()


def dropped_by_discord(error: BaseException) -> bool:
    """Return whether ``error`` is Discord's 10062: the interaction's 3 s had passed."""
    error = unwrap(error)
    return isinstance(error, discord.NotFound) and error.code == UNKNOWN_INTERACTION


def note_dropped(interaction: discord.Interaction[Any], context: str) -> None:
    """Count and log, in one line, an answer Discord refused because its 3 s had passed."""
    _pacing(interaction).stats.too_late += 1
    log.warning(
        "answered %s too late: Discord had dropped interaction %s (10062); not answering again",
        context,
        interaction.id,
    )


async def answer_failure(
    interaction: discord.Interaction[Any], error: BaseException, *, context: str
) -> None:
    """Tell the user why ``context`` failed; say nothing to an interaction Discord dropped.

    A 10062 is counted and logged as one line: answering again would be refused again
    (each refusal an invalid request Discord counts).
    """
    if dropped_by_discord(error):
        note_dropped(interaction, context)
        return
    await send_ephemeral(interaction, describe_failure(error, context=context))


_USER_MESSAGES: dict[type[BaseException], Callable[[BaseException], str]] = {
    UserError: str,
    # A value outside the option's declared bounds, which only a modified client sends.
    OptionOutOfBounds: str,
    # Another process held the database longer than a command may wait: retrying works.
    DatabaseBusyError: lambda _: BUSY_MESSAGE,
    app_commands.MissingRole: lambda _: "Only moderators can do that.",
    app_commands.MissingAnyRole: lambda _: "Only moderators can do that.",
    app_commands.MissingPermissions: lambda _: "You don't have the permissions for that.",
    app_commands.NoPrivateMessage: lambda _: "That only works in the conference server.",
    app_commands.CommandOnCooldown: lambda error: (
        f"Slow down a little: try again in {error.retry_after:.0f} s."  # type: ignore[attr-defined]
    ),
    app_commands.CheckFailure: lambda _: "You can't use that here.",
}


def unwrap(error: BaseException) -> BaseException:
    """Return the error a command really raised, beneath discord.py's wrappers."""
    while isinstance(error, app_commands.CommandInvokeError | app_commands.TransformerError):
        cause = error.__cause__ or getattr(error, "original", None)
        if cause is None:
            break
        error = cause
    return error


def user_message(error: BaseException) -> str | None:
    """Return the sentence for an expected error, or ``None`` for a bug."""
    for error_type in type(error).__mro__:
        render = _USER_MESSAGES.get(error_type)
        if render is not None:
            return render(error)
    return None


def describe_failure(error: BaseException, *, context: str) -> str:
    """Return what the user should read for ``error``; log it with a code if unexpected."""
    error = unwrap(error)
    message = user_message(error)
    if message is not None:
        return message
    code = error_code()
    log.error("unexpected error %s in %s", code, context, exc_info=error)
    return f"Something went wrong on my side (error code {code}). The organisers can look it up."


async def defer_ephemeral(interaction: discord.Interaction) -> None:
    """Answer "thinking…" privately now, unless already answered; reply later by follow-up.

    A component press is deferred as an update of its message (no new message).
    """
    if interaction.response.is_done():
        return
    if interaction.type is discord.InteractionType.component:
        await interaction.response.defer()
    else:
        await interaction.response.defer(ephemeral=True, thinking=True)


async def send_ephemeral(interaction: discord.Interaction, text: str) -> None:
    """Tell the invoker ``text`` privately, whether or not the interaction was answered."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(
                text, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
            )
        else:
            await interaction.response.send_message(
                text, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
            )
    except discord.HTTPException:
        log.warning("could not deliver an error message for interaction %s", interaction.id)


class ConfbotCommandTree(app_commands.CommandTree):
    """The command tree, with the global option check and application-command error handler."""

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        """Refuse an option outside its declared bounds; acknowledge first when behind.

        discord.py passes a ``Range`` option's value through unchecked; the refusal
        (:class:`OptionOutOfBounds`) reaches :meth:`on_error` like any command's error.
        A command marked :func:`answer_may_follow` is deferred here, before its options
        are parsed and its answer worked out, when the bot is behind or busy
        (:class:`~bot.answer_pacing.AnswerPacing`); its answer then waits for the loop to
        catch up. An autocomplete past its 3 s is not answered: Discord would refuse it.
        """
        pacing = _pacing(interaction)
        waited = seconds_waited(interaction)
        if interaction.type is discord.InteractionType.autocomplete:
            pacing.began(waited)
            if pacing.past_deadline(waited):
                pacing.stats.stale_autocompletes += 1
                return False
            return True
        check_options(interaction)
        command = interaction.command
        if command is None or not command.extras.get(_ANSWER_MAY_FOLLOW):
            pacing.began(waited)
        elif pacing.acknowledge_first(waited) and not interaction.response.is_done():
            try:
                with pacing.acknowledging():
                    await defer_ephemeral(interaction)
            except discord.HTTPException as error:
                # Raised from here it would escape discord.py's error handler.
                await answer_failure(interaction, error, context=f"/{command.qualified_name}")
                return False
            await pacing.caught_up()
        return True

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        """Answer the invoker with one sentence; log bugs with a code."""
        command = interaction.command.qualified_name if interaction.command else "an interaction"
        await answer_failure(interaction, error, context=f"/{command}")
