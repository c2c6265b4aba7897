"""The agenda page in a real browser: headless Chromium at a phone's width, from the running bot.

The sandbox and the real bot run as in the other end-to-end tests, with ``[web]`` on
loopback; an attendee makes an agenda with /remind and gets the link with /agenda
subscribe; Debian's ``chromium`` (``tools/test-deps`` installs it) opens the page over the
DevTools protocol (``tests/support/chromium.py``), sized like a phone (390 x 844 CSS px).
"""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PIL import Image

from bot.config import Config
from confbot_dev.harness import ConferenceHarness
from tests.support.agenda_programme import (
    CJK_TITLE,
    LONG_WORD,
    MARKUP_TITLE,
    agenda_conference,
    make_agenda,
)
from tests.support.chromium import Browser, Page, chromium

PHONE = (390, 844)  # CSS pixels of a common phone


@pytest.fixture
async def conference(tmp_path: Path, example_config: Config) -> AsyncIterator[ConferenceHarness]:
    """The agenda programme with the web server on loopback."""
    async with agenda_conference(tmp_path, example_config) as started:
        yield started


@pytest.fixture
async def browser(tmp_path: Path) -> AsyncIterator[Browser]:
    """Headless Chromium with a fresh profile."""
    async with chromium(tmp_path / "chromium-profile") as started:
        yield started


async def alices_page(conference: ConferenceHarness) -> str:
    """Alice, in Sydney, puts every session on her agenda; return her page's address."""
    alice = conference.member("alice")
    await conference.sandbox.invoke(alice, "timezone set", {"zone": "Australia/Sydney"})
    await make_agenda(conference)
    answer = await conference.sandbox.invoke(alice, "agenda subscribe")
    found = re.search(r"<(http://[^>]+/agenda/[A-Za-z0-9_-]{43})>", answer.content or "")
    assert found, answer.content
    return found[1]


async def opened(browser: Browser, url: str) -> Page:
    """Open ``url`` in a phone-sized tab; return it once loaded."""
    page = await browser.new_page(*PHONE)
    await page.open(url)
    return page


async def test_the_page_shows_my_sessions_in_my_zone(
    conference: ConferenceHarness, browser: Browser
) -> None:
    """Chromium shows Thu 25 Feb, the keynote at 08:00-09:45 AEDT and every title as text."""
    page = await opened(browser, await alices_page(conference))
    text = await page.evaluate("document.body.innerText")
    assert "Times in Australia/Sydney (AEDT)" in text
    assert re.search(r"Thu 25 Feb\s+Your agenda on", text) is None  # alt text is not shown
    thursday = text.index("Thu 25 Feb")
    assert text.index("08:00-09:45 AEDT (+1 day)") > thursday
    assert text.index("Fri 26 Feb") > text.index("08:00-09:45 AEDT (+1 day)")
    for title in (MARKUP_TITLE, CJK_TITLE, LONG_WORD, "A parallel workshop in the same room"):
        assert title in text
    assert await page.evaluate("document.querySelectorAll('script, b').length") == 0
    assert page.console_errors == []


async def test_the_page_fits_a_phone_and_shows_every_session(
    conference: ConferenceHarness, browser: Browser
) -> None:
    """At 390 px nothing overflows sideways, every session's box is on screen, pictures load."""
    page = await opened(browser, await alices_page(conference))
    width = await page.evaluate("window.innerWidth")
    assert width == PHONE[0]  # the viewport meta is honoured: no zoomed-out desktop layout
    assert await page.evaluate("document.documentElement.scrollWidth") <= width
    boxes = await page.evaluate(
        "[...document.querySelectorAll('li')].map(e => {const r = e.getBoundingClientRect();"
        " return [r.left, r.right, r.width, r.height, getComputedStyle(e).visibility]})"
    )
    assert len(boxes) == 5
    for left, right, box_width, height, visibility in boxes:
        assert 0 <= left < right <= width
        assert box_width > 0
        assert height > 0
        assert visibility == "visible"
    pictures = await page.evaluate(
        "[...document.images].map(i =>"
        " [i.complete, i.naturalWidth, i.getBoundingClientRect().right])"
    )
    assert len(pictures) == 2
    for complete, natural_width, right in pictures:
        assert complete
        assert natural_width > 0
        assert right <= width
    assert page.console_errors == []


async def test_a_screenshot_of_the_page_is_not_empty(
    conference: ConferenceHarness, browser: Browser, tmp_path: Path
) -> None:
    """The phone-sized screenshot has text and pictures on it, not one flat colour."""
    page = await opened(browser, await alices_page(conference))
    shot = Image.open(io.BytesIO(await page.screenshot())).convert("RGB")
    (tmp_path / "agenda-phone.png").write_bytes(await page.screenshot())
    assert shot.width == PHONE[0] * 2  # deviceScaleFactor 2
    background = shot.getpixel((1, 1))
    pixels = shot.width * shot.height
    drawn = sum(
        count for count, colour in shot.getcolors(maxcolors=pixels) or [] if colour != background
    )
    assert drawn > pixels * 0.2, f"only {drawn} of {pixels} pixels differ from the background"
    assert len(shot.getcolors(maxcolors=pixels) or []) > 50  # text, boxes and pictures
    assert page.console_errors == []
