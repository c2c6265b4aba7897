"""The bot's small web server (aiohttp.web): features add routes, the bot starts and stops it.

Off unless the config has a ``[web]`` section. It listens on loopback by default; people
reach it through ``web.public_url`` (a reverse proxy with TLS). Every response carries
headers for personal content: no caching by shared caches, no referrer, nothing framed.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable

from aiohttp import web

from bot.config import WebConfig

__all__ = ["SECURITY_HEADERS", "WebServer"]

log = logging.getLogger(__name__)

SECURITY_HEADERS: dict[str, str] = {
    # Personal responses: a browser or calendar may keep them and revalidate (ETag),
    # a proxy or CDN between us and them must not.
    "Cache-Control": "private, no-cache",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def _security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as error:
        error.headers.update(SECURITY_HEADERS)
        raise
    # A route may set stricter or other values of its own (the agenda page's CSP).
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


async def _no_server_header(request: web.Request, response: web.StreamResponse) -> None:
    # Say nothing about the software behind the link.
    response.headers.pop("Server", None)


async def _no_icon(request: web.Request) -> web.StreamResponse:
    return web.Response(status=204)


class WebServer:
    """An aiohttp application on ``[web]``'s address; routes are added before :meth:`start`."""

    def __init__(self, config: WebConfig) -> None:
        self.config = config
        self._app = web.Application(middlewares=[_security_headers])
        self._app.on_response_prepare.append(_no_server_header)
        # Browsers ask for an icon beside every page: "none", rather than a 404 in their log.
        self._app.add_routes([web.get("/favicon.ico", _no_icon)])
        self._runner: web.AppRunner | None = None
        self.port: int | None = None
        """The port it listens on once started (the one chosen when ``port`` is 0)."""

    def add_routes(self, routes: Iterable[web.RouteDef]) -> None:
        """Add a feature's routes (before :meth:`start`)."""
        self._app.add_routes(list(routes))

    @property
    def public_url(self) -> str:
        """Return the address people are given, without a trailing slash."""
        if self.config.public_url is not None:
            return self.config.public_url
        host = self.config.listen
        if ":" in host:  # an IPv6 address needs brackets in a URL
            host = f"[{host}]"
        return f"http://{host}:{self.port if self.port is not None else self.config.port}"

    async def start(self) -> None:
        """Listen on the configured address and port."""
        runner = web.AppRunner(self._app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, self.config.listen, self.config.port)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        addresses = self.listening_on
        self.port = addresses[0][1] if addresses else self.config.port
        log.info("web server listening on %s:%s", self.config.listen, self.port)

    @property
    def listening_on(self) -> list[tuple[str, int]]:
        """Return the (host, port) of every socket it listens on."""
        if self._runner is None:
            return []
        return [(str(address[0]), int(address[1])) for address in self._runner.addresses]

    async def stop(self) -> None:
        """Stop listening and close open connections (idempotent)."""
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()
