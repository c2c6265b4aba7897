"""Which cards an answer links to: a speaker's sessions, a session's speakers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.rendering.cards import Reply
from bot.schedule.index import ScheduleIndex
from bot.schedule.model import Conference, Schedule, Session, Speaker
from bot.speakers.buttons import LABEL_LIMIT, CardLink, card_links

T0 = datetime(2030, 6, 5, 8, 0, tzinfo=UTC)
LONG = "A talk about " + "very many things " * 10


def _session(id_: str, title: str, hours: int, speakers: tuple[str, ...]) -> Session:
    start = T0 + timedelta(hours=hours)
    return Session(
        id=id_, title=title, start=start, end=start + timedelta(minutes=30), speaker_ids=speakers
    )


@pytest.fixture(scope="module")
def index() -> ScheduleIndex:
    """Return a schedule: a solo talk, a panel of six (one listed twice), a busy speaker."""
    panel = ("p1", "p2", "p3", "p1", "p4", "p5", "p6")
    busy = [_session(f"b{n}", f"Busy {n}", 10 + n, ("busy",)) for n in range(7)]
    return ScheduleIndex(
        Schedule(
            conference=Conference(name="Conf", zone="UTC"),
            sessions=(
                _session("solo", LONG, 0, ("ada",)),
                _session("panel", "Panel", 1, panel),
                _session("nobody", "Break", 2, ()),
                *busy,
            ),
            speakers=(
                Speaker(id="ada", name="Ada Lovelace"),
                Speaker(id="busy", name="Busy Bee"),
                *(Speaker(id=f"p{n}", name=f"Panellist {n}") for n in range(1, 7)),
            ),
        )
    )


def test_a_solo_talk_links_to_its_speaker(index: ScheduleIndex) -> None:
    """A session with one speaker gets one "Speaker" button."""
    assert card_links(Reply(session_id="solo"), index) == [CardLink("speaker", "ada", "Speaker")]


def test_a_panel_links_to_five_distinct_speakers_by_name(index: ScheduleIndex) -> None:
    """A panel names each speaker once (a custom_id may appear once), at most five."""
    links = card_links(Reply(session_id="panel"), index)
    assert [link.target_id for link in links] == ["p1", "p2", "p3", "p4", "p5"]
    assert links[0].label == "Speaker: Panellist 1"


def test_a_speaker_card_links_to_their_first_five_sessions(index: ScheduleIndex) -> None:
    """A speaker's card opens up to five of their sessions, in order."""
    links = card_links(Reply(speaker_ids=("busy",)), index)
    assert [link.target_id for link in links] == ["b0", "b1", "b2", "b3", "b4"]
    assert {link.target for link in links} == {"session"}
    assert links[0].label == "Session: Busy 0"


def test_labels_fit_discords_limit(index: ScheduleIndex) -> None:
    """A long title is cut to fit a button label."""
    (link,) = card_links(Reply(speaker_ids=("ada",)), index)
    assert len(link.label) <= LABEL_LIMIT
    assert link.label.startswith("Session: A talk about")


@pytest.mark.parametrize(
    "reply",
    [Reply(content="hello"), Reply(session_id="nobody"), Reply(session_id="gone")],
)
def test_other_answers_get_no_links(index: ScheduleIndex, reply: Reply) -> None:
    """An answer about no speaker, a session without speakers or a gone one gets none."""
    assert card_links(reply, index) == []
