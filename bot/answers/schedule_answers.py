"""The answers to schedule questions, shared by slash commands and plain questions.

Every method takes the :class:`Reader` (whose zone and clock to use) and, where time
matters, ``now`` from the bot's clock; it returns a :class:`Reply` or a
:class:`PagedReply` and raises a :class:`UserError` (one clear sentence) when the
question cannot be answered. Nothing here knows about Discord.

Speaker questions ("who is X?", "what is X talking about?", "who gives the keynote?")
have a default answer here, :meth:`ScheduleAnswers.speaker_question`, built from the
schedule alone. The plain-question path (:class:`bot.answers.conversation.Conversation`)
takes a :data:`SpeakerAnswerer` that replaces it (the speakers service's, which adds the
members speakers are linked to).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime

from bot.answers.intents import (
    About,
    At,
    DayPart,
    Intent,
    Next,
    Now,
    OnDay,
    Search,
    SessionInfo,
    SpeakerTopic,
    WhenIs,
    WhoIs,
    WhoSpeaks,
)
from bot.answers.questions import is_bare_time
from bot.answers.reader import Reader, zone_hint
from bot.answers.schedule_lookup import ScheduleLookup, echo
from bot.answers.search import SearchIndex
from bot.answers.search_pages import search_pages
from bot.answers.speakers import SpeakerAnswers
from bot.errors import UserError
from bot.rendering.cards import Card, Reply
from bot.rendering.pages import Answer, PagedReply
from bot.rendering.sessions import (
    NEXT_LINES,
    NOW_LINES,
    DayGroup,
    Moment,
    conference_when,
    next_card,
    now_card,
    schedule_pages,
    session_card,
    session_line,
    times_in,
    title_of,
    when,
)
from bot.rendering.text import neutralise, printable, truncate
from bot.schedule.index import ScheduleIndex
from bot.schedule.model import Session
from bot.timezones import (
    discord_timestamp,
    format_day,
    format_time,
    parse_user_time,
    resolve_zone,
)
from bot.timezones import to_local as _to_local

__all__ = [
    "ScheduleAnswers",
    "SpeakerAnswerer",
    "SpeakerQuestion",
]

SpeakerQuestion = WhoIs | SpeakerTopic | WhoSpeaks
#: Answers a speaker question for a reader at an instant (see the module docstring).
SpeakerAnswerer = Callable[[SpeakerQuestion, Reader, datetime], Awaitable[Answer]]

# Local hours (start inclusive, end exclusive) of the parts of a day.
DAY_PARTS: dict[str, tuple[int, int]] = {
    "morning": (6, 12),
    "afternoon": (12, 18),
    "evening": (18, 24),
}


class ScheduleAnswers(ScheduleLookup):
    """Schedule answers over one schedule and its search index; build once per schedule.

    What the reader typed is resolved by the :class:`ScheduleLookup` methods it inherits.
    """

    def __init__(
        self, schedule: ScheduleIndex, search: SearchIndex, *, conference_zone: str
    ) -> None:
        super().__init__(schedule, search)
        self.conference_zone = conference_zone
        self.speakers = SpeakerAnswers(schedule, search)

    # ------------------------------------------------------------ /schedule, /now, /next

    def schedule_for(
        self,
        reader: Reader,
        now: datetime,
        *,
        day: str | None = None,
        track: str | None = None,
        room: str | None = None,
        part: DayPart | None = None,
    ) -> Answer:
        """Return the programme grouped by the reader's local days, paginated.

        :raises UserError: the day, track or room is not one the schedule has.
        """
        track_id = self.track_id(track) if track else None
        room_id = self.room_id(room) if room else None
        days = [self.parse_day(day, reader, now)] if day else self.schedule.local_days(reader.zone)
        groups = []
        for local in days:
            found = self.schedule.sessions_on_local_day(
                local, reader.zone, track_id=track_id, room_id=room_id
            )
            if part is not None:
                found = tuple(s for s in found if _in_part(s, reader.zone, part))
            if found:
                groups.append(DayGroup(local, found))
        filters = self._filters(
            day=days[0] if day else None, track_id=track_id, room_id=room_id, part=part
        )
        if not groups:
            where = f" {filters}" if filters else ""
            return Reply(_joined(f"There are no sessions{where}.", zone_hint(reader)))
        conference = neutralise(truncate(self.schedule.conference.name, 150))
        title = f"{conference}: {filters}" if filters else conference
        return schedule_pages(groups, self.schedule, reader, title=title, content=zone_hint(reader))

    def now(
        self, reader: Reader, now: datetime, *, room: str | None = None, track: str | None = None
    ) -> Reply:
        """Return what is on now (with time left) and what is next, optionally in one place.

        :raises NotFoundError: no room or track has that name.
        """
        moment, place = self._moment(now, room=room, track=track, limit=NEXT_LINES)
        card = now_card(moment, self.schedule, reader, place=place)
        listed = tuple(session.id for session in moment.upcoming)
        return Reply(zone_hint(reader), (card,), listed_session_ids=listed)

    def next(
        self, reader: Reader, now: datetime, *, room: str | None = None, track: str | None = None
    ) -> Reply:
        """Return the sessions starting next, with countdowns, optionally in one place.

        :raises NotFoundError: no room or track has that name.
        """
        moment, place = self._moment(now, room=room, track=track, limit=NOW_LINES)
        card = next_card(moment, self.schedule, reader, place=place)
        listed = tuple(session.id for session in moment.upcoming)
        return Reply(zone_hint(reader), (card,), listed_session_ids=listed)

    def _moment(
        self, now: datetime, *, room: str | None, track: str | None, limit: int
    ) -> tuple[Moment, str | None]:
        room_id, track_id = self._place(room, track)
        running = self.schedule.sessions_at(now, room_id=room_id, track_id=track_id)
        upcoming = self.schedule.next_sessions(now, room_id=room_id, track_id=track_id, limit=limit)
        place = self._place_name(room_id, track_id)
        moment = Moment(now, running, upcoming, self.schedule.first_start, self.schedule.last_end)
        return moment, place

    # ------------------------------------------------------------ /session, /search

    def session(self, reader: Reader, text: str, now: datetime) -> Reply:
        """Return the card of the session ``text`` names (an id, a title or a speaker).

        :raises NotFoundError: nothing matches; the sentence names the closest titles.
        """
        return self.session_reply(reader, self.find_session(text, now))

    def session_reply(self, reader: Reader, session: Session) -> Reply:
        """Return the card of ``session`` in the reader's zone."""
        return self._session_reply(session, reader, zone_hint(reader))

    def search(self, reader: Reader, query: str) -> Answer:
        """Return sessions, speakers, tracks and rooms matching ``query``, ranked and paginated."""
        matches = self.search_index.search(query)
        if not matches:
            text = (
                f"Nothing in the schedule matches “{echo(query)}”. Try fewer or other words."
                if query.strip()
                else "Type what to search for: a word from a title, a speaker, a track or a room."
            )
            return Reply(text)
        return search_pages(matches, self.schedule, reader, query=query, content=zone_hint(reader))

    def _session_reply(self, session: Session, reader: Reader, content: str | None) -> Reply:
        card = session_card(session, self.schedule, reader)
        return Reply(content, (card,), session_id=session.id)

    # ------------------------------------------------------------ plain questions

    def answer(self, intent: Intent, reader: Reader, now: datetime) -> Answer:
        """Return the answer to a parsed plain question (not ``Command`` or ``Help``).

        :raises UserError: the question names something the schedule does not have.
        """
        if isinstance(intent, WhenIs):
            return self.when_is(reader, intent.query, intent.zone_text, now)
        if isinstance(intent, Now):
            return self.now(reader, now, room=intent.room_text, track=intent.track_text)
        if isinstance(intent, Next):
            return self.next(reader, now, room=intent.room_text, track=intent.track_text)
        if isinstance(intent, OnDay):
            reader = self.reader_in(reader, intent.zone_text)
            return self.schedule_for(reader, now, day=intent.day_text, part=intent.part)
        if isinstance(intent, At):
            return self.at(reader, intent.time_text, intent.zone_text, now)
        if isinstance(intent, WhoIs | SpeakerTopic | WhoSpeaks):
            return self.speaker_question(intent, reader, now)
        if isinstance(intent, SessionInfo):
            return self.session(reader, intent.query, now)
        if isinstance(intent, About):
            return self.about(reader, intent.query, now)
        if isinstance(intent, Search):
            return self.search(reader, intent.query)
        raise TypeError(f"not a schedule question: {intent!r}")

    def when_is(self, reader: Reader, query: str, zone_text: str | None, now: datetime) -> Reply:
        """Return when a session is, in the reader's zone or in the zone they named.

        "when is the keynote in Sydney?" answers in Sydney; if "Sydney" is not a zone
        the whole text is searched as a title ("when is the talk in room b?").

        :raises NotFoundError: no session matches.
        """
        note = None
        if zone_text:
            try:
                reader = reader.in_zone(resolve_zone(zone_text[:100]))
            except UserError:
                session, note = self._when_is_not_a_zone(query, zone_text, reader, now)
            else:
                session = self.find_session(query, now)
        else:
            session = self.find_session(query, now)
        sentence = (
            f"**{title_of(session)}** is on {when(session, reader)}"
            f" ({discord_timestamp(session.start, 'F')} in your Discord client)."
        )
        if reader.zone != reader.conference_zone:
            sentence += f" Conference time: {conference_when(session, reader)}."
        return self._session_reply(session, reader, _joined(note, sentence, zone_hint(reader)))

    def _when_is_not_a_zone(
        self, query: str, place: str, reader: Reader, now: datetime
    ) -> tuple[Session, str | None]:
        """Return the session "<query> in <place>" names, and a note if ``place`` was dropped.

        "in X" that names a room or a track, or belongs to the title ("…in São Paulo"),
        is part of the question; anything else was meant as a zone we do not know.
        """
        place = place[:100]
        searched = self.search_index.find_session(f"{query} in {place}"[:200], after=now)
        found = self.schedule.session(searched.id) if searched else None
        if found is not None and _fold(place) in _fold(found.title):
            return found, None
        is_place = self.search_index.find_room(place) or self.search_index.find_track(place)
        if is_place is not None:
            return (found or self.find_session(query, now)), None
        note = f"I don't know a time zone called “{echo(place)}”, so here it is in {reader.zone}."
        return self.find_session(query, now), note

    def at(self, reader: Reader, time_text: str, zone_text: str | None, now: datetime) -> Reply:
        """Return what runs at a time the reader typed ("4pm", "tomorrow 9am").

        A time without a day that has already passed today means the next one.

        :raises UserError: the time or the zone cannot be read.
        """
        reader = self.reader_in(reader, zone_text)
        # The time parser quotes what it cannot read: never a control character.
        time_text = printable(time_text)
        instant = parse_user_time(time_text[:100], reader.zone, now=now)
        if instant < now and is_bare_time(time_text):
            # "who is speaking at midnight?" asks about the coming midnight, not today's.
            instant = parse_user_time(f"tomorrow {time_text[:100]}", reader.zone, now=now)
        running = self.schedule.sessions_at(instant)
        heading = format_time(instant, reader.zone, clock=reader.clock)
        lines = [session_line(s, self.schedule, reader, day=None) for s in running[:10]]
        if len(running) > 10:
            lines.append(f"…and {len(running) - 10} more.")
        if not lines:
            lines.append("Nothing is on at that time.")
            following = self.schedule.next_sessions(instant, limit=3)
            if following:
                lines += ["", "__**Next after that**__"]
                lines += [session_line(s, self.schedule, reader, day=None) for s in following]
        card = Card(
            title=f"At {heading}",
            description="\n".join(lines),
            footer=times_in(reader, "\n".join(lines)),
        )
        return Reply(zone_hint(reader), (card,))

    def about(self, reader: Reader, query: str, now: datetime) -> Answer:
        """Return the card of the speaker or session ``query`` names best.

        :raises NotFoundError: neither a speaker nor a session matches.
        """
        match = self.search_index.find(query[:200])
        if match is not None and match.kind == "speaker":
            return self.speaker_question(WhoIs(match.id), reader, now)
        return self.session(reader, query, now)

    # ------------------------------------------------------------ speakers (default hook)

    def speaker_question(self, question: SpeakerQuestion, reader: Reader, now: datetime) -> Answer:
        """Answer "who is X", "what is X talking about", "who gives Y" from the schedule alone.

        The speakers service answers the same with the speakers' Discord links added.

        :raises NotFoundError: no speaker (or session, for ``WhoSpeaks``) matches.
        """
        return self.speakers.question(
            question, reader, links={}, find_session=lambda text: self.find_session(text, now)
        )

    # ------------------------------------------------------------ listings

    def listing(self, kind: str, reader: Reader) -> Answer:
        """Return the list of speakers, rooms or tracks (text commands "speakers", "rooms")."""
        if kind == "speakers":
            names = [neutralise(truncate(s.name, 80)) for s in self.schedule.speakers_sorted]
        elif kind == "rooms":
            names = [neutralise(truncate(r.name, 80)) for r in self.schedule.rooms]
        elif kind == "tracks":
            names = [neutralise(truncate(t.name, 80)) for t in self.schedule.tracks]
        else:
            raise ValueError(f"unknown listing {kind!r}")
        if not names:
            return Reply(f"The schedule lists no {kind}.")
        per_page = 30
        count = -(-len(names) // per_page)

        def render(number: int) -> Card:
            chunk = names[number * per_page : (number + 1) * per_page]
            footer = f"Page {number + 1}/{count}" if count > 1 else None
            return Card(title=kind.title(), description="\n".join(chunk), footer=footer)

        return PagedReply(None, count, render)

    def _filters(
        self, *, day: date | None, track_id: str | None, room_id: str | None, part: DayPart | None
    ) -> str:
        parts = []
        if day is not None:
            parts.append(f"on {format_day(day)}" + (f" {part}" if part else ""))
        elif part:
            parts.append(f"in the {part}")
        place = self._place_name(room_id, track_id)
        if place:
            parts.append(f"in {neutralise(truncate(place, 120))}")
        return " ".join(parts)


def _fold(text: str) -> str:
    """Return ``text`` for a loose comparison: case-folded, single-spaced."""
    return " ".join(text.casefold().split())


def _in_part(session: Session, zone: str, part: DayPart) -> bool:
    low, high = DAY_PARTS[part]
    return low <= _to_local(session.start, zone).hour < high


def _joined(*lines: str | None) -> str | None:
    text = "\n".join(line for line in lines if line)
    return text or None
