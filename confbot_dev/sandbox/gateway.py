"""Serve the Discord gateway websocket: handshake, heartbeats, dispatch, RESUME."""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from confbot_dev.sandbox.config import Limits
from confbot_dev.sandbox.events import EventBus
from confbot_dev.sandbox.state import World
from confbot_dev.sandbox.transcript import GatewayRecord, Transcript

DISPATCH, HEARTBEAT, IDENTIFY, PRESENCE, RESUME, RECONNECT = 0, 1, 2, 3, 6, 7
REQUEST_MEMBERS, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 8, 9, 10, 11

INTENT_GUILD_MESSAGES = 1 << 9
INTENT_DIRECT_MESSAGES = 1 << 12
INTENT_MESSAGE_CONTENT = 1 << 15
INTENT_GUILD_SCHEDULED_EVENTS = 1 << 16

_MESSAGE_EVENTS = {"MESSAGE_CREATE", "MESSAGE_UPDATE", "MESSAGE_DELETE"}


@dataclass
class Session:
    """One gateway session; survives dropped sockets so it can be resumed."""

    session_id: str
    intents: int
    seq: int = 0
    sent: list[dict[str, Any]] = field(default_factory=list)
    ws: web.WebSocketResponse | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    resumes: int = 0


class Gateway:
    """Own gateway sessions and push events to the connected bot."""

    def __init__(
        self, world: World, transcript: Transcript, limits: Limits, bus: EventBus, token: str
    ) -> None:
        self.world = world
        self.transcript = transcript
        self.limits = limits
        self.bus = bus
        self.token = token
        self.resume_url = ""
        self.session: Session | None = None
        self.ready = asyncio.Event()
        self.identifies = 0
        self.heartbeats = 0
        self._sockets: set[web.WebSocketResponse] = set()
        self._acks: set[asyncio.Task[None]] = set()

    # -- outbound --------------------------------------------------------------------

    async def _send(self, ws: web.WebSocketResponse, frame: dict[str, Any]) -> None:
        self.transcript.record_frame(
            GatewayRecord("out", frame["op"], frame.get("t"), frame.get("s"), frame.get("d"))
        )
        await ws.send_str(json.dumps(frame))

    def _visible(self, session: Session, event: str, data: dict[str, Any]) -> dict[str, Any] | None:
        """Apply the session's intents to one dispatch; ``None`` hides it."""
        if event.startswith("GUILD_SCHEDULED_EVENT_"):
            # events/gateway "List of Intents": GUILD_SCHEDULED_EVENTS (1 << 16).
            return data if session.intents & INTENT_GUILD_SCHEDULED_EVENTS else None
        if event not in _MESSAGE_EVENTS:
            return data
        in_guild = data.get("guild_id") is not None
        needed = INTENT_GUILD_MESSAGES if in_guild else INTENT_DIRECT_MESSAGES
        if not session.intents & needed:
            return None
        if event == "MESSAGE_DELETE" or session.intents & INTENT_MESSAGE_CONTENT:
            return data
        bot_id = str(self.world.bot_user.id)
        author_id = (data.get("author") or {}).get("id")
        mentioned = any(u.get("id") == bot_id for u in data.get("mentions") or [])
        if not in_guild or author_id == bot_id or mentioned:
            return data
        return {**data, "content": "", "embeds": [], "attachments": [], "components": []}

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send a DISPATCH to the current session (buffered if the socket is down)."""
        session = self.session
        if session is None:
            return
        visible = self._visible(session, event, data)
        if visible is None:
            return
        async with session.lock:
            session.seq += 1
            frame = {"op": DISPATCH, "t": event, "s": session.seq, "d": visible}
            session.sent.append(frame)
            if session.ws is not None and not session.ws.closed:
                try:
                    await self._send(session.ws, frame)
                except (ConnectionError, RuntimeError):
                    session.ws = None

    async def drop(self, code: int = 4000) -> None:
        """Close the bot's socket from the server side; the client must RESUME."""
        session = self.session
        if session is None or session.ws is None:
            raise RuntimeError("sandbox: no gateway connection to drop")
        ws, session.ws = session.ws, None
        await ws.close(code=code, message=b"sandbox drop")

    async def send_reconnect(self) -> None:
        """Send op 7 RECONNECT; discord.py closes and resumes."""
        session = self.session
        if session is None or session.ws is None:
            raise RuntimeError("sandbox: no gateway connection")
        ws = session.ws
        session.ws = None
        await self._send(ws, {"op": RECONNECT, "d": None})

    async def send_invalid_session(self, resumable: bool = False) -> None:
        """Send op 9 INVALID_SESSION; non-resumable forgets the session (bot re-IDENTIFYs)."""
        session = self.session
        if session is None or session.ws is None:
            raise RuntimeError("sandbox: no gateway connection")
        ws = session.ws
        session.ws = None
        if not resumable:
            self.session = None
            self.ready.clear()
        await self._send(ws, {"op": INVALID_SESSION, "d": resumable})

    async def close_all(self) -> None:
        """Close every open socket (sandbox shutdown)."""
        for ack in list(self._acks):
            ack.cancel()
        for ws in list(self._sockets):
            await ws.close(code=1001, message=b"sandbox shutdown")

    # -- inbound ---------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        """Run one websocket connection."""
        ws = web.WebSocketResponse(autoping=True, max_msg_size=0)
        await ws.prepare(request)
        self._sockets.add(ws)
        try:
            await self._send(
                ws, {"op": HELLO, "d": {"heartbeat_interval": self.limits.heartbeat_interval_ms}}
            )
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    if msg.type is WSMsgType.ERROR:
                        break
                    continue
                frame = json.loads(msg.data)
                self.transcript.record_frame(
                    GatewayRecord("in", int(frame.get("op", -1)), None, None, frame.get("d"))
                )
                await self._on_frame(ws, frame)
        finally:
            self._sockets.discard(ws)
            if self.session is not None and self.session.ws is ws:
                self.session.ws = None
        return ws

    async def _on_frame(self, ws: web.WebSocketResponse, frame: dict[str, Any]) -> None:
        op = frame.get("op")
        data = frame.get("d")
        if op == HEARTBEAT:
            self.heartbeats += 1
            ack = asyncio.create_task(self._acknowledge(ws))
            self._acks.add(ack)
            ack.add_done_callback(self._acks.discard)
            self.bus.emit("heartbeat", self.heartbeats)
        elif op == IDENTIFY:
            await self._identify(ws, data or {})
        elif op == RESUME:
            await self._resume(ws, data or {})
        elif op == REQUEST_MEMBERS:
            await self._members_chunk(data or {})

    async def _acknowledge(self, ws: web.WebSocketResponse) -> None:
        """Send HEARTBEAT_ACK after the network's delay (see ``Limits.heartbeat_ack_delay``)."""
        await asyncio.sleep(self.limits.heartbeat_ack_delay)
        if not ws.closed:
            with contextlib.suppress(ConnectionError):
                await self._send(ws, {"op": HEARTBEAT_ACK, "d": None})
                self.bus.emit("heartbeat_ack", self.heartbeats)

    async def _identify(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> None:
        if data.get("token") != self.token:
            await ws.close(code=4004, message=b"Authentication failed.")
            return
        self.identifies += 1
        session = Session(session_id=secrets.token_hex(16), intents=int(data.get("intents", 0)))
        self.session = session
        ready = {
            "v": 10,
            "user": {**self.world.bot_user.payload(), "verified": True, "mfa_enabled": False},
            "guilds": [{"id": str(g), "unavailable": True} for g in self.world.guilds],
            "session_id": session.session_id,
            "session_type": "normal",
            "resume_gateway_url": self.resume_url,
            "application": {"id": str(self.world.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "user_settings": {},
            "_trace": ["confbot-sandbox"],
        }
        session.ws = ws
        await self.dispatch("READY", ready)
        for guild in list(self.world.guilds.values()):
            payload = guild.create_payload()
            if session.intents & INTENT_GUILD_SCHEDULED_EVENTS:
                # events/gateway "Guild Create": guild_scheduled_events with that intent.
                payload["guild_scheduled_events"] = [
                    event.payload()
                    for event in self.world.scheduled_events.values()
                    if event.guild_id == guild.id
                ]
            await self.dispatch("GUILD_CREATE", payload)
        self.ready.set()
        self.bus.emit("ready", session.session_id)

    async def _resume(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> None:
        session = self.session
        if (
            session is None
            or data.get("token") != self.token
            or data.get("session_id") != session.session_id
        ):
            await self._send(ws, {"op": INVALID_SESSION, "d": False})
            return
        last = int(data.get("seq") or 0)
        async with session.lock:
            session.ws = ws
            session.resumes += 1
            for frame in session.sent:
                if frame["s"] > last:
                    await self._send(ws, frame)
            session.seq += 1
            resumed = {"op": DISPATCH, "t": "RESUMED", "s": session.seq, "d": {}}
            session.sent.append(resumed)
            await self._send(ws, resumed)
        self.bus.emit("resumed", session.resumes)

    async def _members_chunk(self, data: dict[str, Any]) -> None:
        guild = self.world.guilds.get(int(data.get("guild_id") or 0))
        if guild is None:
            return
        chunk = {
            "guild_id": str(guild.id),
            "members": [m.payload() for m in guild.members.values()],
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
        }
        if data.get("nonce"):
            chunk["nonce"] = data["nonce"]
        await self.dispatch("GUILD_MEMBERS_CHUNK", chunk)
