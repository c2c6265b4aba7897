"""The [web] section (off by default, loopback by default) and the feed's RFC 5545 text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from bot.config import Config, parse_config
from bot.errors import ConfigError
from bot.feeds.calendar import FeedEvent, feed_bytes
from tests.support.ical_lines import read_events

START = datetime(2030, 6, 5, 8, 0, tzinfo=UTC)


def test_web_is_off_unless_configured() -> None:
    """No [web] section: no server."""
    assert Config().web is None


def test_web_listens_on_loopback_by_default() -> None:
    """An empty [web] listens on 127.0.0.1:8080, never on every address."""
    web = parse_config({"web": {}}).web
    assert web is not None
    assert (web.listen, web.port, web.public_url) == ("127.0.0.1", 8080, None)


@pytest.mark.parametrize(
    ("section", "problem"),
    [
        ({"prot": 1}, "config: web.prot: unknown key"),
        ({"port": 70000}, "config: web.port: Input should be less than or equal to 65535"),
        ({"public_url": "example.org"}, "config: web.public_url: 'example.org' is not an http"),
    ],
)
def test_a_bad_web_section_names_the_key(section: dict[str, object], problem: str) -> None:
    """A typo or a bad value fails loudly, naming the key."""
    with pytest.raises(ConfigError) as raised:
        parse_config({"web": section})
    assert str(raised.value).startswith(problem) or problem in str(raised.value)


def test_the_public_url_loses_its_trailing_slash() -> None:
    """Links are built as <public_url>/agenda/…, so a trailing slash must not double."""
    web = parse_config({"web": {"public_url": "https://confbot.example.org/"}}).web
    assert web is not None
    assert web.public_url == "https://confbot.example.org"


@pytest.mark.parametrize(
    "title",
    [
        "Ünïcödé talk about a very long subject, " * 4,
        "会议：分布式系统的未来与挑战" * 6 + " 🎉🚀" * 10,
        "Commas, semicolons; back\\slashes and\na new line\x07 with a bell",
    ],
)
def test_a_feed_reads_back_with_both_parsers(title: str) -> None:
    """Long, accented, CJK, emoji and special titles fold and escape; both parsers agree."""
    events = [
        FeedEvent("a@conf.confbot", 2, START, START, START + timedelta(hours=1), title, "Hall"),
        FeedEvent(
            "b@conf.confbot",
            1,
            START,
            START,
            START + timedelta(minutes=30),
            "Gone",
            None,
            cancelled=True,
        ),
    ]
    body = feed_bytes("Conf: my agenda", events)
    calendar, lines = read_events(body)
    parsed = Calendar.from_ical(body)
    assert calendar["X-WR-CALNAME"] == str(parsed["x-wr-calname"]) == "Conf: my agenda"
    assert [str(e["summary"]) for e in parsed.walk("VEVENT")] == [title.replace("\x07", ""), "Gone"]
    assert [(e["UID"], e["SEQUENCE"], e["STATUS"]) for e in lines] == [
        ("a@conf.confbot", "2", "CONFIRMED"),
        ("b@conf.confbot", "1", "CANCELLED"),
    ]
