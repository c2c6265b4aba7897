"""The reminders service: what each command and button answers, and the rows it plans."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.answers.reader import Reader, reader_for
from bot.clock import SimulatedClock
from bot.config import ChannelRef
from bot.errors import NotFoundError, UserError
from bot.reminders.planner import reminder_key
from bot.reminders.service import PickOption, ReminderService, SessionOffer, StopOffer
from bot.reminders.texts import EMPTY_AGENDA, FALLBACK_HINT, SESSION_GONE
from bot.reminders.tracks import NoRoles
from bot.rendering.cards import Reply
from bot.rendering.outgoing import ButtonSpec, OutgoingMessage
from bot.services import Services
from confbot_dev.harness import harness_config

# Fri 24 Oct 2025, 14:00 in Berlin (CEST).
NOW = datetime(2025, 10, 24, 12, 0, tzinfo=UTC)
ROOM_CHANNEL = 77

SCHEDULE = """
[conference]
name = "Conf"
zone = "Europe/Berlin"

[[rooms]]
id = "main"
name = "Main hall"

[[tracks]]
id = "law"
name = "Law and evidence"

[[speakers]]
id = "nice"
name = "Sir Geoffrey Nice QC"

[[sessions]]
id = "early"
title = "Early talk"
start = "2025-10-24 13:00"
duration = 90

[[sessions]]
id = "a"
title = "Talk A"
start = "2025-10-24 16:00"
duration = 30
room = "main"
track = "law"
speakers = ["nice"]

[[sessions]]
id = "f"
title = "Talk F"
start = "2025-10-24 17:00"
duration = 30

[[sessions]]
id = "b"
title = "Talk B"
start = "2025-10-25 11:00"
duration = 30

[[sessions]]
id = "c"
title = "Talk C"
start = "2025-10-26 09:00"
duration = 30

[[sessions]]
id = "d"
title = "Talk D"
start = "2025-10-26 10:00"
duration = 30

[[sessions]]
id = "e"
title = "Talk E"
start = "2025-10-26 11:00"
duration = 30
"""


class Rooms:
    """A channel directory where the main hall has its channel."""

    def channel_id(self, configured: ChannelRef | None) -> int | None:
        """Return a configured id as is."""
        return configured if isinstance(configured, int) else None

    def room_channel_ids(self) -> dict[str, int]:
        """Return the main hall's channel."""
        return {"main": ROOM_CHANNEL}

    def channel_url(self, channel_id: int) -> str | None:
        """Return no link (no server is known)."""
        return None


class Roles:
    """A role directory that sees the roles it was given, by name."""

    def __init__(self, roles: dict[str, int]) -> None:
        self.roles = roles

    def role_id(self, configured: int | str) -> int | None:
        """Return the id of a role seen by that name."""
        return self.roles.get(str(configured))


@pytest.fixture
async def services(tmp_path: Path) -> AsyncIterator[Services]:
    """Open the services on the schedule above, the clock standing at :data:`NOW`."""
    source = tmp_path / "schedule.toml"
    source.write_text(SCHEDULE)
    config = harness_config(tmp_path, schedule=source)
    opened = await Services.open(config, SimulatedClock(NOW, speed=0), channels=Rooms())
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
def service(services: Services) -> ReminderService:
    """Return the reminders service."""
    return services.reminders


async def reader_of(services: Services, user_id: int = 1) -> Reader:
    """Return the user's reader (the conference zone: Berlin)."""
    return await reader_for(services.database, user_id, services.conference_zone)


async def test_remind_says_when_and_again_updates(services: Services) -> None:
    """/remind says when the reminder comes; again with a lead, "Updated"."""
    service, reader = services.reminders, await reader_of(services)
    talk = services.schedule.session("a")
    assert talk is not None
    first = await service.remind(1, reader, talk, None)
    assert first.text.startswith("I'll remind you about **Talk A** (")
    assert first.text.endswith("at Fri 24 Oct 15:50 CEST.")
    assert first.stops == (StopOffer("a"),)
    assert first.by_dm
    again = await service.remind(1, reader, talk, 30)
    assert again.text.startswith("Updated: I'll remind you about **Talk A**")
    assert again.text.endswith("at Fri 24 Oct 15:30 CEST.")


async def test_remind_me_on_a_session_already_on_the_agenda(services: Services) -> None:
    """ "Remind me" twice: the second says so, offers "Stop" and opens no DM."""
    service, reader = services.reminders, await reader_of(services)
    await service.remind_from_button(1, reader, "a")
    again = await service.remind_from_button(1, reader, "a")
    assert again.text == "You already get reminders for **Talk A**."
    assert again.stops == (StopOffer("a"),)
    assert not again.by_dm


async def test_remind_me_of_several_says_what_became_of_each(services: Services) -> None:
    """Chosen twice, gone, started, already on the agenda: one line each."""
    service, reader = services.reminders, await reader_of(services)
    await service.remind_from_button(1, reader, "b")
    done = await service.remind_chosen(1, reader, ["a", "a", "gone", "early", "f", "b"])
    lines = done.text.split("\n")
    assert lines[0].startswith("I'll remind you about **Talk A**")
    assert lines[1] == "**Early talk** has already started: nothing to remind."
    assert lines[2].startswith("I'll remind you about **Talk F**")
    assert lines[3] == "You already get reminders for **Talk B**."
    assert lines[4] == "1 session you chose is no longer in the schedule."
    assert done.stops == (
        StopOffer("a", "Stop: Talk A"),
        StopOffer("f", "Stop: Talk F"),
        StopOffer("b", "Stop: Talk B"),
    )
    assert done.by_dm


async def test_forget_says_whether_it_was_on_the_agenda(services: Services) -> None:
    """Forgetting twice: done, then "not on your agenda"; a gone session is refused."""
    service, reader = services.reminders, await reader_of(services)
    await service.remind_from_button(1, reader, "a")
    assert await service.forget(1, "a") == "Done: no more reminders for **Talk A**."
    assert await service.forget(1, "a") == "**Talk A** was not on your agenda."
    with pytest.raises(NotFoundError, match=SESSION_GONE):
        await service.forget(1, "gone")


async def test_the_agenda_offers_stop_for_the_next_five(services: Services) -> None:
    """Six sessions ahead: "Stop" for the five soonest, in start order."""
    service, reader = services.reminders, await reader_of(services)
    await service.remind_chosen(1, reader, ["e", "d", "c", "b", "a", "f"])
    shown = await service.agenda(1, reader)
    assert shown.at == NOW
    assert [stop.session_id for stop in shown.stops] == ["a", "f", "b", "c", "d"]
    assert shown.stops[0].label == "Stop: Talk A"


async def test_calendar_files(services: Services) -> None:
    """An empty agenda has no file; then agenda.ics and one session's .ics."""
    service, reader = services.reminders, await reader_of(services)
    with pytest.raises(UserError, match=EMPTY_AGENDA):
        await service.agenda_calendar(1)
    await service.remind_from_button(1, reader, "a")
    agenda = await service.agenda_calendar(1)
    assert agenda.filename == "agenda.ics"
    assert agenda.text.startswith("Your agenda: 1 session.")
    assert agenda.data.startswith(b"BEGIN:VCALENDAR")
    one = await service.session_calendar(1, "b")
    assert one.text == "**Talk B**: open the file to add it to your calendar."
    assert one.filename == "b.ics"


async def test_settings_replan_the_reminders_and_the_digests(services: Services) -> None:
    """New leads and delivery move the pending reminders; a digest time plans digests."""
    service, reader = services.reminders, await reader_of(services)
    await service.remind_from_button(1, reader, "a")
    text = await service.change_settings(
        1, reader, leads="60, 10", delivery="channel", digest="8am"
    )
    assert text == (
        "Reminders 60 and 10 minutes before each session, by a mention in the room's "
        "channel; a morning digest at 08:00 your time."
    )
    outbox = services.database.outbox
    reminder = await outbox.get(reminder_key("a", 1, 60))
    assert reminder is not None
    assert reminder.status == "pending"
    assert reminder.target_channel_id == ROOM_CHANNEL
    digest = await outbox.get("digest:1:2025-10-25")
    assert digest is not None
    assert digest.status == "pending"
    shown = await service.change_settings(1, reader)
    assert shown.startswith("Reminders 60 and 10 minutes before each session")


async def test_offers_for_answers(service: ReminderService) -> None:
    """A card of a session ahead gets its buttons; a list, its sessions ahead to pick."""
    assert service.offer_for(Reply(session_id="a")) == SessionOffer("a")
    assert service.offer_for(Reply(session_id="early")) == SessionOffer()
    listed = service.offer_for(Reply(listed_session_ids=("early", "a", "b")))
    assert listed.session_id is None
    assert listed.options == (
        PickOption("Talk A", "a", "Main hall · Sir Geoffrey Nice QC"),
        PickOption("Talk B", "b", None),
    )


async def test_a_reminder_renders_with_its_buttons(services: Services) -> None:
    """The engine renders a reminder row: its text, "Stop…" and "Open session"."""
    service, reader = services.reminders, await reader_of(services)
    assert services.delivery.fallback.hint == FALLBACK_HINT
    await service.remind_from_button(1, reader, "a")
    item = await services.database.outbox.get(reminder_key("a", 1, 10))
    assert item is not None
    rendered = await services.delivery.render_sample(item, NOW)
    assert rendered is not None
    assert rendered.content.startswith("⏰ **Talk A**")
    assert f"Room: <#{ROOM_CHANNEL}> (Main hall)" in rendered.content
    assert rendered.buttons == (
        ButtonSpec("Stop reminders for this session", "confbot:unremind:a"),
        ButtonSpec("Open session", "confbot:session:a"),
    )
    assert rendered.mention_user_ids == ()


async def test_room_posts_ping_the_track_role_the_directory_finds(services: Services) -> None:
    """Planned at start; the post pings "Track: <name>" once roles can be found."""
    service = services.reminders
    await service.on_ready(NOW, {"main": ROOM_CHANNEL})
    item = await services.database.outbox.get(f"room_post:a:{ROOM_CHANNEL}")
    assert item is not None
    quiet = await services.delivery.render_sample(item, NOW)
    assert quiet is not None
    assert quiet.mention_role_ids == ()
    service.use_roles(Roles({"Track: Law and evidence": 42}))
    pinged = await services.delivery.render_sample(item, NOW)
    assert isinstance(pinged, OutgoingMessage)
    assert pinged.content.startswith("<@&42> 🔔 Starting soon: **Talk A**")
    assert pinged.mention_role_ids == (42,)
    assert len(pinged.cards) == 1
    service.use_roles(NoRoles())
    assert service.track_role_id("law") is None


async def test_digests_are_planned_at_start_and_skipped_when_empty(services: Services) -> None:
    """A digest time set earlier is planned at start; an empty day renders nothing."""
    await services.database.users.set_digest_time(1, "08:00")
    await services.reminders.on_ready(NOW, {})
    item = await services.database.outbox.get("digest:1:2025-10-25")
    assert item is not None
    assert await services.delivery.render_sample(item, NOW) is None
    reader = await reader_of(services)
    await services.reminders.remind_from_button(1, reader, "b")
    rendered = await services.delivery.render_sample(item, NOW)
    assert rendered is not None
    assert "Talk B" in rendered.content


async def test_a_delivery_change_alone_moves_a_planned_reminder_to_the_channel(
    services: Services,
) -> None:
    """/remind, then /reminders settings delivery:channel: that reminder goes to the room.

    The leads stay the same, so only where the row goes changes; and back to a DM again.
    """
    service, reader = services.reminders, await reader_of(services)
    await service.remind_from_button(1, reader, "a")
    outbox = services.database.outbox
    leads = await service.planner.leads_for(1)
    key = reminder_key("a", 1, leads[0])
    before = await outbox.get(key)
    assert before is not None
    assert before.target_channel_id is None
    await service.change_settings(1, reader, delivery="channel")
    moved = await outbox.get(key)
    assert moved is not None
    assert (moved.status, moved.target_channel_id) == ("pending", ROOM_CHANNEL)
    await service.change_settings(1, reader, delivery="dm")
    back = await outbox.get(key)
    assert back is not None
    assert (back.status, back.target_channel_id) == ("pending", None)
