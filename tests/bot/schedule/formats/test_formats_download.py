"""Fetching an export from an http(s) address: every failure is one clear sentence."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from aiohttp import web

from bot.errors import ConfigError
from bot.schedule.formats.download import download

HIMMEL = Path(__file__).resolve().parents[3] / "fixtures" / "schedules"
HIMMEL = HIMMEL / "c3voc-39c3-2025.himmel.schedule.json"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@pytest.fixture
async def serve() -> AsyncIterator[Callable[[Handler], Awaitable[str]]]:
    """Start a local HTTP server answering with the handler given; yield its address maker."""
    runners: list[web.AppRunner] = []

    async def start(handler: Handler) -> str:
        app = web.Application()
        app.router.add_get("/schedule.json", handler)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        runners.append(runner)
        port = runner.addresses[0][1]
        return f"http://127.0.0.1:{port}/schedule.json"

    yield start
    for runner in runners:
        await runner.cleanup()


async def test_body_is_returned(serve: Callable[[Handler], Awaitable[str]]) -> None:
    """A 200 answer gives the whole file."""

    async def ok(request: web.Request) -> web.StreamResponse:
        return web.Response(body=HIMMEL.read_bytes(), content_type="application/json")

    assert await download(await serve(ok)) == HIMMEL.read_bytes()


async def test_server_error_is_named(serve: Callable[[Handler], Awaitable[str]]) -> None:
    """A 500 answer is refused, naming the status."""

    async def broken(request: web.Request) -> web.StreamResponse:
        return web.Response(status=500, text="oops")

    url = await serve(broken)
    with pytest.raises(ConfigError) as caught:
        await download(url)
    assert caught.value.problems == [f"{url}: the server answered 500 Internal Server Error"]


async def test_truncated_body_is_refused(serve: Callable[[Handler], Awaitable[str]]) -> None:
    """A body that stops before its Content-Length is refused as truncated."""

    async def truncated(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Length": "100000"})
        await response.prepare(request)
        await response.write(b'{"schedule": {"conference"')
        assert request.transport is not None
        request.transport.close()
        return response

    with pytest.raises(ConfigError) as caught:
        await download(await serve(truncated))
    assert "truncated" in caught.value.problems[0]


async def test_hanging_server_times_out(serve: Callable[[Handler], Awaitable[str]]) -> None:
    """A server that never answers is given up on after the timeout, with a sentence."""
    never = asyncio.Event()

    async def hang(request: web.Request) -> web.StreamResponse:
        await never.wait()
        return web.Response()

    with pytest.raises(ConfigError) as caught:
        await download(await serve(hang), timeout=0.2)
    assert caught.value.problems[0].endswith("no complete answer within 0.2 s")
    never.set()


async def test_oversized_body_is_refused(serve: Callable[[Handler], Awaitable[str]]) -> None:
    """A body over the size limit is refused instead of filling memory."""

    async def huge(request: web.Request) -> web.StreamResponse:
        return web.Response(body=b"x" * 300_000)

    with pytest.raises(ConfigError) as caught:
        await download(await serve(huge), max_bytes=100_000)
    assert "refused" in caught.value.problems[0]


async def test_refused_connection_is_named() -> None:
    """Nothing listening on the port is one sentence, not a traceback."""
    with pytest.raises(ConfigError) as caught:
        await download("http://127.0.0.1:9/schedule.json", timeout=5)
    assert caught.value.problems[0].startswith("http://127.0.0.1:9/schedule.json: cannot fetch")
