"""The announcements feature's one API: drafts, scheduling, edits, cancels, the list.

An announcement is a row whose status moves draft → scheduled → posted, or to
cancelled; each of its channels is a copy (``announcement_channels``) with its own
outbox row, written and cancelled only through the delivery engine. Every action a
moderator takes is told to the moderation log. The cog reads the interaction, checks
what only Discord knows (the channels' permissions) and sends the words returned here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.announcements.channels import CopyState, channel_list, state_summary
from bot.announcements.crossposts import Crossposts
from bot.announcements.custom_ids import ACTIONS
from bot.announcements.edits import AnnouncementEdits
from bot.announcements.kinds import AnnouncementKind
from bot.announcements.pace import StartPace
from bot.announcements.pings import RoleName, chosen_ping, ping_choices, pingable_roles
from bot.announcements.planning import (
    announcement_key,
    announcement_row,
    announcement_scope,
)
from bot.announcements.posted import PostedMessages
from bot.announcements.replies import announcement_list, preview_cards
from bot.announcements.text import Ping, announcement_message
from bot.announcements.timing import parse_when, read_back
from bot.answers.reader import Reader
from bot.core import Core
from bot.delivery import RenderContext
from bot.errors import NotFoundError, UserError
from bot.moderation import ModerationLog
from bot.rendering.cards import Card
from bot.rendering.outgoing import OutgoingMessage
from bot.rendering.text import neutralise
from bot.schedule.model import Session
from bot.storage.repositories.announcements import Announcement, AnnouncementCopy
from bot.storage.repositories.outbox import OutboxItem
from bot.timezones import to_local

RECENT_LIMIT = 10  # announcements in /announce list


@dataclass(frozen=True, slots=True)
class Preview:
    """The draft as it will be posted, what the preview says about it, and its buttons."""

    announcement_id: int
    content: str
    cards: tuple[Card, ...]
    actions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class EditForm:
    """What the edit form of an announcement opens with."""

    announcement: Announcement
    channel_ids: tuple[int, ...]
    ping: Ping
    when: str


@dataclass(frozen=True, slots=True)
class Queueing:
    """A draft about to be queued: when, and where (the cog checks it may post there)."""

    announcement: Announcement
    due: datetime
    copies: tuple[AnnouncementCopy, ...]

    @property
    def channel_ids(self) -> list[int]:
        """Return the channels the copies go to, in the order chosen."""
        return [copy.channel_id for copy in self.copies]

    @property
    def ping(self) -> Ping:
        """Return whom the announcement pings."""
        return Ping.parse(self.announcement.ping)


class AnnouncementService:
    """Moderators' announcements, from the form to one outbox row per channel."""

    def __init__(self, core: Core, moderation: ModerationLog) -> None:
        self._core = core
        self._moderation = moderation
        self._messages: PostedMessages | None = None
        self.kind = AnnouncementKind(core, moderation)
        self._edits = AnnouncementEdits(core, moderation, self._connected)
        self.crossposts = Crossposts(core.database, core.delivery, moderation)
        self._pace = StartPace()

    def require_room_to_start(self, guild_id: int, user_id: int) -> None:
        """Refuse ``/announce new`` to a moderator who started 5 announcements this minute.

        :raises UserError: the sentence saying how long to wait.
        """
        self._pace.require_room(guild_id, user_id, self._core.clock.now())

    def connect(self, messages: PostedMessages) -> None:
        """Use ``messages`` (the Discord layer) to crosspost and edit posted copies."""
        self._messages = messages
        self.crossposts.messages = messages

    def _connected(self) -> PostedMessages:
        """Return the Discord layer. :raises UserError: the cog has not connected it."""
        if self._messages is None:
            raise UserError("Announcements are not available right now.")
        return self._messages

    async def render(self, item: OutboxItem, context: RenderContext) -> OutgoingMessage:
        """Render one copy's row (the ``announcement`` kind's renderer)."""
        return await self.kind.render(item, context)

    async def crosspost_left_over(self) -> None:
        """Crosspost copies posted just before the bot stopped (run once channels are known)."""
        await self.crossposts.left_over()

    # -- what the moderator typed -------------------------------------------------------

    def pingable(self, roles: Iterable[RoleName]) -> list[RoleName]:
        """Return the server's roles (``(id, name)``, @everyone left out) the config allows."""
        return pingable_roles(roles, self._core.config.announcements.pingable_roles)

    def ping_choices(self, current: str, roles: Iterable[RoleName]) -> list[tuple[str, str]]:
        """Return the pings to offer for what was typed, as ``(name, value)`` pairs."""
        allow_everyone = self._core.config.announcements.allow_everyone
        return ping_choices(current, self.pingable(roles), allow_everyone=allow_everyone)

    def ping(self, typed: str | None, roles: Iterable[RoleName]) -> Ping:
        """Return the ping typed. :raises UserError: it is not allowed."""
        allow_everyone = self._core.config.announcements.allow_everyone
        return chosen_ping(typed, self.pingable(roles), allow_everyone=allow_everyone)

    def when(self, typed: str | None, reader: Reader) -> datetime | None:
        """Return the instant typed in the reader's zone (``None``: now), refusing a past one."""
        return parse_when(typed, reader, now=self._core.clock.now())

    def session(self, typed: str) -> Session:
        """Return the session the option names (autocomplete sends its id).

        :raises NotFoundError: nothing matches; the sentence names the closest titles.
        """
        found = self._core.schedule.session(typed)
        return found or self._core.answers.find_session(typed, self._core.clock.now())

    def compose(self, title: str, body: str, ping: Ping, session_id: str | None) -> OutgoingMessage:
        """Return the message as it will be posted. :raises UserError: empty or too long."""
        return announcement_message(title, body, ping, self.kind.session_card(session_id))

    # -- reading ------------------------------------------------------------------------

    async def get(self, guild_id: int, number: int) -> Announcement:
        """Return the server's announcement ``number``. :raises NotFoundError: there is none."""
        found = await self._core.database.announcements.get(number)
        if found is None or found.guild_id != guild_id:
            raise NotFoundError(f"There is no announcement #{number}; see /announce list.")
        return found

    async def editable(self, guild_id: int, number: int) -> Announcement:
        """Return the announcement ``number`` to edit. :raises UserError: it was cancelled."""
        found = await self.get(guild_id, number)
        if found.status == "cancelled":
            raise UserError(f"Announcement #{found.id} was cancelled; write a new one.")
        return found

    async def recent(self, guild_id: int, limit: int) -> list[Announcement]:
        """Return the server's latest announcements that are not drafts, newest first."""
        return await self._core.database.announcements.recent(guild_id, limit)

    async def copy_states(self, announcement: Announcement) -> list[CopyState]:
        """Return each copy with "draft", "scheduled", "posted", "skipped", "failed"…"""
        database = self._core.database
        states = []
        for copy in await database.announcements.copies(announcement.id):
            if announcement.status in ("draft", "cancelled"):
                states.append((copy, str(announcement.status)))
                continue
            row = await database.outbox.get(copy.outbox_key)
            if row is None or row.status in ("pending", "sending"):
                states.append((copy, "scheduled"))
            else:
                states.append((copy, {"sent": "posted"}.get(row.status, row.status)))
        return states

    async def listing(self, guild_id: int, reader: Reader) -> str:
        """Return /announce list: scheduled and recent announcements, in the reader's zone."""
        recent = await self.recent(guild_id, RECENT_LIMIT)
        return announcement_list([(each, await self.copy_states(each)) for each in recent], reader)

    async def edit_form(self, found: Announcement, reader: Reader) -> EditForm:
        """Return the edit form's contents: its time in the reader's zone, or "now"."""
        when = "now"
        if found.post_at is not None and found.post_at > self._core.clock.now():
            when = f"{to_local(found.post_at, reader.zone):%Y-%m-%d %H:%M}"
        copies = await self._core.database.announcements.copies(found.id)
        channel_ids = tuple(copy.channel_id for copy in copies)
        return EditForm(found, channel_ids, Ping.parse(found.ping), when)

    # -- the form submitted ---------------------------------------------------------------

    async def submit(
        self,
        *,
        guild_id: int,
        author_id: int,
        channel_ids: Sequence[int],
        ping: Ping,
        session_id: str | None,
        existing: Announcement | None,
        title: str,
        body: str,
        post_at: datetime | None,
        message: OutgoingMessage,
        reader: Reader,
    ) -> Preview | str:
        """Store a new draft (or change one) and return its preview, or apply an edit.

        ``message`` is :meth:`compose`'s, checked before the moderator was answered.
        An announcement already scheduled or posted is edited: the reply says how.
        """
        if existing is not None and existing.status != "draft":
            return await self._edits.apply(
                existing,
                await self.copy_states(existing),
                title=title,
                body=body,
                post_at=post_at,
                message=message,
                reader=reader,
                actor_id=author_id,
            )
        database = self._core.database
        title = " ".join(title.split())
        if existing is None:
            async with database.transaction():
                draft = await database.announcements.create(
                    guild_id,
                    channel_ids[0],
                    author_id,
                    body.strip(),
                    post_at,
                    title=title,
                    ping=ping.stored(),
                    status="draft",
                    session_id=session_id,
                )
                await database.announcements.set_copies(
                    draft.id, [(each, announcement_key(draft.id, each)) for each in channel_ids]
                )
            # Only an accepted form counts toward the pace: refused tries cost nothing.
            self._pace.record(guild_id, author_id, self._core.clock.now())
        else:
            await database.announcements.update_draft(
                existing.id, title=title, content=body.strip(), post_at=post_at
            )
            draft = await self.get(guild_id, existing.id)
        return await self._preview(draft, message, reader)

    async def _preview(
        self, draft: Announcement, message: OutgoingMessage, reader: Reader
    ) -> Preview:
        """Return the draft exactly as it will appear, where, the time read back, buttons."""
        actions = ACTIONS if draft.post_at else tuple(a for a in ACTIONS if a != "schedule")
        copies = await self._core.database.announcements.copies(draft.id)
        cards = preview_cards(draft, [copy.channel_id for copy in copies], message, reader)
        return Preview(draft.id, message.content, cards, actions)

    # -- a preview's buttons, /announce cancel ---------------------------------------------

    async def queueing(self, found: Announcement, action: str) -> Queueing:
        """Return the draft's send ("send": now; "schedule": at its time) to check, then queue.

        :raises UserError: it is no draft, has no time, or its time has passed.
        """
        if found.status != "draft":
            state = state_summary(await self.copy_states(found))
            raise UserError(f"Announcement #{found.id} is already {state}.")
        now = self._core.clock.now()
        due = now if action == "send" else found.post_at
        if due is None:
            raise UserError("This draft has no time: press Send now, or Edit to give it one.")
        if due < now:
            raise UserError("That time has passed: press Edit to choose another, or Send now.")
        copies = await self._core.database.announcements.copies(found.id)
        return Queueing(found, due, tuple(copies))

    async def queue(self, queueing: Queueing, *, actor_id: int, reader: Reader) -> str:
        """Turn the draft into one outbox row per channel, log it; return what to reply."""
        draft, due, copies = queueing.announcement, queueing.due, queueing.copies
        database, delivery = self._core.database, self._core.delivery
        scope = announcement_scope(draft.id)
        rows = [
            announcement_row(delivery, draft.id, copy.channel_id, due, copy.outbox_key)
            for copy in copies
        ]
        async with database.transaction():
            if not await database.announcements.mark_scheduled(draft.id, due, scope):
                raise UserError(f"Announcement #{draft.id} was already sent or cancelled.")
            await delivery.enqueue_many(rows)
        now = self._core.clock.now()
        what = f"announcement #{draft.id} “{neutralise(draft.title)}”"
        where = channel_list(copy.channel_id for copy in copies)
        await self._moderation.record_action(
            actor_id=actor_id,
            action=(
                f"posted {what}"
                if due <= now
                else f"scheduled {what} for <t:{int(due.timestamp())}:F>"
            ),
            subject=scope,
            where=where,
        )
        if due <= now:
            # The engine's wake-up sends it within moments; answering does not wait for it.
            return f"Posting announcement #{draft.id} in {where} now."
        return (
            f"Scheduled announcement #{draft.id} for {read_back(due, reader)} in "
            f"{where}. Change it with /announce edit, stop it with /announce cancel."
        )

    async def cancel(self, found: Announcement, *, actor_id: int) -> str:
        """Cancel it wherever it is not posted yet, log it; return what to reply.

        :raises UserError: nothing is left to cancel.
        """
        states = await self.copy_states(found)
        waiting = [copy for copy, state in states if state in ("draft", "scheduled")]
        posted = [copy for copy, state in states if state == "posted"]
        if not waiting:
            raise UserError(
                f"Announcement #{found.id} is {state_summary(states)}; only "
                "drafts and scheduled ones can be cancelled."
            )
        database = self._core.database
        async with database.transaction():
            if not posted:
                await database.announcements.cancel(found.id)
            for copy in waiting:
                await self._core.delivery.cancel(copy.outbox_key)
        cancelled_in = channel_list(copy.channel_id for copy in waiting)
        if found.status != "draft":
            await self._moderation.record_action(
                actor_id=actor_id,
                action=f"cancelled announcement #{found.id} “{neutralise(found.title)}”",
                subject=announcement_scope(found.id),
                where=cancelled_in,
            )
        if not posted:
            return f"Cancelled announcement #{found.id}; nothing will be posted."
        return (
            f"Cancelled announcement #{found.id} in {cancelled_in}; it stays posted in "
            f"{channel_list(copy.channel_id for copy in posted)}."
        )
