"""/agenda subscribe and the personal calendar feed, fetched over HTTP from the running bot.

The link is an ephemeral answer (Discord: "Interactions > Receiving and Responding",
EPHEMERAL flag 64); the feed is served by the bot's web server on loopback.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest
from icalendar import Calendar
from multidict import CIMultiDict

from bot.config import Config, WebConfig
from bot.feeds.service import KEEP_CANCELLED
from confbot_dev.harness import ConferenceHarness
from tests.support.ical_lines import read_events
from tests.support.live_schedule import MORNING, MOVED, TALK_START, live_config, write_programme

LINK = re.compile(r"<(http://[^>]+\.ics)>")


@pytest.fixture
async def conference(tmp_path: Path, example_config: Config) -> AsyncIterator[ConferenceHarness]:
    """The two-talk programme with the web server on (loopback, a free port)."""
    config = live_config(tmp_path, base=example_config)
    config = config.model_copy(update={"web": WebConfig(port=0)})
    async with ConferenceHarness(config, start=MORNING) as started:
        assert started.bot is not None
        await started.bot.services.scheduler.settle()
        yield started
        assert started.sandbox.rejections == []


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    """A calendar app's HTTP client."""
    async with aiohttp.ClientSession() as session:
        yield session


async def subscribe(harness: ConferenceHarness, name: str = "alice", **options: object) -> str:
    """Run /agenda subscribe as ``name`` and return the link it answered with."""
    answer = await harness.sandbox.invoke(harness.member(name), "agenda subscribe", options)
    assert answer.ephemeral
    found = LINK.search(answer.content or "")
    assert found, answer.content
    return found[1]


async def reload(harness: ConferenceHarness, **changes: object) -> None:
    """Edit the programme as organisers would and have a moderator reload it."""
    path = harness.config.schedule.source
    assert isinstance(path, Path)
    write_programme(path, **changes)
    await harness.sandbox.invoke(
        harness.member("moderator"), "conference reload", channel=harness.channel("general")
    )


async def fetch(
    http: aiohttp.ClientSession, url: str, **headers: str
) -> tuple[int, CIMultiDict[str], bytes]:
    """GET the feed as a calendar app would."""
    async with http.get(url, headers=headers) as response:
        return response.status, CIMultiDict(response.headers), await response.read()


async def test_subscribe_links_a_feed_of_my_agenda(
    conference: ConferenceHarness, http: aiohttp.ClientSession
) -> None:
    """The link serves text/calendar with the talk (the export's UID), read by two parsers."""
    await conference.sandbox.invoke(conference.member("alice"), "remind", {"session": "talk"})
    url = await subscribe(conference)
    status, headers, body = await fetch(http, url)
    assert status == 200
    assert headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert headers["Cache-Control"] == "private, no-cache"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert "Server" not in headers
    (event,) = Calendar.from_ical(body).walk("VEVENT")
    assert str(event["uid"]) == "talk@live-conf.confbot"
    assert event.decoded("dtstart") == TALK_START
    assert str(event["location"]) == "Room A"
    calendar, (line_event,) = read_events(body)
    assert calendar["X-WR-CALNAME"] == "Live Conf: my agenda"
    assert (line_event["SEQUENCE"], line_event["STATUS"]) == ("0", "CONFIRMED")
    assert line_event["SUMMARY"] == "Rust at scale"


async def test_a_schedule_change_gives_a_new_etag_and_a_higher_sequence(
    conference: ConferenceHarness, http: aiohttp.ClientSession
) -> None:
    """The talk moves: the next fetch (with the old ETag) is a 200 with SEQUENCE 1."""
    await conference.sandbox.invoke(conference.member("alice"), "remind", {"session": "talk"})
    url = await subscribe(conference)
    _, first, before = await fetch(http, url)
    conference.clock.advance(timedelta(minutes=5))
    await reload(conference, **MOVED)
    status, headers, after = await fetch(http, url, **{"If-None-Match": first["ETag"]})
    assert status == 200
    assert headers["ETag"] != first["ETag"]
    (old,) = read_events(before)[1]
    (new,) = read_events(after)[1]
    assert int(new["SEQUENCE"]) > int(old["SEQUENCE"])
    assert new["DTSTAMP"] > old["DTSTAMP"]
    assert (new["DTSTART"], new["LOCATION"]) == ("20300605T090000Z", "Room B")


async def test_an_unchanged_feed_answers_304(
    conference: ConferenceHarness, http: aiohttp.ClientSession
) -> None:
    """Fetching again with the ETag (or the Last-Modified date) costs a body-less 304."""
    await conference.sandbox.invoke(conference.member("alice"), "remind", {"session": "talk"})
    url = await subscribe(conference)
    _, first, _ = await fetch(http, url)
    conference.clock.advance(timedelta(hours=1))
    status, headers, body = await fetch(http, url, **{"If-None-Match": first["ETag"]})
    assert (status, body, headers["ETag"]) == (304, b"", first["ETag"])
    by_date = await fetch(http, url, **{"If-Modified-Since": first["Last-Modified"]})
    assert by_date[0] == 304


async def test_a_removed_session_stays_cancelled_for_a_while(
    conference: ConferenceHarness, http: aiohttp.ClientSession
) -> None:
    """The talk leaves the programme: STATUS:CANCELLED, then gone after the keeping time."""
    await conference.sandbox.invoke(conference.member("alice"), "remind", {"session": "talk"})
    url = await subscribe(conference)
    await reload(conference, with_talk=False)
    _, _, body = await fetch(http, url)
    (event,) = read_events(body)[1]
    assert (event["STATUS"], event["SEQUENCE"], event["SUMMARY"]) == (
        "CANCELLED",
        "1",
        "Rust at scale",
    )
    conference.clock.advance(KEEP_CANCELLED + timedelta(minutes=1))
    _, _, later = await fetch(http, url)
    assert read_events(later)[1] == []


async def test_reset_revokes_the_old_link(
    conference: ConferenceHarness, http: aiohttp.ClientSession
) -> None:
    """Asking again cannot show the link; reset gives a new one and the old one is 404."""
    old = await subscribe(conference)
    again = await conference.sandbox.invoke(conference.member("alice"), "agenda subscribe")
    assert again.content is not None
    assert again.content.startswith("You already have a calendar feed link.")
    new = await subscribe(conference, reset=True)
    assert new != old
    old_status, old_headers, old_body = await fetch(http, old)
    _, _, unknown_body = await fetch(http, old.rsplit("/", 1)[0] + "/" + "A" * 43 + ".ics")
    assert old_status == 404
    assert old_body == unknown_body  # nothing tells a revoked token from one never given
    assert "ETag" not in old_headers
    assert (await fetch(http, new))[0] == 200


async def test_forget_me_kills_the_link(
    conference: ConferenceHarness, http: aiohttp.ClientSession
) -> None:
    """After /forget-me, the person's feed answers 404."""
    alice = conference.member("alice")
    url = await subscribe(conference)
    ask = await conference.sandbox.invoke(alice, "forget-me")
    await conference.sandbox.click(alice, ask, "Confirm")
    assert (await fetch(http, url))[0] == 404


async def test_only_the_tokens_hash_is_stored(conference: ConferenceHarness) -> None:
    """The link's token (256 random bits) is nowhere in the database; its SHA-256 is."""
    url = await subscribe(conference)
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert len(token) == 43  # token_urlsafe(32): 256 bits
    dump = "\n".join(sqlite3.connect(conference.config.storage.database).iterdump())
    assert token not in dump
    assert hashlib.sha256(token.encode()).hexdigest().upper() in dump.upper()


async def test_the_web_server_listens_on_loopback_only(conference: ConferenceHarness) -> None:
    """With no listen address configured, the server binds 127.0.0.1 and nothing else."""
    assert conference.bot is not None
    web = conference.bot.services.web
    assert web is not None
    assert [host for host, _ in web.listening_on] == ["127.0.0.1"]


async def test_subscribe_with_the_web_server_off_says_how_to_turn_it_on(
    harness: ConferenceHarness,
) -> None:
    """config.example.toml leaves [web] out: the answer names the section to add."""
    answer = await harness.sandbox.invoke(harness.member("alice"), "agenda subscribe")
    assert answer.ephemeral
    assert answer.content == (
        "Calendar feeds are off on this server: the bot's operator turns them on with a "
        "`[web]` section in confbot's config file (see config.example.toml)."
    )
    assert harness.bot is not None
    assert harness.bot.services.web is None
