"""The speakers feature's one API: cards, links to Discord members, heads-up DMs.

:class:`SpeakerService` is built once by :meth:`bot.services.Services.build`. It reads
the schedule shown now on every call (a refresh swaps it), keeps speakers' links in
``database.speaker_links``, and plans each linked speaker's heads-ups as outbox rows
through the delivery engine; as a :class:`~bot.programme.followers.ScheduleFollower`
it re-plans them inside every schedule apply.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta

from bot.answers.reader import Reader
from bot.answers.schedule_answers import SpeakerQuestion
from bot.answers.search import Match
from bot.answers.speakers import SpeakerAnswers
from bot.channels import ChannelDirectory
from bot.core import Core
from bot.delivery import RenderContext
from bot.errors import NotFoundError
from bot.moderation import ModerationLog
from bot.programme.followers import ScheduleChange
from bot.rendering.cards import Reply
from bot.schedule.index import ScheduleIndex
from bot.schedule.model import Speaker
from bot.speakers.buttons import CardLink, card_links
from bot.speakers.heads_ups import plan_speaker_alert, plan_speaker_alerts
from bot.speakers.renderers import HeadsUpRenderer
from bot.speakers.texts import (
    link_log_line,
    linked_reply,
    replaced_words,
    unlink_log_line,
    unlinked_reply,
)
from bot.storage.repositories.outbox import OutboxItem

__all__ = ["SpeakerService"]


class SpeakerService:
    """Who is speaking and when, their Discord links, and their heads-ups."""

    #: The name its counts are reported under in ``Applied.followed``.
    follower_name = "speakers"

    def __init__(self, core: Core, moderation: ModerationLog, channels: ChannelDirectory) -> None:
        self._core = core
        self._moderation = moderation
        self._channels = channels
        self._heads_up = HeadsUpRenderer(core, channels)

    # -- the schedule shown now -----------------------------------------------------------

    @property
    def schedule(self) -> ScheduleIndex:
        """Return the index of the schedule shown now (for its tracks' autocomplete)."""
        return self._core.schedule

    @property
    def answers(self) -> SpeakerAnswers:
        """Return the speaker answers over the schedule shown now."""
        core = self._core
        return SpeakerAnswers(core.schedule, core.search)

    def complete(self, text: str) -> list[Match]:
        """Return up to 25 speakers matching what was typed (all, by name, when empty)."""
        return self._core.search.complete_speakers(text)

    def track_id(self, text: str) -> str:
        """Return the id of the track ``text`` names.

        :raises NotFoundError: no track matches; the sentence lists some.
        """
        return self._core.answers.track_id(text)

    async def links(self) -> dict[str, int]:
        """Return speaker id -> Discord user id (the schedule's, then moderators' links)."""
        return self.answers.discord_ids(await self._core.database.speaker_links.all())

    # -- cards ------------------------------------------------------------------------------

    async def speaker(self, reader: Reader, query: str) -> Reply:
        """Return the card of the speaker ``query`` names (an id or a fuzzy name).

        :raises NotFoundError: no speaker matches; the sentence offers the closest names.
        """
        answers = self.answers
        return answers.speaker(reader, query, await self._stored_links())

    def speakers(self, reader: Reader, now: datetime, *, track_id: str | None = None) -> Reply:
        """Return every speaker (of a track, if given) with their next session, paginated."""
        return self.answers.speakers(reader, now, track_id=track_id)

    async def answer_question(
        self, question: SpeakerQuestion, reader: Reader, now: datetime
    ) -> Reply:
        """Answer "who is X?", "what is X talking about?", "who speaks in Y?" with links.

        The schedule's own answer, plus the members speakers are linked to.

        :raises NotFoundError: no speaker (or session, for "who speaks") matches.
        """
        answers, schedule_answers = self.answers, self._core.answers
        return answers.question(
            question,
            reader,
            await self._stored_links(),
            find_session=lambda text: schedule_answers.find_session(text, now),
        )

    def card_links(self, reply: Reply) -> list[CardLink]:
        """Return the buttons an answer about one speaker or one session gets."""
        return card_links(reply, self._core.schedule)

    def session_ids(self) -> Iterator[str]:
        """Return the ids of the schedule's sessions (to resolve a button's digest)."""
        return (session.id for session in self._core.schedule.schedule.sessions)

    def speaker_ids(self) -> Iterator[str]:
        """Return the ids of the schedule's speakers (to resolve a button's digest)."""
        return (speaker.id for speaker in self._core.schedule.schedule.speakers)

    def open_session(self, reader: Reader, session_id: str | None, now: datetime) -> Reply:
        """Return the session card a button opens (``None``: its id was not found).

        :raises NotFoundError: the session left the schedule.
        """
        core = self._core
        if session_id is None or core.schedule.session(session_id) is None:
            raise NotFoundError("That session is no longer in the schedule.")
        return core.answers.session(reader, session_id, now)

    async def open_speaker(self, reader: Reader, speaker_id: str | None) -> Reply:
        """Return the speaker card a button opens (``None``: its id was not found).

        :raises NotFoundError: the speaker left the schedule.
        """
        if speaker_id is None or self._core.schedule.speaker(speaker_id) is None:
            raise NotFoundError("That speaker is no longer in the schedule.")
        return await self.speaker(reader, speaker_id)

    # -- links to Discord members -------------------------------------------------------------

    async def link(self, query: str, member_id: int, *, actor_id: int) -> str:
        """Link the speaker ``query`` names to a member; return what the moderator reads.

        Their card mentions the member and the member gets heads-up DMs. Relinking names
        the member it replaced, whose pending heads-ups are cancelled. The moderation log
        gets a line.

        :raises NotFoundError: no speaker matches.
        """
        speaker = self.find(query)
        previous = (await self.links()).get(speaker.id)
        await self._core.database.speaker_links.link(speaker.id, member_id, actor_id)
        planned = await self.plan_heads_up(speaker.id)
        replaced = replaced_words(previous, member_id)
        await self._moderation.record_action(
            actor_id=actor_id,
            action=link_log_line(speaker, member_id, replaced),
            subject=f"speaker-link:{speaker.id}",
        )
        lead = self._core.config.speakers.dm_lead_minutes
        return linked_reply(speaker, member_id, replaced, lead_minutes=lead, planned=planned)

    async def unlink(self, query: str, *, actor_id: int) -> str:
        """Remove a moderator's link (the schedule's own Discord id applies again).

        Returns what the moderator reads; a removed link gets a moderation-log line.

        :raises NotFoundError: no speaker matches.
        """
        speaker = self.find(query)
        removed = await self._core.database.speaker_links.unlink(speaker.id)
        await self.plan_heads_up(speaker.id)
        if removed:
            await self._moderation.record_action(
                actor_id=actor_id,
                action=unlink_log_line(speaker),
                subject=f"speaker-unlink:{speaker.id}",
            )
        return unlinked_reply(speaker, removed=removed)

    def find(self, query: str) -> Speaker:
        """Return the speaker ``query`` names.

        :raises NotFoundError: no speaker matches; the sentence offers the closest names.
        """
        return self.answers.find(query)

    # -- heads-up DMs -----------------------------------------------------------------------

    async def plan_heads_ups(
        self, *, now: datetime | None = None, room_channels: Mapping[str, int] | None = None
    ) -> int:
        """Plan a heads-up DM for every linked speaker's upcoming sessions (at start).

        Rows already planned are kept (exactly once); returns how many were added or moved.
        """
        core = self._core
        return await plan_speaker_alerts(
            core.delivery,
            core.schedule,
            await self.links(),
            lead=self._lead(),
            now=now or core.clock.now(),
            room_channels=self._channels.room_channel_ids()
            if room_channels is None
            else room_channels,
        )

    async def plan_heads_up(self, speaker_id: str) -> int:
        """Re-plan one speaker's heads-ups after their link changed; return how many were added."""
        core = self._core
        return await plan_speaker_alert(
            core.delivery,
            core.schedule,
            speaker_id,
            (await self.links()).get(speaker_id),
            lead=self._lead(),
            now=core.clock.now(),
            room_channels=self._channels.room_channel_ids(),
        )

    async def follow_schedule_change(self, change: ScheduleChange) -> dict[str, int]:
        """Move, cancel or add heads-ups for the new schedule (inside the apply's transaction)."""
        planned = await self.plan_heads_ups(now=change.now, room_channels=change.room_channels)
        return {"planned": planned}

    async def render_heads_up(self, item: OutboxItem, context: RenderContext) -> str:
        """Return the heads-up text for an outbox row (the kind's renderer).

        :raises Skip: the session or speaker is no longer in the schedule.
        """
        return await self._heads_up(item, context)

    def _lead(self) -> timedelta:
        return timedelta(minutes=self._core.config.speakers.dm_lead_minutes)

    async def _stored_links(self) -> dict[str, int]:
        return await self._core.database.speaker_links.all()
