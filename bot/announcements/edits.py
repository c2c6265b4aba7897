"""Editing an announcement already scheduled or posted, for ``service.py``.

Copies still waiting take the new text and time (their outbox rows move through the
engine's ``replace_scope``); copies already posted are edited in place on Discord,
each refusal named in the reply. Either way the moderation log is told.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from bot.announcements.channels import CopyState, channel_list, state_summary
from bot.announcements.planning import ANNOUNCEMENT, announcement_row, announcement_scope
from bot.announcements.posted import DiscordRefused, PostedMessages
from bot.announcements.timing import read_back
from bot.answers.reader import Reader
from bot.core import Core
from bot.errors import UserError
from bot.moderation import ModerationLog
from bot.rendering.outgoing import OutgoingMessage
from bot.rendering.text import neutralise
from bot.storage.repositories.announcements import Announcement, AnnouncementCopy


class AnnouncementEdits:
    """Apply a moderator's edit to the copies of a scheduled or posted announcement."""

    def __init__(
        self,
        core: Core,
        moderation: ModerationLog,
        messages: Callable[[], PostedMessages],
    ) -> None:
        self._core = core
        self._moderation = moderation
        self._messages = messages

    async def apply(
        self,
        found: Announcement,
        states: Sequence[CopyState],
        *,
        title: str,
        body: str,
        post_at: datetime | None,
        message: OutgoingMessage,
        reader: Reader,
        actor_id: int,
    ) -> str:
        """Change scheduled copies (text and time), or edit every posted copy in place.

        Returns what to reply. :raises UserError: no copy is left to edit.
        """
        database = self._core.database
        posted = [copy for copy, state in states if state == "posted"]
        waiting = [copy for copy, state in states if state == "scheduled"]
        if not posted and not waiting:
            raise UserError(
                f"Announcement #{found.id} is {state_summary(states)}; it can no longer be edited."
            )
        title = " ".join(title.split())
        if posted:
            messages = self._messages()
            # Copies still waiting (a retry) go out with the new text at their own time.
            await database.announcements.update_draft(
                found.id, title=title, content=body.strip(), post_at=found.post_at
            )
            edited, refused = await self._edit_posted(messages, posted, message)
            done = f"Edited the posted announcement #{found.id} in {channel_list(edited)}."
            if refused:
                done += f" I could not edit it in {'; '.join(refused)}."
            state = "posted"
        else:
            due = post_at or self._core.clock.now()
            await database.announcements.update_draft(
                found.id, title=title, content=body.strip(), post_at=due
            )
            delivery = self._core.delivery
            await delivery.replace_scope(
                ANNOUNCEMENT,
                announcement_scope(found.id),
                [
                    announcement_row(delivery, found.id, copy.channel_id, due, copy.outbox_key)
                    for copy in waiting
                ],
            )
            done = (
                f"Updated announcement #{found.id}: it goes to "
                f"{channel_list(copy.channel_id for copy in waiting)} "
                f"{'at ' if post_at else ''}{read_back(post_at, reader)}."
            )
            state = "scheduled"
        await self._moderation.record_action(
            actor_id=actor_id,
            action=f"edited announcement #{found.id} “{neutralise(title)}” ({state})",
            subject=announcement_scope(found.id),
            where=channel_list(copy.channel_id for copy in posted or waiting),
        )
        return done

    async def _edit_posted(
        self,
        messages: PostedMessages,
        copies: Sequence[AnnouncementCopy],
        message: OutgoingMessage,
    ) -> tuple[list[int], list[str]]:
        """Edit each posted copy; return the channels edited and a sentence per refusal."""
        outbox = self._core.database.outbox
        edited: list[int] = []
        refused: list[str] = []
        for copy in copies:
            row = await outbox.get(copy.outbox_key)
            if row is None or row.discord_message_id is None:
                refused.append(f"<#{copy.channel_id}> (I can't find the message)")
                continue
            try:
                await messages.edit(copy.channel_id, row.discord_message_id, message)
            except DiscordRefused as error:
                refused.append(f"<#{copy.channel_id}> (Discord said {error.status} {error.text})")
                continue
            edited.append(copy.channel_id)
        return edited, refused
