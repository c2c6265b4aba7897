"""The announcement preview's buttons and the form, and what pressing or submitting does.

Both check the moderator on the server side before anything happens: a button in its
callback, the form in ``interaction_check`` (so a refused submission leaves the form
open for its moderator). Both call the announcements service
(``interaction.client.services.announcements``); no cog is looked up.
"""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.announcements.custom_ids import BUTTON_TEMPLATE, button_id, form_id
from bot.announcements.service import EditForm, Preview
from bot.announcements.text import BODY_LIMIT, TITLE_LIMIT, Ping
from bot.discord_embeds import card_to_embed
from bot.interaction_errors import defer_ephemeral, describe_failure
from bot.storage.repositories.announcements import Announcement
from cogs.announcements.targets import require_can_post
from cogs.checks import require_moderator
from cogs.transformers import confbot_of
from cogs.views import InvokerView, PersistentView, answer_button_failure

BUTTON_STYLES = {
    "send": ("Send now", discord.ButtonStyle.success),
    "schedule": ("Schedule", discord.ButtonStyle.primary),
    "edit": ("Edit", discord.ButtonStyle.secondary),
    "cancel": ("Cancel", discord.ButtonStyle.danger),
}


async def reply(interaction: discord.Interaction[Any], text: str) -> None:
    """Send ``text`` privately by follow-up, pinging nobody."""
    await interaction.followup.send(
        text, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
    )


class AnnouncementButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=BUTTON_TEMPLATE,
):
    """A preview button: Send now, Schedule, Edit or Cancel one draft (its id in the custom_id)."""

    def __init__(self, action: str, announcement_id: int) -> None:
        label, style = BUTTON_STYLES[action]
        super().__init__(
            discord.ui.Button(
                label=label, style=style, custom_id=button_id(action, announcement_id)
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
            require_moderator(interaction, confbot_of(interaction).services.config.guild)
            await self.pressed(interaction)
        except Exception as error:  # discord.py would only log it: the user gets a sentence
            await answer_button_failure(interaction, error)

    async def pressed(self, interaction: discord.Interaction[Any]) -> None:
        """Open the edit form, cancel, or queue the draft (after checking every channel)."""
        bot = confbot_of(interaction)
        service = bot.services.announcements
        found = await service.get(interaction.guild_id or 0, self.announcement_id)
        if self.action == "edit":
            await open_edit(interaction, found)
            return
        await defer_ephemeral(interaction)
        if self.action == "cancel":
            await reply(interaction, await service.cancel(found, actor_id=interaction.user.id))
            return
        queueing = await service.queueing(found, self.action)
        guild = interaction.guild
        require_can_post(
            [guild.get_channel(each) if guild else None for each in queueing.channel_ids],
            queueing.ping,
        )
        reader = await bot.reader(interaction.user.id)
        await reply(
            interaction, await service.queue(queueing, actor_id=interaction.user.id, reader=reader)
        )


async def open_edit(interaction: discord.Interaction[Any], found: Announcement) -> None:
    """Open the form prefilled with the announcement (its time in the editor's zone)."""
    bot = confbot_of(interaction)
    reader = await bot.reader(interaction.user.id)
    form = await bot.services.announcements.edit_form(found, reader)
    await interaction.response.send_modal(AnnouncementModal.editing(form))


async def show_preview(interaction: discord.Interaction[Any], preview: Preview) -> None:
    """Show the draft exactly as it will appear, with what, where and when, and its buttons."""
    draft_id = preview.announcement_id
    view = PersistentView([AnnouncementButton(action, draft_id) for action in preview.actions])
    await interaction.followup.send(
        preview.content,
        embeds=[card_to_embed(card) for card in preview.cards],
        view=view,
        ephemeral=True,
        allowed_mentions=discord.AllowedMentions.none(),
    )


class RefusedForm(InvokerView):
    """The refusal of a form, with a button that reopens it as the moderator typed it.

    A dialog (in memory, 10 minutes): the text is too long for a custom_id.
    """

    def __init__(self, form: AnnouncementModal, invoker_id: int) -> None:
        super().__init__(invoker_id)
        self.form = form

    @discord.ui.button(label="Edit and try again", style=discord.ButtonStyle.primary)
    async def reopen(
        self, interaction: discord.Interaction[Any], button: discord.ui.Button[RefusedForm]
    ) -> None:
        """Open the form again, filled in with the refused title, text and time."""
        await interaction.response.send_modal(self.form.reopened())


class AnnouncementModal(discord.ui.Modal):
    """Title, text and time of an announcement; a new draft, or an edit of ``existing``."""

    def __init__(
        self,
        *,
        channel_ids: tuple[int, ...],
        ping: Ping,
        when: str,
        session_id: str | None = None,
        existing: Announcement | None = None,
        typed: tuple[str, str] | None = None,
    ) -> None:
        """``typed`` (title, text) reopens a refused form with what the moderator wrote."""
        super().__init__(
            title="New announcement" if existing is None else f"Edit announcement #{existing.id}",
            custom_id=form_id(None if existing is None else existing.id),
            timeout=15 * 60,  # an interaction token's lifetime
        )
        self.channel_ids = channel_ids
        self.ping = ping
        self.session_id = session_id
        self.existing = existing
        title, body = typed or ((existing.title, existing.content) if existing else (None, None))
        self.title_input: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Title", max_length=TITLE_LIMIT, required=False, default=title
        )
        self.body_input: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Text", style=discord.TextStyle.paragraph, max_length=BODY_LIMIT, default=body
        )
        self.when_input: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="When (your time zone), or now",
            max_length=60,
            required=False,
            default=when,
        )
        for item in (self.title_input, self.body_input, self.when_input):
            self.add_item(item)

    @classmethod
    def editing(cls, form: EditForm) -> AnnouncementModal:
        """Return the form prefilled to edit ``form.announcement``."""
        found = form.announcement
        return cls(
            channel_ids=form.channel_ids,
            ping=form.ping,
            when=form.when,
            session_id=found.session_id,
            existing=found,
        )

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        """Refuse a non-moderator's submission (the modal stays open for its moderator)."""
        try:
            require_moderator(interaction, confbot_of(interaction).services.config.guild)
        except Exception as error:
            await answer_button_failure(interaction, error)
            return False
        return True

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        """Show the preview (or apply the edit); a bad time or text gets its sentence.

        The sentence comes with "Edit and try again", which reopens the form with what
        was typed: Discord closes a submitted form, and its text would be lost.
        """
        try:
            await self.submitted(interaction)
        except Exception as error:  # the user gets a sentence, not "interaction failed"
            sentence = describe_failure(error, context="an announcement form")
            await RefusedForm(self, interaction.user.id).send(interaction, sentence)

    def reopened(self) -> AnnouncementModal:
        """Return this form again (a new one: Discord's forms are single-use), as typed."""
        return AnnouncementModal(
            channel_ids=self.channel_ids,
            ping=self.ping,
            when=self.when_input.value,
            session_id=self.session_id,
            existing=self.existing,
            typed=(self.title_input.value, self.body_input.value),
        )

    async def submitted(self, interaction: discord.Interaction[Any]) -> None:
        """Store the form's text as a draft (or apply an edit) and show the preview."""
        bot = confbot_of(interaction)
        service = bot.services.announcements
        reader = await bot.reader(interaction.user.id)
        post_at = service.when(self.when_input.value, reader)
        existing = self.existing
        session_id = existing.session_id if existing else self.session_id
        title, body = self.title_input.value, self.body_input.value
        message = service.compose(title, body, self.ping, session_id)  # refuses empty/too long
        await defer_ephemeral(interaction)
        answer = await service.submit(
            guild_id=interaction.guild_id or 0,
            author_id=interaction.user.id,
            channel_ids=self.channel_ids,
            ping=self.ping,
            session_id=session_id,
            existing=existing,
            title=title,
            body=body,
            post_at=post_at,
            message=message,
            reader=reader,
        )
        if isinstance(answer, Preview):
            await show_preview(interaction, answer)
        else:
            await reply(interaction, answer)
