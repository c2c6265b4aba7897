"""Await sandbox happenings with predicates and timeouts, without polling."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Predicate = Callable[[Any], bool]
Listener = Callable[[Any], None]

log = logging.getLogger(__name__)


@dataclass
class _Waiter:
    kind: str
    predicate: Predicate
    future: asyncio.Future[Any]


class EventBus:
    """Resolve waiting futures when a matching event is emitted."""

    def __init__(self) -> None:
        self._waiters: list[_Waiter] = []
        self._listeners: list[tuple[str, Listener]] = []
        # Waiters for one particular item (an interaction's record), found without a scan:
        # a burst of K interactions would otherwise cost K predicates per event.
        self._item_waiters: dict[tuple[str, int], asyncio.Future[Any]] = {}

    def subscribe(self, kind: str, listener: Listener) -> Callable[[], None]:
        """Call ``listener(item)`` on every later event of ``kind``; return an unsubscriber."""
        entry = (kind, listener)
        self._listeners.append(entry)

        def unsubscribe() -> None:
            if entry in self._listeners:
                self._listeners.remove(entry)

        return unsubscribe

    def emit(self, kind: str, item: Any) -> None:
        """Hand ``item`` to every listener of ``kind`` and every waiter that accepts it."""
        for listened, listener in list(self._listeners):
            if listened == kind:
                try:
                    listener(item)
                except Exception:  # a broken listener must not break the sandbox's request
                    log.exception("sandbox: a %s listener failed", kind)
        waiting = self._item_waiters.pop((kind, id(item)), None)
        if waiting is not None and not waiting.done():
            waiting.set_result(item)
        if not self._waiters:
            return
        for waiter in list(self._waiters):
            if waiter.kind != kind or waiter.future.done():
                continue
            try:
                matched = waiter.predicate(item)
            except Exception as exc:  # a broken predicate must fail the waiter, not emit()
                waiter.future.set_exception(exc)
                continue
            if matched:
                waiter.future.set_result(item)
        self._waiters = [w for w in self._waiters if not w.future.done()]

    def expect(self, kind: str, predicate: Predicate) -> asyncio.Future[Any]:
        """Register a waiter now (before triggering the action) and return its future."""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._waiters.append(_Waiter(kind, predicate, future))
        return future

    def expect_item(self, kind: str, item: Any) -> asyncio.Future[Any]:
        """Register a waiter for the next event of ``kind`` carrying ``item`` itself."""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        key = (kind, id(item))
        self._item_waiters[key] = future

        def forget(_: asyncio.Future[Any]) -> None:
            if self._item_waiters.get(key) is future:
                del self._item_waiters[key]

        future.add_done_callback(forget)
        return future

    async def wait(self, future: asyncio.Future[Any], timeout: float, what: str) -> Any:
        """Await ``future``; raise ``TimeoutError`` naming ``what`` after ``timeout`` s."""
        try:
            return await asyncio.wait_for(future, timeout)
        except TimeoutError:
            raise TimeoutError(
                f"sandbox: timed out after {timeout:g}s waiting for {what}"
            ) from None
        finally:
            self._waiters = [w for w in self._waiters if w.future is not future]
