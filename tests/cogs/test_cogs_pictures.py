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


def button_labels(message: dict[str, Any] | None) -> list[str]:
    """Return the labels of a message's buttons, row by row."""
    assert message is not None
    rows = message.get("components") or []
    return [str(c.get("label")) for row in rows for c in row.get("components", [])]


async def test_the_schedule_answer_has_a_picture_button(harness: ConferenceHarness) -> None:
    """/schedule's text answer offers "Picture": a private PNG of the day in the presser's zone.

    Discord's "Receiving and Responding": a deferred answer (type 5, EPHEMERAL) then a
    follow-up message with the file.
    """
    sandbox, alice = harness.sandbox, harness.member("alice")
    await sandbox.invoke(alice, "timezone set", {"zone": "Australia/Sydney"})
    answer = await sandbox.invoke(alice, "schedule", channel=harness.channel("general"))
    assert "Picture" in button_labels(answer.message)
    pressed = await sandbox.click(alice, answer, "Picture")
    assert pressed.message is not None
    assert pressed.message["flags"] & 64
    (attachment,) = pressed.message["attachments"]
    assert attachment["filename"] == "schedule-2021-02-25.png"
    assert "08:00-09:45 AEDT" in attachment["description"]
    assert Image.open(io.BytesIO(sandbox.attachment_bytes(attachment))).format == "PNG"


async def test_the_picture_button_keeps_the_day_and_room_asked(
    harness: ConferenceHarness,
) -> None:
    """Pressed by someone in New York, /schedule day:… room:online draws that day, that room."""
    sandbox, alice, bob = harness.sandbox, harness.member("alice"), harness.member("bob")
    answer = await sandbox.invoke(
        alice,
        "schedule",
        {"day": "2021-02-24", "room": "Online"},
        channel=harness.channel("general"),
    )
    pressed = await sandbox.click(bob, answer, "Picture")
    assert pressed.message is not None
    (attachment,) = pressed.message["attachments"]
    assert attachment["filename"] == "schedule-2021-02-24.png"
    assert "Wed 24 Feb" in attachment["description"]
    assert "16:00-17:45 EST" in attachment["description"]
