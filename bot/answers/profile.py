"""A user's time-zone profile: set, show, clear, clock style, and "forget me".

Shared by ``/timezone …``, ``/forget-me`` and the text commands ("timezone set
sydney"). Every answer confirms with the current local time, so a wrong choice
("that's not my time!") is obvious at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from bot.answers.reader import reader_for
from bot.answers.schedule_lookup import echo, zone_from_text
from bot.delivery import DeliveryEngine
from bot.errors import UserError
from bot.rendering.cards import Reply
from bot.rendering.text import human_join, plural
from bot.storage.database import Database
from bot.timezones import ClockStyle, format_time

__all__ = ["CLOCK_CHOICES", "Profiles"]

CLOCK_CHOICES: dict[str, ClockStyle] = {"12h": "12h", "12": "12h", "24h": "24h", "24": "24h"}


class Profiles:
    """Time-zone and clock preferences stored per user (global, not per server)."""

    def __init__(
        self, database: Database, delivery: DeliveryEngine, *, conference_zone: Callable[[], str]
    ) -> None:
        self.database = database
        self._delivery = delivery
        self._conference_zone = conference_zone

    @property
    def conference_zone(self) -> str:
        """Return the zone of readers who set none (the schedule's, unless the guild overrides)."""
        return self._conference_zone()

    async def set_zone(self, user_id: int, text: str, now: datetime) -> Reply:
        """Store the zone ``text`` names and confirm with its current local time.

        :raises UserError: the zone is unknown or ambiguous; the sentence offers some.
        """
        zone = zone_from_text(text)
        await self.database.users.set_zone(user_id, zone)
        reader = await reader_for(self.database, user_id, self.conference_zone)
        local = format_time(now, zone, clock=reader.clock)
        return Reply(
            f"Your time zone is now **{zone}**: it is {local} there. "
            "Every schedule answer will use it."
        )

    async def show_zone(self, user_id: int, now: datetime) -> Reply:
        """Say which zone and clock the user has, with the current local time."""
        reader = await reader_for(self.database, user_id, self.conference_zone)
        local = format_time(now, reader.zone, clock=reader.clock)
        if not reader.zone_is_set:
            return Reply(
                f"You have not set a time zone, so I use the conference's ({reader.zone}, "
                f"now {local}). Set yours with /timezone set."
            )
        return Reply(
            f"Your time zone is **{reader.zone}** (now {local}), on the {reader.clock} clock."
        )

    async def clear_zone(self, user_id: int, now: datetime) -> Reply:
        """Forget the user's zone; answers go back to the conference's zone."""
        await self.database.users.clear_zone(user_id)
        local = format_time(now, self.conference_zone, clock="24h")
        return Reply(
            f"I forgot your time zone. Times are now in the conference's zone "
            f"({self.conference_zone}, now {local})."
        )

    async def set_clock(self, user_id: int, text: str, now: datetime) -> Reply:
        """Store the 12- or 24-hour clock and show the current time with it.

        :raises UserError: ``text`` is neither "12h" nor "24h".
        """
        clock = CLOCK_CHOICES.get(text.strip().lower())
        if clock is None:
            raise UserError(f"“{echo(text)}” is not a clock style: choose 12h or 24h.")
        await self.database.users.set_clock(user_id, clock)
        reader = await reader_for(self.database, user_id, self.conference_zone)
        local = format_time(now, reader.zone, clock=clock)
        return Reply(f"Times now show on the {clock} clock: it is {local} in {reader.zone}.")

    async def forget(
        self, user_id: int, *, also_erased: Sequence[str] = (), problems: Sequence[str] = ()
    ) -> Reply:
        """Erase everything stored about the user and say what was erased.

        ``also_erased`` names what was taken back in Discord first (track roles), and
        ``problems`` says what could not be.
        """
        counts = await self._delivery.forget_user(user_id)
        erased = []
        if counts.get("users"):
            erased.append("your time zone and clock settings")
        if counts.get("subscriptions"):
            erased.append(plural(counts["subscriptions"], "reminder subscription"))
        if counts.get("speaker_links"):
            erased.append(plural(counts["speaker_links"], "speaker link"))
        if counts.get("outbox"):
            erased.append(plural(counts["outbox"], "pending message"))
        erased += also_erased
        told = "".join(f" {problem}" for problem in problems)
        if not erased:
            return Reply(f"I had nothing stored about you, so there was nothing to erase.{told}")
        return Reply(f"Done: I erased {human_join(erased)}. I keep nothing else about you.{told}")
