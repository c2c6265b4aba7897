"""Headless Chromium (Debian's ``chromium``) driven over the DevTools protocol through a pipe.

``--remote-debugging-pipe`` makes Chromium read protocol messages from fd 3 and write them
to fd 4, each a JSON object ending in a NUL byte: no port, no network, nothing downloaded.
:class:`Browser` opens one page at a phone's size, collects what the console reports
(console errors, uncaught exceptions, and the browser's own log: a refused style or image,
a failed load), and evaluates expressions in it.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import os
import shutil
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

__all__ = ["CHROMIUM", "Browser", "Page", "chromium"]

CHROMIUM = "/usr/bin/chromium"
TIMEOUT = 30.0  # seconds for any one protocol answer (a first start is slow)

# As root Chromium needs --no-sandbox; the rest keep it off the network and quiet.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--remote-debugging-pipe",
)


class Page:
    """One tab attached in flat mode: send commands, read what its console reported."""

    def __init__(self, browser: Browser, session_id: str) -> None:
        self._browser = browser
        self.session_id = session_id
        self.console_errors: list[str] = []

    async def send(self, method: str, **params: Any) -> dict[str, Any]:
        """Send a command to this page and return its result."""
        return await self._browser.send(method, session_id=self.session_id, **params)

    async def open(self, url: str) -> None:
        """Navigate to ``url`` and return once its load event fired."""
        loaded = self._browser.expect("Page.loadEventFired", self.session_id)
        answer = await self.send("Page.navigate", url=url)
        assert "errorText" not in answer, answer
        await asyncio.wait_for(loaded, TIMEOUT)

    async def evaluate(self, expression: str) -> Any:
        """Return the value of a JavaScript ``expression`` (by value, JSON-able)."""
        answer = await self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        assert "exceptionDetails" not in answer, answer["exceptionDetails"]
        return answer["result"].get("value")

    async def screenshot(self) -> bytes:
        """Return a PNG of the whole page (beyond the viewport too)."""
        answer = await self.send("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        return base64.b64decode(answer["data"])


class Browser:
    """A Chromium process and its protocol pipe."""

    def __init__(self, process: subprocess.Popen[bytes], reader: Any, writer: Any) -> None:
        self._process = process
        self._reader: asyncio.StreamReader = reader
        self._writer: asyncio.WriteTransport = writer
        self._ids = itertools.count(1)
        self._answers: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._waiting: list[tuple[str, str | None, asyncio.Future[dict[str, Any]]]] = []
        self._pages: dict[str, Page] = {}
        self._task = asyncio.get_running_loop().create_task(self._read())

    async def _read(self) -> None:
        while True:
            try:
                raw = await self._reader.readuntil(b"\0")
            except (asyncio.IncompleteReadError, asyncio.LimitOverrunError):
                break
            message = json.loads(raw[:-1])
            if "id" in message:
                future = self._answers.pop(message["id"], None)
                if future is not None and not future.done():
                    future.set_result(message)
                continue
            self._event(message)
        for future in self._answers.values():
            if not future.done():
                future.set_exception(ConnectionError("Chromium closed its pipe"))

    def _event(self, message: dict[str, Any]) -> None:
        method, params = message.get("method", ""), message.get("params", {})
        page = self._pages.get(message.get("sessionId", ""))
        if page is not None:
            if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                page.console_errors.append(
                    " ".join(str(a.get("value", a.get("description"))) for a in params["args"])
                )
            elif method == "Runtime.exceptionThrown":
                page.console_errors.append(json.dumps(params["exceptionDetails"])[:500])
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                entry = params["entry"]
                page.console_errors.append(
                    f"{entry.get('source')}: {entry.get('text')} {entry.get('url', '')}".strip()
                )
        for waiting in list(self._waiting):
            wanted, session, future = waiting
            if wanted == method and session in (None, message.get("sessionId")):
                self._waiting.remove(waiting)
                if not future.done():
                    future.set_result(params)

    def expect(self, method: str, session_id: str | None = None) -> asyncio.Future[Any]:
        """Return a future that resolves with the next ``method`` event's parameters."""
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiting.append((method, session_id, future))
        return future

    async def send(
        self, method: str, *, session_id: str | None = None, **params: Any
    ) -> dict[str, Any]:
        """Send one protocol command and return its result (raise on a protocol error)."""
        number = next(self._ids)
        message: dict[str, Any] = {"id": number, "method": method, "params": params}
        if session_id is not None:
            message["sessionId"] = session_id
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._answers[number] = future
        self._writer.write(json.dumps(message).encode() + b"\0")
        answer = await asyncio.wait_for(future, TIMEOUT)
        if "error" in answer:
            raise RuntimeError(f"{method}: {answer['error']}")
        return dict(answer.get("result", {}))

    async def new_page(self, width: int, height: int, *, mobile: bool = True) -> Page:
        """Open a blank tab sized like a phone (``mobile`` honours the viewport meta)."""
        target = await self.send("Target.createTarget", url="about:blank")
        attached = await self.send(
            "Target.attachToTarget", targetId=target["targetId"], flatten=True
        )
        page = Page(self, attached["sessionId"])
        self._pages[page.session_id] = page
        for domain in ("Page", "Runtime", "Log"):
            await page.send(f"{domain}.enable")
        await page.send(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=2,
            mobile=mobile,
        )
        return page

    async def close(self) -> None:
        """Ask Chromium to quit, then make sure it did."""
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.send("Browser.close"), 5)
        self._writer.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            await asyncio.to_thread(self._process.wait, 10)
        if self._process.poll() is None:
            self._process.kill()
            await asyncio.to_thread(self._process.wait)
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task


@contextlib.asynccontextmanager
async def chromium(profile: Path) -> AsyncIterator[Browser]:
    """Start headless Chromium with a fresh profile folder; quit it afterwards."""
    executable = shutil.which("chromium") or CHROMIUM
    to_browser_read, to_browser_write = os.pipe()
    from_browser_read, from_browser_write = os.pipe()

    def pipes_as_3_and_4() -> None:
        # In the child: Chromium reads commands on fd 3 and writes answers on fd 4.
        commands, answers = os.dup(to_browser_read), os.dup(from_browser_write)
        os.dup2(commands, 3)
        os.dup2(answers, 4)

    process = subprocess.Popen(  # noqa: S603 - a fixed program and flags
        [executable, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=pipes_as_3_and_4,
        pass_fds=(3, 4),  # kept open past the closing of every other descriptor
    )
    os.close(to_browser_read)
    os.close(from_browser_write)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=64 * 1024 * 1024)  # screenshots are large
    await loop.connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(from_browser_read, "rb", 0)
    )
    writer, _ = await loop.connect_write_pipe(
        asyncio.Protocol, os.fdopen(to_browser_write, "wb", 0)
    )
    browser = Browser(process, reader, writer)
    try:
        yield browser
    finally:
        await browser.close()
