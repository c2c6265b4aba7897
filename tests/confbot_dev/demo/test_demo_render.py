"""Bot messages in the demo's transcript: Discord's markdown, mentions, timestamps, embeds."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from confbot_dev.demo.markdown import render_markdown
from confbot_dev.demo.render import Style, render_message
from confbot_dev.demo.viewer import Viewer

NOW = datetime(2021, 2, 24, 20, 45, tzinfo=UTC)
NAMES = {("user", 11): "alice", ("role", 22): "Moderator", ("channel", 33): "general"}
SYDNEY = Viewer("Australia/Sydney", NOW, names=lambda kind, key: NAMES.get((kind, key)))
PLAIN = Style(enabled=False)
TERMINAL = Style(enabled=True)

MARKDOWN = [
    ("**bold** and *italic* and _also_", "bold and italic and also"),
    ("__under__ ~~gone~~ ||secret||", "under gone secret"),
    ("run `/about` now", "run /about now"),
    ("snake_case_name stays, 5 * 3 * 2 too", "snake_case_name stays, 5 * 3 * 2 too"),
    ("\\*not italic\\* and \\(escaped\\)", "*not italic* and (escaped)"),
    ("see [the site](https://example.org/a_b)", "see the site (https://example.org/a_b)"),
    ("bare https://example.org/a_b_c stays", "bare https://example.org/a_b_c stays"),
    ("# Title\n## Part\n### Small\n-# fine print", "Title\nPart\nSmall\nfine print"),
    ("- one\n  - two\n* three\n1. first", "• one\n  ◦ two\n• three\n1. first"),
    ("> quoted **bold**\nnot quoted", "▎ quoted bold\nnot quoted"),
    (">>> all\nof this", "▎ all\n▎ of this"),
    ("before\n```py\nprint(1)\n```\nafter", "before\n  print(1)\nafter"),
    ("<@11> <@!11> <@&22> <#33>", "@alice @alice @Moderator #general"),
    ("<@99> <@&99> <#99>", "@unknown-user @deleted-role #unknown"),
    ("<:party:123> ok", ":party: ok"),
]


@pytest.mark.parametrize(("text", "shown"), MARKDOWN, ids=[m[0][:30] for m in MARKDOWN])
def test_markdown_reads_as_a_client_shows_it(text: str, shown: str) -> None:
    """Markdown markers disappear and mentions show names, as in a Discord client."""
    assert render_markdown(text, SYDNEY).plain == shown


def test_timestamps_show_in_the_viewers_zone_and_relative_to_the_simulated_now() -> None:
    """<t:…:F> and <t:…:R> show Sydney's wall clock and 'in 15 minutes' at 20:45 UTC."""
    text = "on <t:1614200400:F> (<t:1614200400:R>), default <t:1614200400>"
    assert render_markdown(text, SYDNEY).plain == (
        "on Thursday 25 February 2021 at 08:00 (in 15 minutes), default 25 February 2021 at 08:00"
    )


def test_a_timestamp_no_calendar_reaches_stays_as_written() -> None:
    """A timestamp out of range is shown as the raw markup, not a crash."""
    assert render_markdown("<t:99999999999999:F>", SYDNEY).plain == "<t:99999999999999:F>"


STYLED = [
    ("**bold**", "\x1b[1mbold\x1b[0m"),
    ("*italic*", "\x1b[3mitalic\x1b[0m"),
    ("__under__", "\x1b[4munder\x1b[0m"),
    ("~~gone~~", "\x1b[9mgone\x1b[0m"),
    ("# Title", "\x1b[1;4mTitle\x1b[0m"),
]


@pytest.mark.parametrize(("text", "ansi"), STYLED, ids=[s[0] for s in STYLED])
def test_a_terminal_gets_markdown_as_terminal_styles(text: str, ansi: str) -> None:
    """On a terminal, bold, italics, underline, strike-through and headers are styled."""
    assert TERMINAL.show(render_markdown(text, SYDNEY)) == ansi


def test_a_pipe_gets_no_escape_codes() -> None:
    """Piped output has no ANSI escape at all, whatever the message holds."""
    message = {"content": "**Keynote** at <t:1614200400:t>, ask <@11> in <#33>", "flags": 64}
    text = render_message(message, "#general", PLAIN, SYDNEY)
    assert "\x1b" not in text
    assert text.splitlines()[1] == "  Keynote at 08:00, ask @alice in #general"


def test_render_message_shows_every_part_as_plain_text() -> None:
    """A message renders with its place, privacy, text, embed parts, buttons and files."""
    message = {
        "flags": 64,
        "content": "Here you go",
        "embeds": [
            {
                "title": "**Keynote**",
                "description": "Opening words at <t:1614200400:t>",
                "fields": [{"name": "Starts", "value": "13:00 EST\n*in the main room*"}],
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
    text = render_message(message, "#general", PLAIN, SYDNEY)
    assert text.splitlines() == [
        "confbot in #general (only you):",
        "  Here you go",
        "  | Keynote",
        "  | Opening words at 08:00",
        "  | Starts: 13:00 EST",
        "  |   in the main room",
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
    assert not Style.for_stream(io.StringIO(), {}).enabled


def test_the_embed_bar_style_stops_at_the_bar() -> None:
    """On a terminal the grey embed bar does not colour the field text after it."""
    message = {"embeds": [{"fields": [{"name": "Room", "value": "Online"}]}]}
    line = render_message(message, "#general", TERMINAL, SYDNEY).splitlines()[1]
    assert line.endswith("\x1b[33mRoom\x1b[0m: Online")


MARKUP = st.text(alphabet="*_~|`\\>#-[]()<@&:0123456789 \nab.", max_size=300)


@settings(max_examples=300)
@given(MARKUP)
def test_any_message_text_renders_without_inventing_letters(text: str) -> None:
    """Whatever a bot message holds, it renders, and shows no letter the message lacks."""
    shown = render_markdown(text, SYDNEY).plain
    for letter in "ab":
        assert shown.count(letter) <= text.count(letter)


def test_deeply_nested_markers_render_without_running_out_of_stack() -> None:
    """4096 asterisks (an embed description's limit) render instead of recursing forever."""
    assert render_markdown("*" * 4096, SYDNEY).plain.strip("*") == ""
