"""The reminders feature's one API: what the reminders cog and its buttons ask for.

:class:`ReminderService` is built once (``Services.build``). It owns the
:class:`~bot.reminders.planner.ReminderPlanner` (outbox rows through the delivery engine),
registers the renderers of the feature's kinds and the closed-DM hint with the engine, and
answers every command and button with data the cog only sends: the sentence, the sessions
to offer "Stop" for, a calendar file's bytes. Readers (zone, clock) come from the cog,
read once per interaction.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from bot.answers.reader import Reader, reader_for
from bot.answers.search import SearchIndex
from bot.channels import ChannelDirectory
from bot.core import Core
from bot.custom_ids import id_from_custom_id, id_in_custom_id
from bot.errors import NotFoundError, UserError
from bot.reminders.agenda import agenda_reply, agenda_sessions
from bot.reminders.calendar import calendar_bytes, calendar_filename
from bot.reminders.kinds import DIGEST, REMINDER, ROOM_POST
from bot.reminders.leads import parse_digest_time, parse_leads
from bot.reminders.planner import ReminderPlanner, Subscribed
from bot.reminders.renderers import ReminderRenderers
from bot.reminders.texts import (
    EMPTY_AGENDA,
    FALLBACK_HINT,
    NO_TRACK_ROLE,
    SESSION_GONE,
    TRACK_GONE,
    agenda_file_text,
    already_started_text,
    already_subscribed_text,
    forgotten_text,
    gone_text,
    session_file_text,
    settings_text,
    stop_label,
    subscribed_text,
)
from bot.reminders.tracks import NoRoles, RoleDirectory, track_role_name, track_role_ref
from bot.rendering.cards import MESSAGE_LIMIT, Reply
from bot.rendering.pages import Answer
from bot.rendering.text import human_join, truncate
from bot.schedule.index import ScheduleIndex
from bot.schedule.model import Session, Track

__all__ = [
    "AgendaShown",
    "CalendarFile",
    "PickOption",
    "Reminded",
    "ReminderService",
    "SessionOffer",
    "StopOffer",
]

# "Stop" buttons under the agenda: the next sessions, one row of Discord's five.
AGENDA_STOP_BUTTONS = 5
# Discord's limit on a select's options (and so on the sessions chosen at once).
SELECT_OPTIONS = 25


@dataclass(frozen=True, slots=True)
class StopOffer:
    """A "Stop reminding" button to offer: its session, and its label (``None``: the default)."""

    session_id: str
    label: str | None = None


@dataclass(frozen=True, slots=True)
class Reminded:
    """The answer to a subscription: the sentence, the "Stop" buttons, the DM to open."""

    text: str
    stops: tuple[StopOffer, ...]
    user_id: int
    by_dm: bool = False


@dataclass(frozen=True, slots=True)
class AgendaShown:
    """The agenda as of ``at``, and the next sessions on it to offer "Stop" for."""

    answer: Answer
    at: datetime
    stops: tuple[StopOffer, ...]


@dataclass(frozen=True, slots=True)
class CalendarFile:
    """An .ics file to send, and the line that goes with it."""

    text: str
    filename: str
    data: bytes


@dataclass(frozen=True, slots=True)
class PickOption:
    """One session of "Remind me of…": its title, its token, its room and speakers."""

    label: str
    value: str
    description: str | None


@dataclass(frozen=True, slots=True)
class SessionOffer:
    """What to add to an answer: buttons for one session ahead, or a select of several."""

    session_id: str | None = None
    options: tuple[PickOption, ...] = ()


#: Told ``(user_id, session_id)`` when a person asks for a session's reminders themselves
#: (/remind, "Remind me", "Remind me of…"), whether or not it was on their agenda already.
AskedHook = Callable[[int, str], Awaitable[object]]


class ReminderService:
    """Subscriptions, the agenda, calendar files, settings and tracks, for the cog."""

    def __init__(self, core: Core, channels: ChannelDirectory) -> None:
        self._core = core
        self._channels = channels
        self._roles: RoleDirectory = NoRoles()
        settings = core.config.reminders
        self.planner = ReminderPlanner(
            core.delivery,
            core.database,
            lambda: core.current.schedule,
            default_leads=(settings.lead_minutes,),
            default_delivery=settings.delivery,
            room_post_lead=settings.room_post_lead_minutes,
        )
        self.renderers = ReminderRenderers(core, channels, self.track_role_id)
        self._asked: list[AskedHook] = []
        self._event_links: Callable[[str], str | None] = lambda _session_id: None

    def add_asked_hook(self, hook: AskedHook) -> None:
        """Tell ``hook`` whenever a person asks for a session's reminders themselves.

        The events feature uses it: a subscription Interested made becomes the person's own.
        """
        self._asked.append(hook)

    async def _asked_for(self, user_id: int, session_id: str) -> None:
        for hook in self._asked:
            await hook(user_id, session_id)

    def use_event_links(self, links: Callable[[str], str | None]) -> None:
        """Link each session of the agenda to what ``links`` returns (its Discord event)."""
        self._event_links = links

    def register_kinds(self) -> None:
        """Render the feature's outbox kinds; word the closed-DM fallback for reminders."""
        delivery = self._core.delivery
        delivery.fallback.hint = FALLBACK_HINT
        delivery.register(REMINDER, self.renderers.reminder)
        delivery.register(DIGEST, self.renderers.digest)
        delivery.register(ROOM_POST, self.renderers.room_post)

    def use_roles(self, roles: RoleDirectory) -> None:
        """Find track roles through ``roles`` (the Discord layer's, once it is loaded)."""
        self._roles = roles

    # -- what the cog reads -------------------------------------------------------------

    @property
    def schedule(self) -> ScheduleIndex:
        """Return the schedule shown now (a refresh swaps it)."""
        return self._core.schedule

    @property
    def search(self) -> SearchIndex:
        """Return the search index of the schedule shown now."""
        return self._core.search

    def now(self) -> datetime:
        """Return the bot's "now" (simulated in the demo and tests)."""
        return self._core.clock.now()

    # -- lookups --------------------------------------------------------------------------

    def find_session(self, text: str) -> Session:
        """Return the session an option names (autocomplete sends its id).

        :raises NotFoundError: nothing matches; the sentence names the closest titles.
        """
        return self.schedule.session(text) or self._core.answers.find_session(text, self.now())

    def session_from_token(self, token: str) -> Session:
        """Return the session a button's id token names (a long id travels as a digest).

        :raises NotFoundError: it left the schedule.
        """
        index = self.schedule
        session_id = id_from_custom_id(token, (session.id for session in index.sessions))
        session = index.session(session_id) if session_id is not None else None
        if session is None:
            raise NotFoundError(SESSION_GONE)
        return session

    async def agenda_choices(self, user_id: int, current: str) -> list[tuple[str, str]]:
        """Return (title, id) of the user's sessions whose title contains ``current``."""
        wanted = current[:100].casefold()
        sessions = await agenda_sessions(self._core.database, self.schedule, user_id)
        return [(s.title, s.id) for s in sessions if wanted in s.title.casefold()]

    # -- subscribing ----------------------------------------------------------------------

    async def remind(
        self, user_id: int, reader: Reader, session: Session, lead: int | None
    ) -> Reminded:
        """Add ``session`` to the agenda and queue its reminders (``lead`` overrides the leads).

        :raises UserError: the session has already started.
        """
        outcome = await self._subscribe(user_id, session, lead)
        await self._asked_for(user_id, session.id)
        text = subscribed_text(session, reader, outcome.due, added=outcome.added)
        return Reminded(text, (StopOffer(session.id),), user_id, by_dm=outcome.delivery == "dm")

    async def remind_from_button(self, user_id: int, reader: Reader, token: str) -> Reminded:
        """Subscribe from "Remind me"; if already subscribed, say so and offer "Stop".

        :raises NotFoundError: the session left the schedule.
        :raises UserError: it has already started.
        """
        session = self.session_from_token(token)
        if await self._core.database.subscriptions.get(user_id, session.id) is not None:
            await self._asked_for(user_id, session.id)
            return Reminded(already_subscribed_text(session), (StopOffer(session.id),), user_id)
        return await self.remind(user_id, reader, session, None)

    async def remind_chosen(self, user_id: int, reader: Reader, tokens: Iterable[str]) -> Reminded:
        """Subscribe to each session chosen in "Remind me of…"; say what was done, once."""
        chosen: list[Session] = []
        gone = 0
        for token in dict.fromkeys(tokens):
            try:
                chosen.append(self.session_from_token(token))
            except NotFoundError:
                gone += 1
        lines: list[str] = []
        subscriptions = self._core.database.subscriptions
        by_dm = False
        on_agenda: list[Session] = []
        for session in chosen:
            if await subscriptions.get(user_id, session.id) is not None:
                await self._asked_for(user_id, session.id)
                lines.append(already_subscribed_text(session))
            elif session.start <= self.now():  # the menu is older than its start
                lines.append(already_started_text(session))
                continue
            else:
                outcome = await self._subscribe(user_id, session, None)
                await self._asked_for(user_id, session.id)
                lines.append(subscribed_text(session, reader, outcome.due, added=outcome.added))
                by_dm = outcome.delivery == "dm"
            on_agenda.append(session)
        if gone:
            lines.append(gone_text(gone))
        stops = tuple(StopOffer(session.id, stop_label(session)) for session in on_agenda)
        text = truncate("\n".join(lines), MESSAGE_LIMIT)
        return Reminded(text, stops[:SELECT_OPTIONS], user_id, by_dm=by_dm)

    def after_answer(self, reminded: Reminded) -> None:
        """Open the DM channel now, paced, so the fan-out later costs one request per DM.

        Call once the answer is sent: the bot may be stopping after it (nothing may wait).
        """
        if reminded.by_dm:
            self._core.delivery.open_dm_channel_soon(reminded.user_id)

    async def forget(self, user_id: int, token: str) -> str:
        """Remove one session from the agenda (cancelling its reminders); say so.

        :raises NotFoundError: the session left the schedule.
        """
        session = self.session_from_token(token)
        removed = await self.planner.unsubscribe(user_id, session.id)
        return forgotten_text(session, removed=removed)

    async def is_subscribed(self, user_id: int, session_id: str) -> bool:
        """Return whether the session is on the user's agenda."""
        return await self._core.database.subscriptions.get(user_id, session_id) is not None

    async def subscribe_quietly(self, user_id: int, session: Session) -> bool:
        """Subscribe with the person's own leads, answering nobody; ``False`` if it started.

        For subscriptions made elsewhere than a command (Interested on a Discord event).
        """
        if session.start <= self.now():
            return False
        await self._subscribe(user_id, session, None)
        return True

    async def _subscribe(self, user_id: int, session: Session, lead: int | None) -> Subscribed:
        """Subscribe ``user_id`` to ``session`` (its room's channel is the DM fallback)."""
        return await self.planner.subscribe(
            user_id,
            session,
            lead=lead,
            now=self.now(),
            room_channel_id=self._channels.room_channel_ids().get(session.room_id or ""),
        )

    # -- the agenda and calendar files ----------------------------------------------------

    async def agenda(self, user_id: int, reader: Reader) -> AgendaShown:
        """Return the agenda now, with "Stop" offered for the next few sessions."""
        now = self.now()
        sessions = await agenda_sessions(self._core.database, self.schedule, user_id)
        answer = agenda_reply(sessions, self.schedule, reader, now=now, links=self._event_links)
        upcoming = sorted(
            (session for session in sessions if session.start > now),
            key=lambda session: (session.start, session.id),
        )
        stops = tuple(
            StopOffer(session.id, stop_label(session)) for session in upcoming[:AGENDA_STOP_BUTTONS]
        )
        return AgendaShown(answer, now, stops)

    async def agenda_session_ids(self, user_id: int) -> frozenset[str]:
        """Return the ids of the sessions on the user's agenda (to mark them in a picture)."""
        return frozenset(s.id for s in await self.agenda_sessions(user_id))

    async def agenda_sessions(self, user_id: int) -> list[Session]:
        """Return the sessions on the user's agenda that the schedule still has."""
        return list(await agenda_sessions(self._core.database, self.schedule, user_id))

    async def agenda_answer(self, user_id: int, reader: Reader, at: datetime) -> Answer:
        """Return the agenda as of ``at`` (its page buttons, after restarts too)."""
        sessions = await agenda_sessions(self._core.database, self.schedule, user_id)
        return agenda_reply(sessions, self.schedule, reader, now=at, links=self._event_links)

    async def agenda_calendar(self, user_id: int) -> CalendarFile:
        """Return agenda.ics: every session on the agenda, an alarm at each lead.

        :raises UserError: the agenda is empty.
        """
        sessions = await agenda_sessions(self._core.database, self.schedule, user_id)
        if not sessions:
            raise UserError(EMPTY_AGENDA)
        leads = await self.planner.leads_for(user_id)
        data = calendar_bytes(sessions, self.schedule, leads=leads, now=self.now())
        return CalendarFile(agenda_file_text(len(sessions)), calendar_filename(None), data)

    async def session_calendar(self, user_id: int, token: str) -> CalendarFile:
        """Return one session's .ics ("Add to calendar"), alarms at the user's leads.

        :raises NotFoundError: the session left the schedule.
        """
        session = self.session_from_token(token)
        leads = await self.planner.leads_for(user_id)
        data = calendar_bytes([session], self.schedule, leads=leads, now=self.now())
        return CalendarFile(session_file_text(session), calendar_filename(session), data)

    # -- settings -------------------------------------------------------------------------

    async def change_settings(
        self,
        user_id: int,
        reader: Reader,
        *,
        leads: str | None = None,
        delivery: str | None = None,
        digest: str | None = None,
    ) -> str:
        """Change what was given (re-planning the user's rows); return the settings now.

        ``delivery`` is "channel" (a mention in the room's channel) or anything else: a DM.

        :raises UserError: ``leads`` or ``digest`` is not understood.
        """
        database = self._core.database
        now = self.now()
        parsed_leads = parse_leads(leads) if leads is not None else None
        digest_time = parse_digest_time(digest) if digest is not None else None
        if parsed_leads is not None:
            await database.users.set_reminder_leads(user_id, parsed_leads)
        if delivery is not None:
            await database.users.set_delivery(user_id, "channel" if delivery == "channel" else "dm")
        if parsed_leads is not None or delivery is not None:
            rooms = self._channels.room_channel_ids()
            await self.planner.replan_user(user_id, now=now, room_channels=rooms)
        if digest is not None:
            await database.users.set_digest_time(
                user_id, None if digest_time is None else f"{digest_time:%H:%M}"
            )
            await self.planner.plan_digests(user_id, zone=reader.zone, now=now)
        chosen = await self.planner.preferences(user_id)
        return settings_text(chosen.leads, chosen.delivery, chosen.digest_time)

    # -- tracks ---------------------------------------------------------------------------

    def find_track(self, text: str) -> Track:
        """Return the track an option names (id or name).

        :raises NotFoundError: no track matches, or it left the schedule.
        """
        found = self.schedule.track(self._core.answers.track_id(text))
        if found is None:
            raise NotFoundError(TRACK_GONE)
        return found

    def track_role_ref(self, track_id: str) -> int | str | None:
        """Return the role that follows ``track_id``: an id or a name to find in the server."""
        configured = self._core.config.tracks.roles
        return track_role_ref(track_id, self.schedule.track(track_id), configured)

    def track_role_refs(self) -> set[int | str]:
        """Return every role that follows a track: configured ids or names, and "Track: …".

        ``/forget-me`` takes these away: the bot gave them with ``/tracks follow``.
        """
        refs: set[int | str] = set(self._core.config.tracks.roles.values())
        for track in self.schedule.tracks:
            ref = self.track_role_ref(track.id)
            if ref is not None:
                refs.add(ref)
        return refs

    def track_role_id(self, track_id: str) -> int | None:
        """Return the id of the role that follows ``track_id``, if the server has it."""
        ref = self.track_role_ref(track_id)
        return self._roles.role_id(ref) if ref is not None else None

    def role_to_create(self, track: Track) -> str:
        """Return the name of the role to create for a track that has none in the server.

        :raises UserError: the organisers chose not to have roles created.
        """
        if not self._core.config.tracks.create_roles:
            raise UserError(NO_TRACK_ROLE)
        return track_role_name(track.name)

    # -- buttons on answers -----------------------------------------------------------------

    def offer_for(self, reply: Reply) -> SessionOffer:
        """Return what to add to an answer: "Remind me" for one session ahead, or
        "Remind me of…" for a list page or a speaker card with sessions ahead."""
        index, now = self.schedule, self.now()
        session = index.session(reply.session_id or "")
        if session is not None:
            return SessionOffer(session.id if session.start > now else None)
        listed = [found for id_ in reply.listed_session_ids if (found := index.session(id_))]
        for speaker_id in reply.speaker_ids:
            listed.extend(index.sessions_by_speaker(speaker_id))
        ahead = list({s.id: s for s in listed if s.start > now}.values())[:SELECT_OPTIONS]
        return SessionOffer(options=tuple(_pick_option(found, index) for found in ahead))

    # -- start ------------------------------------------------------------------------------

    async def on_ready(self, now: datetime, room_channels: Mapping[str, int]) -> None:
        """Follow schedule changes, plan room posts and digests once channels are known."""
        await self.planner.follow_schedule(now=now, room_channels=room_channels)
        await self.planner.plan_room_posts(room_channels, now=now)
        database = self._core.database
        for profile in await database.users.with_digest():
            reader = await reader_for(database, profile.user_id, self._core.conference_zone)
            await self.planner.plan_digests(profile.user_id, zone=reader.zone, now=now)


def _pick_option(session: Session, index: ScheduleIndex) -> PickOption:
    """Return a session as an option: its title, its room and speakers beneath."""
    room = index.room(session.room_id or "")
    speakers = [s.name for speaker_id in session.speaker_ids if (s := index.speaker(speaker_id))]
    about = " · ".join(part for part in (room.name if room else "", human_join(speakers)) if part)
    return PickOption(
        label=truncate(session.title, 100) or session.id[:100],
        value=id_in_custom_id("", session.id),
        description=truncate(about, 100) or None,
    )
