"""The demo's view of the server's event list: list it, press Interested on an event."""

from __future__ import annotations

import asyncio

from confbot_dev.harness import ConferenceHarness
from confbot_dev.sandbox import User
from confbot_dev.sandbox.scheduled_events import ScheduledEvent

_STATUS = {1: "scheduled", 2: "live now", 3: "over", 4: "cancelled"}


async def event_list(harness: ConferenceHarness, user: User) -> str:
    """Return the server's event list as the member's sidebar shows it (oldest first)."""
    await harness.sandbox.scheduled_events.follow_clock()
    events = harness.sandbox.scheduled_events.in_guild(harness.sandbox_guild)
    if not events:
        return "The server has no events."
    lines = []
    for event in events:
        mark = "★ Interested" if user.id in event.users else ""
        when = f"<t:{int(event.start.timestamp())}:f>"
        where = event.location or f"<#{event.channel_id}>"
        lines.append(
            f"• {event.name} — {when} · {where} · {_STATUS.get(event.status, '?')} "
            f"· {len(event.users)} interested {mark}".rstrip()
        )
    return "\n".join(lines)


def find_event(harness: ConferenceHarness, text: str) -> ScheduledEvent:
    """Return the open event whose name contains ``text`` (the first, by start time)."""
    wanted = text.casefold().strip()
    events = sorted(
        (e for e in harness.sandbox.scheduled_events.in_guild(harness.sandbox_guild) if e.open),
        key=lambda e: e.start,
    )
    for event in events:
        if wanted in event.name.casefold():
            return event
    raise LookupError(f"no open event matching {text!r}; :events lists them")


async def press_interested(
    harness: ConferenceHarness, user: User, text: str, *, pressed: bool
) -> ScheduledEvent:
    """Press (or un-press) Interested as ``user``, then wait until the bot has handled it."""
    event = find_event(harness, text)
    driver = harness.sandbox.driver
    if pressed:
        await driver.press_interested(user, event)
    else:
        await driver.unpress_interested(user, event)
    session = harness.sandbox.gateway.session
    if harness.bot is not None and session is not None:
        await asyncio.wait_for(harness.bot.services.events.wait_handled(session.seq), 10)
        await harness.bot.services.scheduler.settle()
    return event
