"""Record every REST request and gateway frame so tests can query them."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import Any, TextIO


@dataclass(frozen=True)
class RequestRecord:
    """Describe one REST request and the sandbox's answer."""

    method: str
    path: str
    route: str
    status: int
    body: Any
    response: Any
    query: dict[str, str]


@dataclass(frozen=True)
class GatewayRecord:
    """Describe one gateway frame; ``direction`` is ``"in"`` (from bot) or ``"out"``."""

    direction: str
    op: int
    event: str | None
    seq: int | None
    data: Any


class Transcript:
    """Keep REST and gateway records in arrival order."""

    def __init__(self) -> None:
        self._requests: list[RequestRecord] = []
        self._frames: list[GatewayRecord] = []
        self._order: list[RequestRecord | GatewayRecord] = []

    def record_request(self, record: RequestRecord) -> None:
        """Append a REST record."""
        self._requests.append(record)
        self._order.append(record)

    def record_frame(self, record: GatewayRecord) -> None:
        """Append a gateway record."""
        self._frames.append(record)
        self._order.append(record)

    def requests(
        self,
        method: str | None = None,
        path_contains: str | None = None,
        status: int | None = None,
        route: str | None = None,
    ) -> list[RequestRecord]:
        """Return REST records matching every given filter."""
        return [
            r
            for r in self._requests
            if (method is None or r.method == method.upper())
            and (path_contains is None or path_contains in r.path)
            and (status is None or r.status == status)
            and (route is None or r.route == route)
        ]

    def frames(
        self, direction: str | None = None, event: str | None = None, op: int | None = None
    ) -> list[GatewayRecord]:
        """Return gateway records matching every given filter."""
        return [
            f
            for f in self._frames
            if (direction is None or f.direction == direction)
            and (event is None or f.event == event)
            and (op is None or f.op == op)
        ]

    def clear(self) -> None:
        """Forget everything recorded so far."""
        self._requests.clear()
        self._frames.clear()
        self._order.clear()

    def format(self, max_body: int = 200) -> str:
        """Render the transcript as human-readable lines."""
        lines: list[str] = []
        for rec in self._order:
            if isinstance(rec, RequestRecord):
                body = "" if rec.body is None else _short(rec.body, max_body)
                lines.append(f"HTTP {rec.method:6} {rec.path} -> {rec.status} {body}".rstrip())
            else:
                arrow = "<-" if rec.direction == "in" else "->"
                name = rec.event or f"op{rec.op}"
                seq = "" if rec.seq is None else f" s={rec.seq}"
                lines.append(f"WS   {arrow} {name}{seq} {_short(rec.data, max_body)}")
        return "\n".join(lines)

    def print(self, file: TextIO | None = None, max_body: int = 200) -> None:
        """Write :meth:`format` output to ``file`` (stdout by default)."""
        out = file or sys.stdout
        out.write(self.format(max_body) + "\n")


def _short(value: Any, limit: int) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= limit else text[: limit - 3] + "..."
