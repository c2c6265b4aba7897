"""Delivery: everything the bot sends on its own, from an outbox row to a Discord message.

- ``contracts.py`` — the :class:`Sender` protocol, the :data:`Renderer` type, settings, counts.
- ``engine.py`` — :class:`DeliveryEngine`: the API features call; the only writer of outbox
  rows (each write re-arms the wake-up); registration, previews, start, drain, stop.
- ``state.py`` — :class:`~bot.delivery.state.EngineState`: what the engine's parts share.
- ``passes.py`` — the wake-up job, a pass: expired rows, claiming, the pool of sends.
- ``row_delivery.py`` — one claimed row: render, destination, send, its outcome.
- ``recovery.py`` — rows left half-sent by a stopped process: recovered, checked before a resend
  (by the row's mark on a button: :func:`~bot.delivery.recovery.marked_buttons`).
- ``direct_messages.py`` — DM channels opened once, paced apart, stored.
- ``previews.py`` — counts, the next due time, rendered samples: nothing sent or written.
- ``fallback.py`` — closed DMs become a mention in a channel, in batches.
- ``pacing.py`` — the shared request budget and the head start of a fan-out.
- ``policy.py`` — failure classification, backoff, nonces, :class:`RenderContext`.
- ``sender.py`` — :class:`~bot.delivery.sender.DiscordSender`, the Discord adapter (the only
  module here that imports discord; import it from there).
"""

from bot.delivery.contracts import (
    Action,
    AfterSent,
    DeliverySettings,
    KindCounts,
    Renderer,
    RequestSlot,
    SeenMessage,
    Sender,
)
from bot.delivery.engine import TEXT_KIND, DeliveryEngine
from bot.delivery.policy import DeliveryError, RenderContext, Skip, nonce_for

__all__ = [
    "TEXT_KIND",
    "Action",
    "AfterSent",
    "DeliveryEngine",
    "DeliveryError",
    "DeliverySettings",
    "KindCounts",
    "RenderContext",
    "Renderer",
    "RequestSlot",
    "SeenMessage",
    "Sender",
    "Skip",
    "nonce_for",
]
