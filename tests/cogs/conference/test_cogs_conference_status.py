"""/conference status and /conference upcoming through the sandbox."""

from __future__ import annotations

from datetime import timedelta

from confbot_dev.harness import ConferenceHarness
from confbot_dev.sandbox.state import InteractionResult


async def invoke(
    harness: ConferenceHarness, command: str, options: dict[str, object] | None = None
) -> InteractionResult:
    """Run ``command`` as the moderator in #general."""
    return await harness.sandbox.invoke(
        harness.member("moderator"), command, options or {}, channel=harness.channel("general")
    )


async def test_status_shows_the_schedule_counts_and_health(harness: ConferenceHarness) -> None:
    """/conference status names the schedule and shows sessions, deliveries, database, version."""
    assert harness.bot is not None
    await invoke(harness, "remind", {"session": harness.bot.services.schedule.sessions[0].id})
    reply = await invoke(harness, "conference status")
    assert reply.ephemeral
    lines = reply.content.splitlines()
    assert lines[1].startswith("Schedule: `")
    assert "seed-conference.toml" in lines[1]
    assert "Sessions: 1 · subscriptions: 1" in lines
    assert "Reminders: 1 / 0 / 0 / 0 / 0" in lines
    assert any(line.startswith("Next due: Wed 24 Feb") for line in lines)
    assert "Invalid requests (last 10 min): not tracked" in reply.content
    assert any(line.startswith("Database: ") and "KiB" in line for line in lines)
    assert f"Version: {harness.bot.version}" in lines
    assert reply.allowed_mentions == {"parse": []}


async def test_status_counts_sent_and_late_deliveries(harness: ConferenceHarness) -> None:
    """A room post sent two minutes after its time counts as sent and as late."""
    harness.clock.set(harness.clock.now() + timedelta(minutes=12))
    assert harness.bot is not None
    await harness.bot.services.scheduler.settle()
    reply = await invoke(harness, "conference status")
    assert "Room posts: 0 / 1 / 1 / 0 / 0" in reply.content.splitlines()


async def test_upcoming_groups_by_kind_with_counts_and_a_sample(
    harness: ConferenceHarness,
) -> None:
    """/conference upcoming lists reminders with their attendee count and one rendered sample."""
    assert harness.bot is not None
    session = harness.bot.services.schedule.sessions[0]
    for name in ("alice", "bob"):
        await harness.sandbox.invoke(
            harness.member(name),
            "remind",
            {"session": session.id},
            channel=harness.channel("general"),
        )
    reply = await invoke(harness, "conference upcoming", {"hours": 2})
    assert reply.ephemeral
    assert "**Reminders**: 2 messages to 2 attendees, first Wed 24 Feb" in reply.content
    assert "**Room posts**: 1 message, first" in reply.content
    assert "> " in reply.content  # a rendered sample under each kind
    assert session.title.split()[0] in reply.content


async def test_upcoming_samples_read_as_at_their_send_time(harness: ConferenceHarness) -> None:
    """11 hours ahead, a reminder's sample says "Starts in 10 min (in 10 minutes)", no "11 hours".

    A ``<t:…:R>`` left in the preview would be counted by the moderator's client from now
    (developers/reference, "Message Formatting"), so the sample spells it as at its send time.
    """
    assert harness.bot is not None
    session = harness.bot.services.schedule.sessions[0]
    harness.clock.set(session.start - timedelta(hours=11, minutes=10))
    await invoke(harness, "remind", {"session": session.id})
    reply = await invoke(harness, "conference upcoming", {"hours": 12})
    assert "**Reminders**: 1 message to 1 attendee, first" in reply.content
    assert "(one of them, as it will read when sent:)" in reply.content
    assert "> Starts in 10 min (in 10 minutes)." in reply.content
    assert ":R>" not in reply.content


async def test_upcoming_says_when_nothing_is_due(harness: ConferenceHarness) -> None:
    """With nothing pending in the window, /conference upcoming says so."""
    assert harness.bot is not None
    harness.clock.set(harness.clock.now() + timedelta(days=3))
    await harness.bot.services.scheduler.settle()  # the engine skips what expired meanwhile
    reply = await invoke(harness, "conference upcoming", {"hours": 1})
    assert reply.content == "Nothing is due in the next 1 hour."


async def test_speaker_link_and_unlink_are_written_to_the_moderation_log(
    harness: ConferenceHarness,
) -> None:
    """Linking and unlinking a speaker each leave one line naming the moderator."""
    assert harness.bot is not None
    bob = harness.member("bob")
    await invoke(harness, "speaker-link", {"name": "nice", "member": bob})
    await invoke(harness, "speaker-unlink", {"name": "nice"})
    await harness.bot.services.scheduler.settle()
    log = harness.sandbox.world.channel_messages(harness.channel("mod-log").id)
    moderator = harness.member("moderator").id
    assert [message["content"].split(" · ")[0] for message in log] == [
        f"🛡️ <@{moderator}> linked speaker Sir Geoffrey Nice QC to <@{bob.id}>",
        f"🛡️ <@{moderator}> unlinked speaker Sir Geoffrey Nice QC",
    ]
    channel = harness.channel("mod-log").id
    sent = harness.sandbox.transcript.requests("POST", f"/channels/{channel}/messages")
    assert [request.body["allowed_mentions"] for request in sent] == [{"parse": []}] * 2


async def test_status_counts_the_write_ahead_log_in_the_database_size(
    harness: ConferenceHarness,
) -> None:
    """The database's size includes its -wal and -shm files, where recent writes live."""
    assert harness.bot is not None
    path = harness.config.storage.database
    await invoke(harness, "remind", {"session": harness.bot.services.schedule.sessions[0].id})
    files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]

    def on_disk() -> str:
        return f"Database: {sum(file.stat().st_size for file in files) / 1024:.0f} KiB"

    assert files[1].stat().st_size > 0  # the writes above are in the log, not the main file
    before = on_disk()
    reply = await invoke(harness, "conference status")
    # A background write (the DM channel opened for the reminder) may land meanwhile.
    shown = [line for line in reply.content.splitlines() if line.startswith("Database: ")]
    assert shown[0] in {before, on_disk()}
