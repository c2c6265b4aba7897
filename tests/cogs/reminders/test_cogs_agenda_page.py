"""The agenda page at the feed's token, fetched over HTTP from the running bot.

The page is the person's sessions by their local day, in their zone and clock, with the
rooms' channel links as Discord forms them ("Reference > Message Formatting": a channel's
URL is https://discord.com/channels/<guild>/<channel>) and each day's picture.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.config import Config
from confbot_dev.harness import ConferenceHarness
from tests.support.agenda_programme import (
    CJK_TITLE,
    MARKUP_TITLE,
    agenda_conference,
    make_agenda,
)

LINKS = re.compile(r"<(http://[^>]+)>")


@pytest.fixture
async def conference(tmp_path: Path, example_config: Config) -> AsyncIterator[ConferenceHarness]:
    """The agenda programme with the web server on (loopback, a free port)."""
    async with agenda_conference(tmp_path, example_config) as started:
        yield started


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    """A browser's HTTP client."""
    async with aiohttp.ClientSession() as session:
        yield session


async def links(harness: ConferenceHarness, name: str = "alice", **options: object) -> list[str]:
    """Run /agenda subscribe as ``name`` and return the links it answered with."""
    answer = await harness.sandbox.invoke(harness.member(name), "agenda subscribe", options)
    assert answer.ephemeral
    return LINKS.findall(answer.content or "")


async def page_of(harness: ConferenceHarness, zone: str = "Australia/Sydney") -> str:
    """Give alice an agenda and a zone; return her page's address."""
    await harness.sandbox.invoke(harness.member("alice"), "timezone set", {"zone": zone})
    await make_agenda(harness)
    feed, page = await links(harness)
    assert feed == page + ".ics"
    return page


async def test_subscribe_gives_the_feed_and_the_page(conference: ConferenceHarness) -> None:
    """/agenda subscribe answers privately with two links at one token: .ics and the page."""
    feed, page = await links(conference)
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/agenda/[A-Za-z0-9_-]{43}", page)
    assert feed == page + ".ics"


async def test_the_page_lists_my_sessions_by_my_local_day(
    conference: ConferenceHarness, http: aiohttp.ClientSession
) -> None:
    """From Sydney: Thu 25 Feb 08:00-09:45 AEDT for the keynote, Fri 26 Feb for the rest."""
    page = await page_of(conference)
    async with http.get(page) as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "text/html; charset=utf-8"
        text = await response.text()
    assert re.findall(r"<h2[^>]*>([^<]+)</h2>", text) == ["Thu 25 Feb", "Fri 26 Feb"]
    thursday, friday = text.split("<h2")[1:]
    assert "08:00-09:45 AEDT (+1 day)" in thursday
    assert "Times in Australia/Sydney (AEDT), 24-hour clock." in text
    assert "Fri 26 Feb" in friday
    assert "02:00-03:00 AEDT (+1 day)" in friday
    assert CJK_TITLE in friday


async def test_the_page_reads_the_12_hour_clock_when_chosen(
    conference: ConferenceHarness, http: aiohttp.ClientSession
) -> None:
    """A reader who chose the 12-hour clock reads 8:00-9:45 a.m."""
    assert conference.bot is not None
    await conference.bot.services.database.users.set_clock(conference.member("alice").id, "12h")
    page = await page_of(conference)
    async with http.get(page) as response:
        text = await response.text()
    assert "8:00-9:45 a.m. AEDT (+1 day)" in text


async def test_every_schedule_string_is_escaped(
    conference: ConferenceHarness, http: aiohttp.ClientSession
) -> None:
    """A title with markup, ampersands and quotes is shown as text, never as markup."""
    page = await page_of(conference)
    async with http.get(page) as response:
        text = await response.text()
    assert "<script" not in text
    assert "<b>" not in text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;Quotes&#x27;" in text
    assert "<title>Agenda &amp; &lt;Co&gt;: my agenda</title>" in text
    assert MARKUP_TITLE not in text


async def test_the_page_links_rooms_streams_the_feed_and_pictures(
    conference: ConferenceHarness, http: aiohttp.ClientSession
) -> None:
    """Room channel (discord.com/channels/<guild>/<channel>), stream, webcal and pictures."""
    page = await page_of(conference)
    async with http.get(page) as response:
        text = await response.text()
    channel = conference.channel("main-stage")
    link = f"https://discord.com/channels/{channel.guild_id}/{channel.id}"
    assert f'<a href="{link}" rel="noopener noreferrer">Online</a>' in text
    assert '<a href="https://stream.example.org/side"' in text
    assert f'<a href="webcal://{page.split("://", 1)[1]}.ics">' in text
    assert f'<a href="{page}.ics">' in text
    token = page.rsplit("/", 1)[1]
    pictures = re.findall(r'<img src="([^"]+)" alt="([^"]+)"', text)
    assert [source for source, _ in pictures] == [
        f"{token}/day/2021-02-25.png",
        f"{token}/day/2021-02-26.png",
    ]
    assert pictures[0][1].startswith("Your agenda on Thu 25 Feb drawn as a timetable")
    async with http.get(f"{page}/day/2021-02-25.png") as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "image/png"
        assert (await response.read()).startswith(b"\x89PNG\r\n\x1a\n")


async def test_the_page_carries_the_security_headers(
    conference: ConferenceHarness, http: aiohttp.ClientSession
) -> None:
    """CSP with no script and only our own images, no referrer, no caching, no sniffing."""
    page = await page_of(conference)
    for address in (page, f"{page}/day/2021-02-25.png"):
        async with http.get(address) as response:
            headers = response.headers
        policy = headers["Content-Security-Policy"]
        assert policy.startswith("default-src 'none'; img-src 'self'; style-src 'sha256-")
        assert "frame-ancestors 'none'" in policy
        assert "script-src" not in policy
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["Cache-Control"] == "private, no-store"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert "Server" not in headers


@pytest.mark.parametrize("suffix", ["", "/day/2021-02-25.png"])
async def test_a_revoked_or_unknown_token_is_a_plain_404(
    conference: ConferenceHarness, http: aiohttp.ClientSession, suffix: str
) -> None:
    """After a reset the old page and pictures are 404, the same bytes as a made-up token."""
    old = await page_of(conference)
    _, new = await links(conference, reset=True)
    made_up = old.rsplit("/", 1)[0] + "/" + "A" * 43
    answers = []
    for address in (old + suffix, made_up + suffix):
        async with http.get(address) as response:
            answers.append((response.status, "ETag" in response.headers, await response.read()))
    assert answers[0] == answers[1]
    assert answers[0][:2] == (404, False)
    async with http.get(new + suffix) as response:
        assert response.status == 200


@pytest.mark.parametrize("day", ["2021-02-24", "2021-02-30", "2021-02-27"])
async def test_a_day_not_on_the_agenda_has_no_picture(
    conference: ConferenceHarness, http: aiohttp.ClientSession, day: str
) -> None:
    """Sydney's agenda is on 25 and 26 Feb: other days, real or not, answer 404."""
    page = await page_of(conference)
    async with http.get(f"{page}/day/{day}.png") as response:
        assert response.status == 404


async def test_an_empty_agenda_says_how_to_fill_it(
    conference: ConferenceHarness, http: aiohttp.ClientSession
) -> None:
    """With nothing on the agenda the page says /remind adds sessions."""
    (_, page) = await links(conference)
    async with http.get(page) as response:
        text = await response.text()
    assert "Your agenda is empty" in text
    assert "<img" not in text
