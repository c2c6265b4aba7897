"""`confbot demo`: the line parser, the session against the harness, and the real command."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import discord
import pytest

from bot.config import Config
from confbot_dev.demo import session as session_module
from confbot_dev.demo.console import Output
from confbot_dev.demo.render import Style
from confbot_dev.demo.session import DemoSession
from confbot_dev.harness import ConferenceHarness

if TYPE_CHECKING:
    from tests.conftest import ErrorCollector

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "config.example.toml"
CONFERENCE = "Online conference on forced organ harvesting in China"

SESSION_SCRIPT = """\
# a scripted visit
/about
:as bob
:dm
hello, is anyone there?
:channel general
just chatting, no mention
:wait 10m
:time
/nosuchcommand
:click
/about opt:"never closed
:wait 99999999y
:wait -5m
:wait abc
:wait 99999999999d
:frobnicate now
:complete /search query:key
:click Nope
:submit bad
:quit
/about
"""
# Each steering line above that cannot work, and the one error line it prints.
STEERING_ERRORS = [
    "error: usage: :click LABEL",
    'error: No closing quotation: a value in double quotes needs its closing "',
    "error: '99999999y' is not a duration; use d, h, m and s, e.g. 30s, 10m, 2h, 1h30m or 3d",
    "error: '-5m': the simulated clock only moves forward",
    "error: 'abc' is not a duration; use d, h, m and s, e.g. 30s, 10m, 2h, 1h30m or 3d",
    "error: '99999999999d' is longer than any calendar goes",
    "error: unknown directive :frobnicate; type :help for the list",
    "error: /search query: that option has no suggestions; type any value",
    "error: no recent bot message has a button 'Nope' (buttons: none)",
    "error: expected LABEL=\"value\", got 'bad'",
]


def run_demo(
    data_dir: Path, stdin: str, *extra: str, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run `python -m bot demo` with piped stdin; return the finished process."""
    env = {**os.environ, "NO_COLOR": "1", "CONFBOT_DEMO_TIMEOUT": "2"}
    command = [sys.executable, "-m", "bot", "demo", "--config", str(EXAMPLE)]
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [*command, "--data-dir", str(data_dir), *extra],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
        env=env,
        check=False,
    )


@pytest.fixture(scope="module")
def scripted(tmp_path_factory: pytest.TempPathFactory) -> subprocess.CompletedProcess[str]:
    """Return one finished demo run of SESSION_SCRIPT on a stopped clock at 13:00 UTC."""
    data = tmp_path_factory.mktemp("demo")
    return run_demo(data, SESSION_SCRIPT, "--at", "2021-02-24T13:00", "--speed", "0")


# -- the session against the harness (in process) -------------------------------------


@pytest.fixture
async def demo(harness: ConferenceHarness) -> AsyncIterator[tuple[DemoSession, io.StringIO]]:
    """Return a demo session on the harness printing plain text into a buffer."""
    buffer = io.StringIO()
    session = DemoSession(harness, Output(buffer), Style(enabled=False), timeout=5)
    try:
        yield session, buffer
    finally:
        await session.close()


Demo = tuple[DemoSession, io.StringIO]


def announce_later(harness: ConferenceHarness, text: str, minutes: int) -> None:
    """Have the bot post ``text`` in #announcements ``minutes`` simulated minutes from now."""
    assert harness.bot is not None
    bot = harness.bot
    channel_id = harness.channel("announcements").id

    async def announce() -> None:
        channel = bot.get_channel(channel_id)
        assert isinstance(channel, discord.TextChannel)
        await channel.send(text)

    when = harness.clock.now() + timedelta(minutes=minutes)
    bot.services.scheduler.schedule_at("test:announce", when, announce)


async def test_session_prints_a_command_reply(demo: Demo) -> None:
    """/about prints the bot's private reply with where it went."""
    session, out = demo
    assert await session.run_line("/about")
    assert "confbot in #general (only you):" in out.getvalue()
    assert CONFERENCE in out.getvalue()


async def test_session_prints_a_deferred_reply_once_as_a_reply(demo: Demo) -> None:
    """/agenda show thinks first; its answer is printed once, as a reply, not as an edit."""
    session, out = demo
    assert await session.run_line("/agenda show")
    text = out.getvalue()
    assert text.count("confbot in #general (only you):") == 1
    assert "edited a message" not in text


async def test_session_wait_prints_the_time_reached_and_what_fell_due(
    harness: ConferenceHarness, demo: Demo
) -> None:
    """:wait says where the clock is (the attendee's zone and UTC), then what the bot sent."""
    announce_later(harness, "Doors are open", minutes=5)
    session, out = demo
    await session.run_line(":wait 9m")  # the keynote's room post comes at 10m
    assert out.getvalue().splitlines() == [
        "waited 9m: now Wed 24 Feb 2021 20:54:00 UTC = Wed 24 Feb 2021 15:54:00 EST"
        " (America/New_York)",
        "confbot in #announcements:",
        "  Doors are open",
        "1 message fell due",
    ]


async def test_session_wait_with_nothing_due_says_so(demo: Demo) -> None:
    """:wait with nothing for the bot to do says "nothing due"."""
    session, out = demo
    await session.run_line(":wait 30s")
    assert out.getvalue().splitlines()[-1] == "nothing due"


async def test_session_wait_shows_the_time_in_the_acting_attendees_zone(demo: Demo) -> None:
    """After /timezone set, :wait shows the attendee's own wall clock beside UTC."""
    session, out = demo
    await session.run_line("/timezone set zone:Australia/Sydney")
    await session.run_line(":wait 20m")
    assert (
        "waited 20m: now Wed 24 Feb 2021 21:05:00 UTC = Thu 25 Feb 2021 08:05:00 AEDT"
        " (Australia/Sydney)"
    ) in out.getvalue()


async def test_session_wait_beyond_the_calendar_is_one_error_line(demo: Demo) -> None:
    """:wait past the last showable day prints one error and leaves the clock alone."""
    session, out = demo
    before = session.harness.clock.now()
    assert await session.run_line(":wait 99999999d")
    assert out.getvalue().startswith("error: waiting 99999999d would pass 9999-01-01")
    assert len(out.getvalue().splitlines()) == 1
    assert session.harness.clock.now() == before


async def test_session_shows_timestamps_in_the_acting_attendees_zone(
    harness: ConferenceHarness, demo: Demo
) -> None:
    """A <t:…> in a bot message reads in the zone of whoever is acting, as their client shows."""
    announce_later(harness, "Keynote <t:1614200400:t> (<t:1614200400:R>)", minutes=1)
    session, out = demo
    await session.run_line("/timezone set zone:Australia/Sydney")
    await session.run_line(":wait 1m")
    assert "  Keynote 08:00 (in 14 minutes)" in out.getvalue().splitlines()


async def test_session_shows_the_conference_zone_to_an_attendee_without_one(
    harness: ConferenceHarness, demo: Demo
) -> None:
    """Someone who set no zone reads timestamps in the conference's zone."""
    announce_later(harness, "Keynote <t:1614200400:t>", minutes=1)
    session, out = demo
    await session.run_line("/timezone set zone:Australia/Sydney")
    await session.run_line(":as bob")
    await session.run_line(":wait 1m")
    assert "  Keynote 16:00" in out.getvalue().splitlines()


async def test_session_shows_mentions_as_names(harness: ConferenceHarness, demo: Demo) -> None:
    """<@id>, <@&id> and <#id> read as @name, @role and #channel."""
    alice = harness.member("alice")
    role = harness.server.moderator_role if harness.server is not None else None
    assert role is not None
    general = harness.channel("general")
    announce_later(harness, f"{alice.mention} ask <@&{role.id}> in {general.mention}", minutes=1)
    session, out = demo
    await session.run_line(":wait 1m")
    assert f"  @alice ask @{role.name} in #general" in out.getvalue().splitlines()


async def test_session_prints_a_speakers_heads_up_that_falls_due(seed_config: Config) -> None:
    """A heads-up DM the outbox sends during :wait is shown in the speaker's zone and counted."""
    start = datetime(2021, 2, 24, 20, 0, tzinfo=UTC)  # the heads-up is due at 20:45
    async with ConferenceHarness(seed_config, start=start) as harness:
        out = io.StringIO()
        session = DemoSession(harness, Output(out), Style(enabled=False), timeout=5)
        try:
            for line in (
                ":as moderator",
                "/speaker-link name:Nice member:alice",
                ":as alice",
                "/timezone set zone:Australia/Sydney",
                ":wait 30m",
                ":wait 20m",
            ):
                await session.run_line(line)
        finally:
            await session.close()
    first, second = out.getvalue().split("waited 30m", 1)[1].split("waited 20m", 1)
    assert first.splitlines()[-1] == "nothing due"
    lines = second.splitlines()
    assert lines[1] == "confbot in DM to alice:"
    assert "  When: Thu 25 Feb 08:00-09:45 AEDT (+1 day) (Thursday 25 February 2021 at 08:00)" in (
        lines
    )
    assert lines[-1] == "1 message fell due"


async def test_session_survives_an_unexpected_error_in_one_line(
    demo: Demo, monkeypatch: pytest.MonkeyPatch, bot_logs_no_errors: ErrorCollector
) -> None:
    """Anything unforeseen prints one error line, is logged, and the session goes on."""
    bot_logs_no_errors.allow("demo line")
    session, out = demo

    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom\nand more")

    monkeypatch.setattr(session.harness.sandbox, "say", broken)
    assert await session.run_line("hello")
    assert out.getvalue() == (
        "error: unexpected RuntimeError: boom and more (details in demo.log)\n"
    )


async def test_session_keeps_showing_messages_after_one_fails_to_render(
    demo: Demo, monkeypatch: pytest.MonkeyPatch, bot_logs_no_errors: ErrorCollector
) -> None:
    """A message the demo cannot render is one error line; the next one still shows."""
    bot_logs_no_errors.allow("could not show message")
    session, out = demo
    real = session_module.render_message
    calls: list[int] = []

    def fails_once(*args: Any, **kwargs: Any) -> str:
        calls.append(1)
        if len(calls) == 1:
            raise KeyError("embeds")
        return real(*args, **kwargs)

    monkeypatch.setattr(session_module, "render_message", fails_once)
    await session.run_line("/about")
    await session.run_line("/about")
    lines = out.getvalue().splitlines()
    assert lines[0] == "error: could not show a message: 'embeds' (details in demo.log)"
    assert lines[1] == "confbot in #general (only you):"


async def test_session_unknown_command_lists_the_registered_ones(demo: Demo) -> None:
    """An unknown command prints one line listing the registered commands."""
    session, out = demo
    assert await session.run_line("/nope")
    assert out.getvalue().startswith("error: unknown command /nope; registered commands:")
    assert "/about" in out.getvalue()


async def test_session_complete_without_suggestions_answers_at_once(
    harness: ConferenceHarness, demo: Demo
) -> None:
    """:complete on an option without autocomplete says so and asks the bot nothing."""
    session, out = demo
    assert await session.run_line(":complete /search query:key")
    assert out.getvalue() == (
        "error: /search query: that option has no suggestions; type any value\n"
    )
    assert harness.sandbox.world.interactions == {}  # no interaction was ever sent


async def test_sandbox_refuses_to_autocomplete_an_option_without_it(
    harness: ConferenceHarness,
) -> None:
    """The driver refuses at once, as Discord would never ask the bot."""
    with pytest.raises(AssertionError, match="has no suggestions"):
        await harness.sandbox.autocomplete(
            harness.member("alice"),
            "search",
            {"query": "key"},
            focused="query",
            channel=harness.channel("general"),
        )
    assert harness.sandbox.world.interactions == {}  # no interaction was ever sent


async def test_session_complete_of_fixed_choices_filters_them(demo: Demo) -> None:
    """:complete on an option with fixed choices lists the matching ones, as a client does."""
    session, out = demo
    await session.run_line(":complete /timezone clock format:12")
    assert out.getvalue().splitlines() == ["autocomplete choices:", "  12h"]


async def test_session_click_of_a_missing_label_lists_the_buttons(demo: Demo) -> None:
    """:click of a label no recent message has says which buttons there are."""
    session, out = demo
    await session.run_line("@confbot when is the keynote?")
    assert await session.run_line(":click Nope")
    assert out.getvalue().splitlines()[-1] == (
        "error: no recent bot message has a button 'Nope'"
        " (buttons: Speaker, Remind me, Add to calendar)"
    )


async def test_session_choose_picks_an_option_of_a_menu(demo: Demo) -> None:
    """:choose with the start of an option's label chooses it: "Remind me of…" answers."""
    session, out = demo
    await session.run_line("/search query:organ")
    assert "<⏰ Remind me of…: Ending forced organ harvesting" in out.getvalue()
    assert await session.run_line(":choose ending forced")
    assert "I'll remind you about Ending forced organ harvesting in China" in out.getvalue()
    assert "[Stop: Ending forced organ harvesting" in out.getvalue()


async def test_session_choose_of_a_missing_option_lists_the_options(demo: Demo) -> None:
    """:choose of an option no recent menu has says which options there are."""
    session, out = demo
    await session.run_line("/search query:organ")
    assert await session.run_line(":choose Nope | ending")
    assert out.getvalue().splitlines()[-1] == (
        "error: no recent bot message has a menu with 'Nope | ending'"
        " (options: Ending forced organ harvesting in China, with a keynote by Sir Geoffrey"
        " Nice QC)"
    )


async def test_session_click_of_the_start_of_two_labels_lists_them(demo: Demo) -> None:
    """:click with the start of two buttons' labels names both in one error line."""
    session, out = demo
    await session.run_line("/session session:keynote")
    assert await session.run_line(":click A")  # "Add to calendar" alone: it works
    assert "error" not in out.getvalue()
    await session.run_line("/session session:keynote")
    await session.run_line(":as moderator")
    await session.run_line('/announce new when:"in 30 minutes"')
    await session.run_line(':submit Ti="Doors" Te="Doors open soon"')
    assert await session.run_line(":click S")
    assert out.getvalue().splitlines()[-1] == (
        "error: 'S' starts more than one button: Send now, Schedule; type more"
    )


SUBMITS = [
    # (the :submit line, the last line printed)
    (':submit Ti="Doors" Te="Doors open"', "  [Send now] [Schedule] [Edit] [Cancel]"),
    (':submit title="Doors" TEXT="Doors open"', "  [Send now] [Schedule] [Edit] [Cancel]"),
    (
        ':submit T="Doors"',
        "error: 'T' starts more than one field: Title, Text; type more",
    ),
    (
        ':submit Body="Doors"',
        "error: no field 'Body' (fields: Title, Text, When (your time zone), or now)",
    ),
]


@pytest.mark.parametrize(("line", "last"), SUBMITS, ids=[s[0] for s in SUBMITS])
async def test_session_submit_takes_the_start_of_a_fields_label(
    demo: Demo, line: str, last: str
) -> None:
    """:submit names fields by the start of their label; none or several is one error line."""
    session, out = demo
    await session.run_line(":as moderator")
    await session.run_line('/announce new when:"in 30 minutes"')
    assert await session.run_line(line)
    assert out.getvalue().splitlines()[-1] == last


async def test_session_text_command_reply_prints_under_its_line(demo: Demo) -> None:
    """`!next` waits for the answer, printed before the line returns; `!foo` waits for none."""
    session, out = demo
    assert await session.run_line("!next")
    assert "confbot in #general:" in out.getvalue()
    assert "The conference starts in 15 minutes" in out.getvalue()
    before = out.getvalue()
    assert await session.run_line("!foo")
    assert out.getvalue() == before  # no reply, and no "timed out" either


UPLOAD = REPO / "tests/fixtures/schedules/europython-2024.programapi-schedule-day.2024-07-08.json"


async def test_session_conference_upload_attaches_a_file(demo: Demo) -> None:
    """`/conference upload file:@PATH` uploads the file as an attachment; Confirm applies it."""
    session, out = demo
    await session.run_line(":as moderator")
    assert await session.run_line(f"/conference upload file:@{UPLOAD}")
    assert f"{UPLOAD.name} is valid: 28 sessions." in out.getvalue()
    assert await session.run_line(":click Confirm")
    assert f"Applied {UPLOAD.name}: 28 added, 1 removed." in out.getvalue()


ATTACH_ERRORS = [
    ("file:nope.xml", "error: option 'file' takes a file: file:@path/to/file"),
    ("file:@nope.xml", "error: option 'file': cannot read nope.xml: No such file or directory"),
]


@pytest.mark.parametrize(("option", "error"), ATTACH_ERRORS, ids=[a[0] for a in ATTACH_ERRORS])
async def test_session_attachment_that_cannot_be_read_is_one_error(
    demo: Demo, option: str, error: str
) -> None:
    """An attachment option without @, or naming a file that is not there, is one error line."""
    session, out = demo
    await session.run_line(":as moderator")
    assert await session.run_line(f"/conference upload {option}")
    assert out.getvalue().splitlines()[-1] == error


async def test_session_hidden_command_hints_at_the_moderator(demo: Demo) -> None:
    """A moderator command run as an attendee says Discord hides it and how to act as one."""
    session, out = demo
    assert await session.run_line("/announce list")
    last = out.getvalue().splitlines()[-1]
    assert last.startswith("error: Discord would not show /announce to alice in #general")
    assert last.endswith("; :as moderator acts as a moderator")


# -- the real command, as a subprocess ------------------------------------------------


def test_demo_about_prints_the_conference_name(tmp_path: Path) -> None:
    """Piped `/about` prints the conference name and exits 0."""
    done = run_demo(tmp_path, "/about\n")
    assert done.returncode == 0, done.stderr
    assert CONFERENCE in done.stdout


def test_demo_prints_a_banner_with_the_conference_and_help(
    scripted: subprocess.CompletedProcess[str],
) -> None:
    """The first line names the conference, the simulated time and :help."""
    banner = scripted.stdout.splitlines()[0]
    assert CONFERENCE in banner
    assert "Wed 24 Feb 2021 13:00 UTC" in banner
    assert ":help" in banner


def test_demo_scripted_session_exits_zero(scripted: subprocess.CompletedProcess[str]) -> None:
    """A session with errors in it still ends with exit status 0 and no traceback."""
    assert scripted.returncode == 0, scripted.stderr
    assert "Traceback" not in scripted.stderr


def test_demo_echoes_each_line_after_its_prompt(
    scripted: subprocess.CompletedProcess[str],
) -> None:
    """Piped lines are echoed after a prompt naming the user and where they type."""
    assert "alice@#general> /about" in scripted.stdout
    assert "bob@DM> hello, is anyone there?" in scripted.stdout
    assert "bob@#general> just chatting, no mention" in scripted.stdout


def test_demo_dm_awaits_a_reply(scripted: subprocess.CompletedProcess[str]) -> None:
    """A DM waits for the bot: its reply is printed, or one line says none came."""
    after = scripted.stdout.split("bob@DM> hello, is anyone there?\n", 1)[1]
    first = after.splitlines()[0]
    assert first.startswith(("confbot in DM to bob", "error: timed out after 2s")), first


def test_demo_time_after_wait_shows_utc_and_the_conference_zone(
    scripted: subprocess.CompletedProcess[str],
) -> None:
    """:time after :wait 10m on a stopped clock shows 13:10 UTC and 08:10 in New York."""
    expected = (
        "simulated time: Wed 24 Feb 2021 13:10:00 UTC"
        " = Wed 24 Feb 2021 08:10:00 EST (America/New_York)"
    )
    assert expected in scripted.stdout


def test_demo_unknown_command_lists_registered_commands(
    scripted: subprocess.CompletedProcess[str],
) -> None:
    """An unknown command prints the registered commands instead of crashing."""
    assert "error: unknown command /nosuchcommand; registered commands: " in scripted.stdout
    assert "/about" in scripted.stdout.split("/nosuchcommand; registered commands: ", 1)[1]


def test_demo_bad_lines_print_one_error_each(scripted: subprocess.CompletedProcess[str]) -> None:
    """Malformed or impossible steering lines each print one error line; the session goes on."""
    lines = scripted.stdout.splitlines()
    for error in STEERING_ERRORS:
        assert error in lines
    assert "alice@#general> :quit" in lines or "bob@#general> :quit" in lines


def test_demo_quit_ends_the_session(scripted: subprocess.CompletedProcess[str]) -> None:
    """Nothing after :quit runs."""
    assert scripted.stdout.count(CONFERENCE) == 2  # the banner and the first /about


BAD_FLAGS = [
    (("--at", "garbage"), "confbot: --at 'garbage' is not an ISO date-time"),
    (("--at", "0001-01-01"), "confbot: --at '0001-01-01' is outside the span the demo can show"),
    (("--at", "9999-12-31T23:00-05:00"), "is outside the span the demo can show"),
    (("--speed", "-5"), "confbot: --speed '-5': give a number from 0 (a stopped clock) to 10000"),
    (("--speed", "nan"), "confbot: --speed 'nan': give a number from 0"),
    (("--speed", "inf"), "confbot: --speed 'inf': give a number from 0"),
    (("--speed", "1e308"), "confbot: --speed '1e308': give a number from 0"),
    (("--speed", "fast"), "confbot: --speed 'fast' is not a number"),
]


@pytest.mark.parametrize(("flags", "message"), BAD_FLAGS, ids=[" ".join(f[0]) for f in BAD_FLAGS])
def test_demo_rejects_absurd_flags_in_one_line(
    tmp_path: Path, flags: tuple[str, ...], message: str
) -> None:
    """A bad --at or --speed exits 2 with one line saying what is wrong, no traceback."""
    done = run_demo(tmp_path, "", *flags)
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1, done.stderr
    assert message in done.stderr
    assert done.stdout == ""


def test_demo_run_again_on_the_same_data_dir_still_answers(tmp_path: Path) -> None:
    """A second demo on a kept database registers its commands again and answers /about."""
    first = run_demo(tmp_path, "/about\n", "--speed", "0")
    assert CONFERENCE in first.stdout.split("/about", 1)[1], first.stdout
    second = run_demo(tmp_path, "/about\n", "--speed", "0")
    assert second.returncode == 0, second.stderr
    assert "unknown command" not in second.stdout
    assert CONFERENCE in second.stdout.split("/about", 1)[1], second.stdout


SYNCED = "INFO bot.app: synced"


def test_demo_keeps_log_records_out_of_the_chat(tmp_path: Path) -> None:
    """Without --verbose no log record reaches the terminal; they go to demo.log."""
    done = run_demo(tmp_path, "/about\n", "--speed", "0", "--at", "2021-02-24T13:00")
    assert SYNCED not in done.stdout
    assert done.stderr == ""
    logged = (tmp_path / "demo.log").read_text(encoding="utf-8")
    assert f"[2021-02-24 13:00:00 UTC, simulated] {SYNCED}" in logged


def test_demo_verbose_shows_log_records_with_the_simulated_time(tmp_path: Path) -> None:
    """With --verbose the bot's log records appear in the chat, stamped with simulated time."""
    done = run_demo(tmp_path, "/about\n", "--speed", "0", "--at", "2021-02-24T13:00", "--verbose")
    assert f"[2021-02-24 13:00:00 UTC, simulated] {SYNCED}" in done.stdout
    assert done.stderr == ""


async def test_wait_runs_each_due_message_at_its_own_time(demo: Demo) -> None:
    """:wait 15m passes the keynote's room post at 15:55, so it says "Starts in 5 min"."""
    session, out = demo
    await session.run_line(":wait 15m")
    text = out.getvalue()
    assert "confbot in #main-stage:" in text
    assert "Starts in 5 min" in text
    assert "Starting now" not in text


def test_demo_at_a_thousand_times_real_time_answers_every_command(tmp_path: Path) -> None:
    """At --speed 1000 the 3 s to answer is real time: /about, /schedule and /next answer.

    It starts a day early: at 1000x a real second is 17 simulated minutes, and starting
    15 minutes before the keynote a room post could land between a command and its answer.
    """
    options = ["--speed", "1000", "--at", "2021-02-23T12:00"]
    done = run_demo(tmp_path, "/about\n/schedule\n/next\n", *options)
    assert done.returncode == 0, done.stderr
    assert "error:" not in done.stdout, done.stdout
    answers = done.stdout.split("alice@#general> ")[1:]
    assert [answer.splitlines()[1] for answer in answers] == [
        "confbot in #general (only you):"
    ] * 3, done.stdout


FIRST_RUN = """\
/timezone set zone:Australia/Sydney
/remind session:keynote
:as moderator
/announce new when:"in 2 hours"
:submit Title="Doors" Text="Doors open"
:click Schedule
"""
# 20:45 UTC is 15:45 in New York: the keynote (16:00) reminder fell due at 15:50.
SECOND_RUN = """\
/session session:keynote
/agenda show
:as moderator
/announce list
:time
"""


def test_demo_rerun_on_a_data_dir_keeps_people_agenda_announcements_and_time(
    tmp_path: Path,
) -> None:
    """A rerun on the same --data-dir knows the zone, the agenda and the pending announcement.

    The reminder that fell due between the runs (started later with --at) arrives once;
    a third run, without --at, starts where the second left the clock and sends it no more.
    """
    first = run_demo(tmp_path, FIRST_RUN, "--speed", "0", "--at", "2021-02-24T20:45")
    assert "Scheduled announcement #1" in first.stdout, first.stdout
    second = run_demo(tmp_path, SECOND_RUN, "--speed", "0", "--at", "2021-02-24T20:52")
    assert second.returncode == 0, second.stderr
    assert "error:" not in second.stdout, second.stdout
    before_prompt = second.stdout.split("alice@#general> ", 1)[0]
    assert before_prompt.count("confbot in DM to alice:\n  ⏰ Ending forced organ") == 1
    assert "Your time (Australia/Sydney): Thu 25 Feb 08:00-09:45 AEDT" in second.stdout
    assert "Your agenda: 1 session" in second.stdout
    assert "#1 Doors in #announcements: scheduled" in second.stdout
    third = run_demo(tmp_path, ":time\n:wait 5m\n", "--speed", "0")
    assert "simulated time: Wed 24 Feb 2021 20:52:00 UTC" in third.stdout, third.stdout
    assert "⏰" not in third.stdout


def test_demo_serves_the_feed_and_page_on_loopback(tmp_path: Path) -> None:
    """Without a [web] section the demo still serves feeds and pages, on a free loopback port.

    The banner names the server and /agenda subscribe answers with both links.
    """
    config = tmp_path / "no-web.toml"
    example = EXAMPLE.read_text(encoding="utf-8")
    assert "\n[web]" not in example  # the example leaves the web server off
    example = example.replace('"examples/', f'"{REPO}/examples/')  # beside the copy's folder
    config.write_text(example, encoding="utf-8")
    options = ["--data-dir", str(tmp_path / "data"), "--at", "2021-02-24T13:00", "--speed", "0"]
    done = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "bot", "demo", "--config", str(config), *options],
        input="/remind session:conference\n/agenda subscribe\n",
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
        env={**os.environ, "NO_COLOR": "1", "CONFBOT_DEMO_TIMEOUT": "2"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    banner = done.stdout.splitlines()[1]
    assert banner.startswith("calendar feeds and agenda pages at http://127.0.0.1:")
    # Discord's client shows <url> as the bare link (the demo prints what it shows).
    link = r"http://127\.0\.0\.1:\d+/agenda/[A-Za-z0-9_-]{43}"
    assert re.search(rf"calendar feed: {link}\.ics\n", done.stdout)
    assert re.search(
        rf"web page, by day in your time zone: {link}\n",
        done.stdout,
    )
