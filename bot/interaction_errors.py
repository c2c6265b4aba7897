"""How errors reach users: one ephemeral sentence, or a short code for the unexpected.

A declarative table maps exception types to the sentence a user sees. Anything not
in the table is a bug: the user gets a short error code and the log gets the same
code with the traceback, so a moderator's screenshot leads straight to the cause.

A command that may wait (it writes to the database, or fetches) calls
:func:`defer_ephemeral` first, so Discord's 3 s deadline is met by the "thinking…"
answer; its reply, and any error reply, then go out as a follow-up.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import discord
from discord import app_commands

from bot.errors import BUSY_MESSAGE, DatabaseBusyError, UserError, error_code
from bot.option_bounds import OptionOutOfBounds, check_options

log = logging.getLogger(__name__)

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
        """Refuse an option outside its declared bounds before the command runs.

        discord.py passes a ``Range`` option's value through unchecked; the refusal
        (:class:`OptionOutOfBounds`) reaches :meth:`on_error` like any command's error.
        """
        check_options(interaction)
        return True

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        """Answer the invoker with one sentence; log bugs with a code."""
        command = interaction.command.qualified_name if interaction.command else "an interaction"
        await send_ephemeral(interaction, describe_failure(error, context=f"/{command}"))
