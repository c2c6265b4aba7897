"""``/schedule view:picture`` and ``/agenda show view:picture``, through the sandbox."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image

from confbot_dev.harness import ConferenceHarness


async def picture_after(harness: ConferenceHarness, command: str) -> tuple[str, dict[str, Any]]:
    """Invoke ``command`` with view:picture as alice; return its text and the picture message."""
    sandbox, alice = harness.sandbox, harness.member("alice")
    future = sandbox.bus.expect("message_create", lambda m: bool(m.get("attachments")))
    answer = await sandbox.invoke(alice, command, {"view": "picture"})
    picture: dict[str, Any] = await sandbox.bus.wait(future, 10.0, "the picture")
    return str(answer.message), picture


async def test_schedule_picture_answers_with_a_described_png(harness: ConferenceHarness) -> None:
    """The text answer comes first, then a private PNG whose alt text reads the day in Sydney.

    Discord's Message resource, "Attachment Object": ``description`` is the alt text (≤ 1,024).
    """
    sandbox, alice = harness.sandbox, harness.member("alice")
    await sandbox.invoke(alice, "timezone set", {"zone": "Australia/Sydney"})
    text, picture = await picture_after(harness, "schedule")
    assert "Thu 25 Feb" in text
    assert picture["flags"] & 64  # ephemeral, like the text
    (attachment,) = picture["attachments"]
    assert attachment["filename"] == "schedule-2021-02-25.png"
    description = attachment["description"]
    assert "Thu 25 Feb" in description
    assert "08:00-09:45 AEDT" in description
    assert len(description) <= 1024
    image = Image.open(io.BytesIO(sandbox.attachment_bytes(attachment)))
    assert image.format == "PNG"


async def test_agenda_picture_marks_the_readers_sessions(harness: ConferenceHarness) -> None:
    """/agenda show view:picture adds the agenda's day, its session marked in the alt text."""
    sandbox, alice = harness.sandbox, harness.member("alice")
    await sandbox.invoke(alice, "remind", {"session": "conference"})
    _, picture = await picture_after(harness, "agenda show")
    (attachment,) = picture["attachments"]
    assert attachment["description"].startswith("Your agenda · Wed 24 Feb")
    assert "[on your agenda]" in attachment["description"]
