"""`confbot demo`: the line parser, the session against the harness, and the real command."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import discord
import pytest

from bot.demo import script
from bot.demo.console import Output
from bot.demo.render import Style, render_message
from bot.demo.run import parse_at
from bot.demo.session import DemoSession
from bot.harness import ConferenceHarness

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
:quit
/about
"""


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


# -- the line parser ------------------------------------------------------------------

PARSED = [
    ("/about", script.Command(("about",), {})),
    (
        "/timezone set zone:sydney",
        script.Command(("timezone", "set"), {"zone": "sydney"}),
    ),
    (
        '/ask question:"when is lunch?" private:true',
        script.Command(("ask",), {"question": "when is lunch?", "private": "true"}),
    ),
    ("/remind me session:keynote", script.Command(("remind", "me"), {"session": "keynote"})),
    (
        ":complete /timezone set zone:syd",
        script.Complete(("timezone", "set"), {"zone": "syd"}, "zone"),
    ),
    ("hello @confbot", script.Say("hello @confbot")),
    ("  just text  ", script.Say("just text")),
    (":as carol", script.SwitchUser("carol")),
    (":as moderator", script.SwitchUser("moderator")),
    (":dm", script.GoToDm()),
    (":channel main-stage", script.GoToChannel("main-stage")),
    (":channel #general", script.GoToChannel("general")),
    (":click Next", script.Click("Next")),
    (':click "Add to my schedule"', script.Click("Add to my schedule")),
    (
        ':submit Title="A talk" "Your question"="why?"',
        script.Submit({"Title": "A talk", "Your question": "why?"}),
    ),
    (":wait 10m", script.Wait(timedelta(minutes=10))),
    (":wait 1h30m", script.Wait(timedelta(hours=1, minutes=30))),
    (":wait 30s", script.Wait(timedelta(seconds=30))),
    (":wait 2h", script.Wait(timedelta(hours=2))),
    (":time", script.ShowTime()),
    (":help", script.ShowHelp()),
    (":quit", script.Quit()),
    ("# a comment", None),
    ("", None),
]


@pytest.mark.parametrize(("line", "expected"), PARSED, ids=[p[0] or "blank" for p in PARSED])
def test_parse_line_turns_each_form_into_its_action(
    line: str, expected: script.Action | None
) -> None:
    """Each documented line form parses into its action."""
    assert script.parse_line(line) == expected


MALFORMED = [
    ("/", "no command name"),
    ("/about x:1 stray", "expected opt:value"),
    ("/about x:1 x:2", "given twice"),
    ('/about q:"open', "double quotes"),
    (":wait soon", "not a duration"),
    (":wait 0m", "positive duration"),
    (":as", "usage: :as NAME"),
    (":as two words", "usage: :as NAME"),
    (":click", "usage: :click LABEL"),
    (":submit novalue", 'expected LABEL="value"'),
    (":time now", "takes no argument"),
    (":complete /about", "needs an option"),
    (":frobnicate", "unknown directive :frobnicate"),
]


@pytest.mark.parametrize(("line", "message"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_parse_line_explains_malformed_lines(line: str, message: str) -> None:
    """A malformed line raises ScriptError with a message saying what is wrong."""
    with pytest.raises(script.ScriptError, match=message):
        script.parse_line(line)


def test_parse_at_reads_a_time_without_offset_as_utc() -> None:
    """--at without an offset is UTC."""
    assert parse_at("2021-02-24T13:45") == datetime(2021, 2, 24, 13, 45, tzinfo=UTC)


def test_parse_at_keeps_an_explicit_offset() -> None:
    """--at with an offset keeps it."""
    minus_five = timezone(timedelta(hours=-5))
    assert parse_at("2021-02-24T08:45-05:00") == datetime(2021, 2, 24, 8, 45, tzinfo=minus_five)


# -- rendering ------------------------------------------------------------------------


def test_render_message_shows_every_part_as_plain_text() -> None:
    """A message renders with its place, privacy, text, embed parts, buttons and files."""
    message = {
        "flags": 64,
        "content": "Here you go",
        "embeds": [
            {
                "title": "Keynote",
                "description": "Opening words",
                "fields": [{"name": "Starts", "value": "13:00 EST"}],
                "footer": {"text": "page 1/2"},
            }
        ],
        "components": [
            {
                "type": 1,
                "components": [
                    {"type": 2, "label": "Previous", "custom_id": "p"},
                    {"type": 2, "label": "Next", "custom_id": "n"},
                ],
            }
        ],
        "attachments": [{"filename": "schedule.ics"}],
    }
    text = render_message(message, "#general", Style(enabled=False))
    assert text.splitlines() == [
        "confbot in #general (only you):",
        "  Here you go",
        "  | Keynote",
        "  | Opening words",
        "  | Starts: 13:00 EST",
        "  | -- page 1/2",
        "  [Previous] [Next]",
        "  (attachment: schedule.ics)",
    ]


def test_style_has_no_colour_when_no_color_is_set() -> None:
    """NO_COLOR turns colour off even on a terminal."""

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert Style.for_stream(Terminal(), {}).enabled
    assert not Style.for_stream(Terminal(), {"NO_COLOR": "1"}).enabled


# -- the session against the harness (in process) -------------------------------------


def session_on(harness: ConferenceHarness) -> tuple[DemoSession, io.StringIO]:
    """Return a demo session on ``harness`` printing plain text into a buffer."""
    buffer = io.StringIO()
    return DemoSession(harness, Output(buffer), Style(enabled=False), timeout=5), buffer


async def test_session_prints_a_command_reply(harness: ConferenceHarness) -> None:
    """/about prints the bot's private reply with where it went."""
    session, out = session_on(harness)
    assert await session.run_line("/about")
    assert "confbot in #general (only you):" in out.getvalue()
    assert CONFERENCE in out.getvalue()


async def test_session_wait_prints_what_the_bot_sent_meanwhile(
    harness: ConferenceHarness,
) -> None:
    """:wait advances the clock and prints a message a scheduled job sent."""
    assert harness.bot is not None
    bot = harness.bot
    channel_id = harness.channel("announcements").id

    async def announce() -> None:
        channel = bot.get_channel(channel_id)
        assert isinstance(channel, discord.TextChannel)
        await channel.send("Doors are open")

    when = harness.clock.now() + timedelta(minutes=5)
    bot.services.scheduler.schedule_at("test:announce", when, announce)
    session, out = session_on(harness)
    await session.run_line(":wait 10m")
    assert out.getvalue() == "confbot in #announcements:\n  Doors are open\n"


async def test_session_wait_with_nothing_due_prints_nothing(harness: ConferenceHarness) -> None:
    """:wait prints nothing when the bot has nothing to do meanwhile."""
    session, out = session_on(harness)
    await session.run_line(":wait 30s")
    assert out.getvalue() == ""


async def test_session_unknown_command_lists_the_registered_ones(
    harness: ConferenceHarness,
) -> None:
    """An unknown command prints one line listing the registered commands."""
    session, out = session_on(harness)
    assert await session.run_line("/nope")
    assert out.getvalue().startswith("error: unknown command /nope; registered commands:")
    assert "/about" in out.getvalue()


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
        "simulated time: Wed 24 Feb 2021 13:10:00 UTC = Wed 24 Feb 08:10:00 EST (America/New_York)"
    )
    assert expected in scripted.stdout


def test_demo_unknown_command_lists_registered_commands(
    scripted: subprocess.CompletedProcess[str],
) -> None:
    """An unknown command prints the registered commands instead of crashing."""
    assert "error: unknown command /nosuchcommand; registered commands: " in scripted.stdout
    assert "/about" in scripted.stdout.split("/nosuchcommand; registered commands: ", 1)[1]


def test_demo_bad_lines_print_one_error_each(scripted: subprocess.CompletedProcess[str]) -> None:
    """Malformed lines each print one error line and the session goes on."""
    assert "error: usage: :click LABEL" in scripted.stdout
    assert "error: No closing quotation: put values with ' or spaces in double quotes" in (
        scripted.stdout
    )


def test_demo_quit_ends_the_session(scripted: subprocess.CompletedProcess[str]) -> None:
    """Nothing after :quit runs."""
    assert scripted.stdout.count(CONFERENCE) == 2  # the banner and the first /about


def test_demo_rejects_a_bad_at_time(tmp_path: Path) -> None:
    """--at garbage exits 2 with a message naming the expected form."""
    done = run_demo(tmp_path, "", "--at", "garbage")
    assert done.returncode == 2
    assert "--at 'garbage' is not an ISO date-time" in done.stderr
    assert "Traceback" not in done.stderr
