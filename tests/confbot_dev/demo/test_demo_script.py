"""The demo's line parser: every documented form, every malformed one, any line at all."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from confbot_dev.demo import script

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
    # As in Discord's client, a value runs to the next option (the README's examples).
    (
        '/reminders settings leads:"60, 10" digest:08:00',
        script.Command(("reminders", "settings"), {"leads": "60, 10", "digest": "08:00"}),
    ),
    (
        "/reminders settings leads:60, 10 digest:off",
        script.Command(("reminders", "settings"), {"leads": "60, 10", "digest": "off"}),
    ),
    ("/search query:what's on", script.Command(("search",), {"query": "what's on"})),
    (
        "/announce new when:tomorrow 9:30am",
        script.Command(("announce", "new"), {"when": "tomorrow 9:30am"}),
    ),
    ('/search query:"rust: intro"', script.Command(("search",), {"query": "rust: intro"})),
    (":click Don't remind", script.Click("Don't remind")),
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
    (":wait abc", "'abc' is not a duration; use d, h, m and s"),
    (":wait 99999999y", "is not a duration"),
    (":wait -5m", "only moves forward"),
    (":wait 99999999999d", "longer than any calendar goes"),
    (":wait 999999999999999h", "longer than any calendar goes"),
    (":wait " + "9" * 5000 + "s", "is not a duration"),
    (":click", "usage: :click LABEL"),
    (':submit a="open', "double quotes"),
    (":submit =value", 'expected LABEL="value"'),
    (":submit", "usage: :submit"),
    (":x\ny", "unknown directive :x;"),
]


@pytest.mark.parametrize(("line", "message"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_parse_line_explains_malformed_lines(line: str, message: str) -> None:
    """A malformed line raises ScriptError with a message saying what is wrong."""
    with pytest.raises(script.ScriptError, match=message):
        script.parse_line(line)


def test_wait_reads_spaced_units_as_one_duration() -> None:
    """`:wait 1h 30m` is the same as `:wait 1h30m`."""
    assert script.parse_line(":wait 1h 30m") == script.Wait(timedelta(hours=1, minutes=30))


def test_reachable_refuses_to_pass_the_latest_time_the_demo_shows() -> None:
    """A wait past the last showable instant says how much time is left."""
    now = datetime(9998, 12, 31, 23, tzinfo=UTC)
    with pytest.raises(script.ScriptError, match=r"would pass 9999-01-01.*at most 1h is left"):
        script.reachable(now, timedelta(days=1))


def test_reachable_returns_the_instant_reached() -> None:
    """A wait inside the span lands where the clock would."""
    now = datetime(2021, 2, 24, 20, 45, tzinfo=UTC)
    assert script.reachable(now, timedelta(minutes=20)) == datetime(2021, 2, 24, 21, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("delta", "text"),
    [(timedelta(minutes=20), "20m"), (timedelta(days=1, hours=2, seconds=5), "1d2h5s")],
)
def test_format_duration_writes_what_the_parser_reads(delta: timedelta, text: str) -> None:
    """A waited span is echoed in the form :wait accepts."""
    assert script.format_duration(delta) == text
    assert script.parse_duration(text) == delta


STEERING = st.one_of(
    st.text(),
    st.builds(
        "".join,
        st.lists(
            st.sampled_from(
                [
                    ":",
                    "/",
                    "wait",
                    "complete",
                    "submit",
                    "click",
                    "as",
                    "channel",
                    " ",
                    "-",
                    "9" * 12,
                    "d",
                    "h",
                    "m",
                    "s",
                    "y",
                    "=",
                    '"',
                    "'",
                    "opt:",
                    "x",
                    "@confbot",
                    "\\",
                    "\n",
                    "\t",
                    "#",
                    "\x00",
                    "é",
                ]
            ),
            max_size=12,
        ),
    ),
)


def explanation(line: str) -> str | None:
    """Return the parser's error message for ``line``, or ``None`` if it parsed."""
    try:
        script.parse_line(line)
    except script.ScriptError as error:
        return str(error)
    return None


@settings(max_examples=500)
@given(STEERING)
def test_any_line_parses_or_explains_itself_in_one_line(line: str) -> None:
    """No typed line makes the parser raise anything but a one-line ScriptError."""
    message = explanation(line)
    assert message is None or (message.strip() and "\n" not in message)
