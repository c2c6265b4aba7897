"""Where discord.py connects: Discord itself, or a loopback sandbox.

Only public attributes are changed: ``discord.http.Route.BASE`` (REST and
webhooks) and ``DiscordWebSocket.DEFAULT_GATEWAY``. Reconnects follow READY's
``resume_gateway_url``, which the sandbox points at itself.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

API_BASE_VARIABLE = "CONFBOT_API_BASE"
GATEWAY_URL_VARIABLE = "CONFBOT_GATEWAY_URL"


@contextmanager
def discord_endpoints(api_base: str, gateway_url: str) -> Iterator[None]:
    """Point discord.py at ``api_base`` and ``gateway_url`` inside the block."""
    previous = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    Route.BASE = api_base
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
    try:
        yield
    finally:
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = previous


@contextmanager
def endpoints_from_environment(environ: dict[str, str] | None = None) -> Iterator[bool]:
    """Use the endpoints named in the environment, if both are; yield whether they were."""
    environ = dict(os.environ) if environ is None else environ
    api_base, gateway_url = environ.get(API_BASE_VARIABLE), environ.get(GATEWAY_URL_VARIABLE)
    if not (api_base and gateway_url):
        yield False
        return
    with discord_endpoints(api_base, gateway_url):
        yield True
