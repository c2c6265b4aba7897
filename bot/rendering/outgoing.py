"""A message the bot sends on its own, as plain data: text, whom it may ping, buttons.

Renderers of outbox rows return one of these (or plain text, which pings nobody); the
Discord sender turns it into a message. Pings are opt-in: only the users and roles
listed here can be mentioned, whatever the text contains.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.rendering.cards import Card


@dataclass(frozen=True, slots=True)
class ButtonSpec:
    """A button by its label and custom_id (a registered dynamic item answers it)."""

    label: str
    custom_id: str


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """Text (and cards) plus the users and roles it is allowed to ping, and its buttons."""

    content: str
    cards: tuple[Card, ...] = ()
    mention_user_ids: tuple[int, ...] = ()
    mention_role_ids: tuple[int, ...] = ()
    buttons: tuple[ButtonSpec, ...] = ()
    # Only a moderator's announcement that chose @everyone/@here sets this.
    mention_everyone: bool = False


def as_outgoing(rendered: str | OutgoingMessage) -> OutgoingMessage:
    """Return ``rendered`` as an :class:`OutgoingMessage` (plain text pings nobody)."""
    return rendered if isinstance(rendered, OutgoingMessage) else OutgoingMessage(rendered)
