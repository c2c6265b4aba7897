"""What the delivery engine and its collaborators agree on: the sender, renderers, settings.

Kept apart from the engine so a feature (a renderer) or an adapter (the Discord sender)
reads its side of the contract without the engine's internals.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from bot.config import ChannelRef, DeliveryConfig
from bot.delivery.policy import RenderContext
from bot.rendering.cards import Card
from bot.rendering.outgoing import ButtonSpec, OutgoingMessage
from bot.storage.repositories.outbox import OutboxItem

Renderer = Callable[[OutboxItem, RenderContext], Awaitable[str | OutgoingMessage]]
"""Return a row's message: its text, or an :class:`OutgoingMessage` with the users and
roles it may ping, its cards and buttons; raise :class:`Skip` if it is obsolete.

Called with the context of the send (``now``, ``lateness``, ``audience``). Renderers
should word a late send as late ("started 7 minutes ago").
"""


RequestSlot = Callable[[], AbstractAsyncContextManager[None]]
"""Hold one place of the engine's request budget for one request (``async with slot():``)."""

Action = Callable[[OutboxItem, RenderContext, RequestSlot], Awaitable[int | None]]
"""Carry out a row that is a request other than a message (a scheduled event's create, edit
or cancel); return the id of what it made or changed (stored as the row's Discord id).

Each request it makes holds a slot of the engine's budget (the third argument). It raises
:class:`DeliveryError` as a sender would (``ambiguous`` when the request may have landed:
the row comes back flagged ``verify`` and the action must look before doing it again) and
:class:`Skip` when there is nothing left to do.
"""

AfterSent = Callable[[OutboxItem, int], Awaitable[None]]
"""Follow up on a row Discord confirmed (``item``, the message id), e.g. crosspost it.

Runs after the row is marked sent: whatever it raises is logged and never touches the
row, so a follow-up that fails cannot make the message be sent again.
"""


@dataclass(frozen=True, slots=True)
class SeenMessage:
    """A message found in a channel's history (for the check after an outage).

    History returns no nonce; ``custom_ids`` are its buttons' (one carries its row's mark).
    """

    id: int
    author_id: int
    content: str
    custom_ids: tuple[str, ...] = ()


class Sender(Protocol):
    """The requests the engine makes; each raises :class:`DeliveryError` when Discord refuses."""

    @property
    def bot_user_id(self) -> int | None:
        """Return the bot's own user id (its messages are the ones to look for)."""
        ...

    async def open_dm(self, user_id: int) -> int:
        """Open the DM channel with ``user_id`` and return its id (one request)."""
        ...

    async def send_message(
        self,
        channel_id: int,
        content: str,
        *,
        nonce: str,
        mention_user_ids: Sequence[int] = (),
        mention_role_ids: Sequence[int] = (),
        cards: Sequence[Card] = (),
        buttons: Sequence[ButtonSpec] = (),
        mention_everyone: bool = False,
    ) -> int:
        """Send ``content`` to the channel (one request); return Discord's message id.

        Only the users and roles named (and @everyone/@here if ``mention_everyone``)
        may be pinged; ``cards`` become embeds and
        ``buttons`` carry custom_ids of dynamic items a cog registered.
        """
        ...

    async def recent_messages(self, channel_id: int, limit: int) -> list[SeenMessage]:
        """Return the channel's latest ``limit`` messages, newest first (one request)."""
        ...

    async def resolve_channel(self, reference: ChannelRef) -> int | None:
        """Return the id of a channel named by id or name, or ``None`` if unknown."""
        ...


@dataclass(frozen=True, slots=True)
class DeliverySettings:
    """The engine's knobs (see ``[delivery]`` in the config)."""

    requests_per_second: float = 40.0
    dm_opens_per_minute: int = 25
    max_concurrent_sends: int = 50
    max_attempts: int = 6
    grace: timedelta = timedelta(minutes=15)
    max_head_start: timedelta = timedelta(minutes=10)
    drain_seconds: float = 10.0
    fallback_channel: ChannelRef | None = None

    @classmethod
    def from_config(cls, config: DeliveryConfig) -> DeliverySettings:
        """Return the settings of a ``[delivery]`` config section."""
        return cls(
            requests_per_second=config.requests_per_second,
            dm_opens_per_minute=config.dm_opens_per_minute,
            max_concurrent_sends=config.max_concurrent_sends,
            max_attempts=config.max_attempts,
            grace=timedelta(minutes=config.grace_minutes),
            max_head_start=timedelta(minutes=config.max_head_start_minutes),
            drain_seconds=config.drain_seconds,
            fallback_channel=config.fallback_channel,
        )


@dataclass(frozen=True, slots=True)
class KindCounts:
    """How many rows of one kind are in each state (``late``: sent late, among ``sent``)."""

    pending: int = 0
    sending: int = 0
    sent: int = 0
    late: int = 0
    skipped: int = 0
    failed: int = 0
    cancelled: int = 0

    def describe(self) -> str:
        """Return ``pending=… sent=… late=… skipped=… failed=…`` for the log."""
        return (
            f"pending={self.pending} sent={self.sent} late={self.late} "
            f"skipped={self.skipped} failed={self.failed}"
        )
