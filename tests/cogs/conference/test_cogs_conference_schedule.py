"""/conference reload and upload: moderators only, a broken file changes nothing."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.config import Config
from bot.schedule.formats import import_schedule
from confbot_dev.harness import ConferenceHarness
from confbot_dev.sandbox import InteractionResult
from confbot_dev.sandbox.rest import Upload
from tests.support.live_schedule import MORNING, TALK_START, live_config, programme, write_programme

BROKEN = programme(talk_end="2030-06-05 09:00").encode()
MOVED = programme(talk="2030-06-05 11:00", talk_end="2030-06-05 11:30").encode()


@pytest.fixture
async def conference(tmp_path: Path, example_config: Config) -> AsyncIterator[ConferenceHarness]:
    """Start the bot on the two-talk programme, its first refresh done."""
    async with ConferenceHarness(live_config(tmp_path, base=example_config), start=MORNING) as h:
        assert h.bot is not None
        await h.bot.services.scheduler.settle()
        yield h
        assert h.sandbox.rejections == []


def talk_start(harness: ConferenceHarness) -> object:
    """Return the talk's start as the bot knows it."""
    assert harness.bot is not None
    session = harness.bot.services.schedule.session("talk")
    return session.start if session else None


async def moderation_log(harness: ConferenceHarness) -> list[str]:
    """Let due sends land, then return what #mod-log shows."""
    assert harness.bot is not None
    await harness.bot.services.scheduler.settle()
    return [m["content"] for m in harness.sandbox.messages(harness.channel("mod-log"))]


async def as_moderator(
    harness: ConferenceHarness, command: str, options: dict[str, object] | None = None
) -> InteractionResult:
    """Run a /conference command as the moderator, in #general."""
    return await harness.sandbox.invoke(
        harness.member("moderator"), command, options or {}, channel=harness.channel("general")
    )


def upload(body: bytes, name: str = "new.toml") -> Upload:
    """Return a file as a member attaches it."""
    return Upload("file", name, body, "text/plain")


async def test_reload_with_a_broken_file_keeps_the_schedule_and_shows_why(
    conference: ConferenceHarness,
) -> None:
    """The moderator reads the validation error; the talk keeps its time; the log says so."""
    path = conference.config.schedule.source
    assert isinstance(path, Path)
    path.write_bytes(BROKEN)
    result = await as_moderator(conference, "conference reload")
    assert result.ephemeral
    assert result.content.startswith("The schedule was not changed: live.toml: session")
    assert "is not after start" in result.content
    assert talk_start(conference) == TALK_START
    log = await moderation_log(conference)
    assert any(line.startswith("moderator (") and "ran schedule reload" in line for line in log)


async def test_reload_applies_a_changed_file(conference: ConferenceHarness) -> None:
    """Reload reads the file at once and says what changed."""
    path = conference.config.schedule.source
    assert isinstance(path, Path)
    write_programme(path, talk="2030-06-05 11:00", talk_end="2030-06-05 11:30")
    result = await as_moderator(conference, "conference reload")
    assert result.content == "Reloaded live.toml: 1 moved."
    assert talk_start(conference) == TALK_START + timedelta(hours=1)


async def test_upload_of_a_broken_file_changes_nothing(conference: ConferenceHarness) -> None:
    """A file that fails validation is refused with the reason; no buttons, no change."""
    result = await as_moderator(conference, "conference upload", {"file": upload(BROKEN)})
    assert result.ephemeral
    assert result.content.startswith("new.toml was not applied: new.toml: session")
    assert result.components == []
    assert talk_start(conference) == TALK_START
    assert any("uploaded a schedule" in line for line in await moderation_log(conference))


async def test_upload_of_an_export_with_a_bad_event_names_it(
    conference: ConferenceHarness,
) -> None:
    """A frab schedule.json with one unreadable duration is refused, the event named."""
    event = {"guid": "g1", "date": "2030-06-05T10:00:00+02:00", "start": "10:00"}
    events = [{**event, "duration": "x", "room": "Saal", "title": "Broken", "persons": []}]
    events.append({**event, "guid": "g2", "duration": "0:30", "room": "Saal", "title": "Fine"})
    day = {"index": 1, "date": "2030-06-05", "rooms": {"Saal": events}}
    conference_table = {"title": "X", "time_zone_name": "Europe/Berlin", "days": [day]}
    body = json.dumps({"schedule": {"version": "1", "conference": conference_table}})
    result = await as_moderator(
        conference, "conference upload", {"file": upload(body.encode(), "schedule.json")}
    )
    assert result.content.startswith("schedule.json was not applied: ")
    assert "event g1: duration 'x'" in result.content
    assert talk_start(conference) == TALK_START


async def test_upload_shows_the_changes_and_applies_only_on_confirm(
    conference: ConferenceHarness,
) -> None:
    """The preview lists the move; the schedule changes only when Confirm is pressed."""
    moderator = conference.member("moderator")
    preview = await as_moderator(conference, "conference upload", {"file": upload(MOVED)})
    assert preview.content.startswith("**new.toml** is valid: 2 sessions. Changes: 1 moved.")
    assert "- Moved: *Rust at scale* (Ada Lovelace)" in preview.content
    assert talk_start(conference) == TALK_START
    confirmed = await conference.sandbox.click(moderator, preview, "Confirm")
    assert confirmed.content == "Applied new.toml: 1 moved."
    assert talk_start(conference) == TALK_START + timedelta(hours=1)
    log = await moderation_log(conference)
    assert any("confirmed the upload" in line for line in log)


async def test_upload_cancelled_changes_nothing(conference: ConferenceHarness) -> None:
    """Cancel leaves the schedule as it was."""
    moderator = conference.member("moderator")
    preview = await as_moderator(conference, "conference upload", {"file": upload(MOVED)})
    cancelled = await conference.sandbox.click(moderator, preview, "Cancel")
    assert cancelled.content == "Nothing was changed."
    assert talk_start(conference) == TALK_START


async def test_an_upload_survives_the_next_refresh_of_an_unchanged_source(
    conference: ConferenceHarness,
) -> None:
    """The refresh job does not undo an upload while the source itself has not changed."""
    moderator = conference.member("moderator")
    preview = await as_moderator(conference, "conference upload", {"file": upload(MOVED)})
    await conference.sandbox.click(moderator, preview, "Confirm")
    conference.clock.set(MORNING + timedelta(minutes=10))
    assert conference.bot is not None
    await conference.bot.services.scheduler.settle()
    assert talk_start(conference) == TALK_START + timedelta(hours=1)


async def test_attendees_cannot_reload(conference: ConferenceHarness) -> None:
    """Shown the command anyway, an attendee is refused on the server side."""
    alice = conference.member("alice")
    assert conference.server is not None
    conference.sandbox.set_command_permissions(conference.server.guild, "conference", allow=[alice])
    result = await conference.sandbox.invoke(
        alice, "conference reload", channel=conference.channel("general")
    )
    assert result.ephemeral
    assert result.content == "Only moderators can do that."


FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "schedules"
SESSIONIZE = FIXTURES / "sessionize-qa-or-the-highway-2026.all.json"


async def test_an_upload_needing_a_zone_names_the_commands_option(
    conference: ConferenceHarness,
) -> None:
    """A Sessionize export (local times, no zone) is refused in a moderator's words.

    No "--tz": the moderator is in Discord, where the command's timezone option says it.
    """
    file = upload(SESSIONIZE.read_bytes(), SESSIONIZE.name)
    refused = await as_moderator(conference, "conference upload", {"file": file})
    assert refused.components == []
    shown = refused.content.replace("\\", "")  # as Discord shows it (markdown escapes read)
    assert shown.endswith(
        "whole-hour UTC offset: choose it in the timezone option of /conference upload"
    )
    assert "--" not in shown
    preview = await as_moderator(
        conference, "conference upload", {"file": file, "timezone": "America/New_York"}
    )
    assert preview.content.replace("\\", "").startswith(
        f"**{SESSIONIZE.name}** is valid: 46 sessions."
    )
    confirmed = await conference.sandbox.click(conference.member("moderator"), preview, "Confirm")
    assert confirmed.content.replace("\\", "").startswith(f"Applied {SESSIONIZE.name}: ")
    # Read in the zone chosen, on Confirm too (not in the config's, which names none).
    expected = import_schedule(SESSIONIZE, zone="America/New_York").schedule.sessions
    assert conference.bot is not None
    live = conference.bot.services.schedule
    assert [live.session(s.id).start for s in expected] == [s.start for s in expected]  # type: ignore[union-attr]


async def test_an_upload_of_an_unknown_format_names_the_commands_option(
    conference: ConferenceHarness,
) -> None:
    """A file no format recognises points at the format option, not at --format."""
    result = await as_moderator(
        conference, "conference upload", {"file": upload(b"hello, world\n", "notes.txt")}
    )
    shown = result.content.replace("\\", "")  # as Discord shows it (markdown escapes read)
    assert shown.startswith("notes.txt was not applied: notes.txt: cannot tell")
    assert shown.endswith("choose it in the format option of /conference upload")
    assert "--" not in shown
    # With the format chosen, the file is read as that format (and its own problem named).
    chosen = await as_moderator(
        conference,
        "conference upload",
        {"file": upload(b"hello, world\n", "notes.txt"), "format": "csv"},
    )
    assert "cannot tell" not in chosen.content
    assert chosen.content.replace("\\", "").startswith("notes.txt was not applied: notes.txt: ")
