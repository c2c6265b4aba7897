"""The announcement preview's buttons and the form, for ``cogs/announcements.py``.

Both check the moderator on the server side before anything happens: a button in its
callback, the form in ``interaction_check`` (so a refused submission leaves the form
open for its moderator). They call the loaded announcements cog through
:class:`AnnouncementActions`, so this module does not import the cog.
"""

from __future__ import annotations

import re
import secrets
from typing import TYPE_CHECKING, Any, Protocol

import discord

from bot.announcements.text import BODY_LIMIT, TITLE_LIMIT, Ping
from bot.errors import UserError
from bot.storage.repositories.announcements import Announcement
from cogs.checks import require_moderator
from cogs.views import PREFIX, answer_button_failure

if TYPE_CHECKING:
    from bot.app import Confbot

BUTTON_STYLES = {
    "send": ("Send now", discord.ButtonStyle.success),
    "schedule": ("Schedule", discord.ButtonStyle.primary),
    "edit": ("Edit", discord.ButtonStyle.secondary),
    "cancel": ("Cancel", discord.ButtonStyle.danger),
}


class AnnouncementActions(Protocol):
    """What the buttons and the form need from the announcements cog."""

    bot: Confbot

    async def pressed(self, interaction: discord.Interaction, action: str, draft_id: int) -> None:
        """Act on a preview button."""
        ...

    async def submitted(
        self,
        interaction: discord.Interaction,
        modal: AnnouncementModal,
        *,
        title: str,
        body: str,
        when: str,
    ) -> None:
        """Store the form's text as a draft (or apply an edit) and show the preview."""
        ...


class AnnouncementButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"{PREFIX}:announce:(?P<action>send|schedule|edit|cancel):(?P<id>\d+)",
):
    """A preview button: Send now, Schedule, Edit or Cancel one draft (its id in the custom_id)."""

    def __init__(self, action: str, announcement_id: int) -> None:
        label, style = BUTTON_STYLES[action]
        super().__init__(
            discord.ui.Button(
                label=label,
                style=style,
                custom_id=f"{PREFIX}:announce:{action}:{announcement_id}",
            )
        )
        self.action = action
        self.announcement_id = announcement_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> AnnouncementButton:
        """Rebuild the button from its custom_id (any preview, even after a restart)."""
        return cls(match["action"], int(match["id"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Check the presser is a moderator, then act on the draft."""
        try:
            cog = _cog(interaction)
            require_moderator(interaction, cog.bot.services.config.guild)
            await cog.pressed(interaction, self.action, self.announcement_id)
        except Exception as error:  # discord.py would only log it: the user gets a sentence
            await answer_button_failure(interaction, error)


def _cog(interaction: discord.Interaction[Any]) -> AnnouncementActions:
    cog = interaction.client.get_cog("Announcements")
    if cog is None or not hasattr(cog, "pressed"):
        raise UserError("Announcements are not available right now.")
    return cog


class AnnouncementModal(discord.ui.Modal):
    """Title, text and time of an announcement; a new draft, or an edit of ``existing``."""

    def __init__(
        self,
        cog: AnnouncementActions,
        *,
        channel_ids: tuple[int, ...],
        ping: Ping,
        when: str,
        session_id: str | None = None,
        existing: Announcement | None = None,
    ) -> None:
        subject = "new" if existing is None else str(existing.id)
        super().__init__(
            title="New announcement" if existing is None else f"Edit announcement #{existing.id}",
            # discord.py finds an open modal by its custom_id alone: two moderators'
            # forms open at once must not share one.
            custom_id=f"{PREFIX}:announce-modal:{subject}:{secrets.token_hex(8)}",
            timeout=15 * 60,  # an interaction token's lifetime
        )
        self.cog = cog
        self.channel_ids = channel_ids
        self.ping = ping
        self.session_id = session_id
        self.existing = existing
        self.title_input: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Title",
            max_length=TITLE_LIMIT,
            required=False,
            default=existing.title if existing else None,
        )
        self.body_input: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Text",
            style=discord.TextStyle.paragraph,
            max_length=BODY_LIMIT,
            default=existing.content if existing else None,
        )
        self.when_input: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="When (your time zone), or now",
            max_length=60,
            required=False,
            default=when,
        )
        for item in (self.title_input, self.body_input, self.when_input):
            self.add_item(item)

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        """Refuse a non-moderator's submission (the modal stays open for its moderator)."""
        try:
            require_moderator(interaction, self.cog.bot.services.config.guild)
        except Exception as error:
            await answer_button_failure(interaction, error)
            return False
        return True

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        """Show the preview (or apply the edit); a bad time or text gets its sentence."""
        try:
            await self.cog.submitted(
                interaction,
                self,
                title=self.title_input.value,
                body=self.body_input.value,
                when=self.when_input.value,
            )
        except Exception as error:  # the user gets a sentence, not "interaction failed"
            await answer_button_failure(interaction, error)
