"""What the announcements feature asks Discord about copies already posted: the port.

The feature decides; the Discord layer (``cogs/announcements/publisher.py``) makes
the one request and says how it went, classified: done, :class:`DiscordRefused` (with
what Discord answered) or :class:`ConnectionFailed`.
"""

from __future__ import annotations

from typing import Protocol

from bot.rendering.outgoing import OutgoingMessage


class DiscordRefused(Exception):
    """Discord answered a request with an error: its HTTP status, JSON code and text."""

    def __init__(self, status: int, code: int, text: str) -> None:
        super().__init__(f"Discord said {status} {text or 'error'} ({code})")
        self.status = status
        self.code = code
        self.text = text


class ConnectionFailed(Exception):
    """A request got no answer: the connection failed or timed out (``name``: the error)."""

    def __init__(self, name: str) -> None:
        super().__init__(f"the connection failed ({name})")
        self.name = name


class PostedMessages(Protocol):
    """The requests about a posted copy; each raises :class:`DiscordRefused` when refused."""

    def is_announcement_channel(self, channel_id: int) -> bool:
        """Return whether the channel is an announcement (news) channel (no request)."""
        ...

    async def publish(self, channel_id: int, message_id: int) -> None:
        """Crosspost the message to the servers following the channel (one request).

        :raises DiscordRefused: Discord refused (40033: it was already crossposted).
        :raises ConnectionFailed: no answer came.
        """
        ...

    async def edit(self, channel_id: int, message_id: int, message: OutgoingMessage) -> None:
        """Replace the message's text and cards, pinging only whom ``message`` allows.

        :raises DiscordRefused: Discord refused.
        """
        ...
