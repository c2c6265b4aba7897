"""Answers about speakers: cards, the list, and the questions people ask about them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from bot.answers.intents import SpeakerTopic, WhoIs, WhoSpeaks
from bot.answers.reader import Reader
from bot.answers.search import SearchIndex
from bot.answers.speaker_cards import speaker_card, speaker_list_pages
from bot.errors import NotFoundError
from bot.rendering.cards import Reply
from bot.rendering.text import did_you_mean, human_join, neutralise
from bot.schedule.index import ScheduleIndex
from bot.schedule.model import Session, Speaker


class SpeakerAnswers:
    """Build the replies for ``/speaker``, ``/speakers`` and speaker questions."""

    def __init__(self, index: ScheduleIndex, search: SearchIndex) -> None:
        self._index = index
        self._search = search

    def discord_ids(self, links: Mapping[str, int]) -> dict[str, int]:
        """Return speaker id -> Discord user id: the schedule's, overridden by ``links``."""
        ids = {
            speaker.id: speaker.discord_user_id
            for speaker in self._index.schedule.speakers
            if speaker.discord_user_id is not None
        }
        ids.update(links)
        return ids

    def find(self, query: str) -> Speaker:
        """Return the speaker ``query`` names (an id or a fuzzy name).

        :raises NotFoundError: no speaker matches; the message offers the closest names.
        """
        match = self._search.find_speaker(query)
        speaker = self._index.speaker(match.id) if match is not None else None
        if speaker is None:
            suggestions = self._search.suggest_speakers(query)
            shown = neutralise(query.strip()[:100]) or "that"
            message = f"I couldn't find a speaker called “{shown}”." + did_you_mean(suggestions)
            raise NotFoundError(message, suggestions=suggestions)
        return speaker

    def speaker(self, reader: Reader, query: str, links: Mapping[str, int]) -> Reply:
        """Return the card of the speaker ``query`` names."""
        speaker = self.find(query)
        card = speaker_card(
            speaker, self._index, reader, discord_user_id=self.discord_ids(links).get(speaker.id)
        )
        return Reply(pages=(card,), speaker_ids=(speaker.id,))

    def speakers(self, reader: Reader, now: datetime, *, track_id: str | None = None) -> Reply:
        """Return every speaker (of a track, if given), sorted by name, paginated.

        With a track, each speaker's next session is their next one in that track.
        """
        speakers = list(self._index.speakers_sorted)
        heading = "Speakers"
        if track_id is not None:
            track = self._index.track(track_id)
            in_track = {
                speaker_id
                for session in self._index.sessions
                if session.track_id == track_id
                for speaker_id in session.speaker_ids
            }
            speakers = [speaker for speaker in speakers if speaker.id in in_track]
            heading = f"Speakers · {neutralise(track.name if track else track_id)}"
        if not speakers:
            return Reply(content="There are no speakers in the schedule yet.")
        pages = speaker_list_pages(
            speakers, self._index, reader, now, heading=heading, track_id=track_id
        )
        return Reply(pages=pages)

    def question(
        self,
        question: WhoIs | SpeakerTopic | WhoSpeaks,
        reader: Reader,
        links: Mapping[str, int],
        *,
        find_session: Callable[[str], Session],
    ) -> Reply:
        """Answer "who is X?", "what is X talking about?" and "who speaks in Y?".

        The first two show the speaker's card, which lists their sessions; for the
        third, ``find_session`` (the schedule answers' lookup) finds the session.

        :raises NotFoundError: no speaker (or session, for "who speaks") matches.
        """
        if isinstance(question, WhoSpeaks):
            return self.who_speaks(reader, find_session(question.query), links)
        return self.speaker(reader, question.query, links)

    def who_speaks(self, reader: Reader, session: Session, links: Mapping[str, int]) -> Reply:
        """Answer "who speaks in X?": the speakers of ``session``."""
        speakers = [
            speaker
            for speaker_id in session.speaker_ids
            if (speaker := self._index.speaker(speaker_id))
        ]
        title = neutralise(session.title)
        if not speakers:
            return Reply(content=f"“{title}” has no speakers listed.", ephemeral=False)
        if len(speakers) == 1:
            reply = self.speaker(reader, speakers[0].id, links)
            names = neutralise(speakers[0].name)
            return Reply(
                content=f"{names} speaks in “{title}”.",
                pages=reply.pages,
                speaker_ids=reply.speaker_ids,
            )
        names = human_join([neutralise(speaker.name) for speaker in speakers])
        return Reply(
            content=f"In “{title}”: {names}. Ask me about any of them for their card.",
            session_id=session.id,
        )
