"""Point the real discord.py client at a sandbox through its public class attributes."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol

from bot.endpoints import discord_endpoints


class Endpoints(Protocol):
    """Anything exposing the two sandbox URLs (a :class:`Sandbox` does)."""

    @property
    def api_base(self) -> str:
        """Return the REST base URL."""
        ...

    @property
    def gateway_url(self) -> str:
        """Return the gateway websocket URL."""
        ...


def point_discord_py_at(sandbox: Endpoints) -> AbstractContextManager[None]:
    """Direct discord.py REST and gateway traffic to ``sandbox``; restore on exit."""
    return discord_endpoints(sandbox.api_base, sandbox.gateway_url)
