"""Loopback Discord stand-in that the real discord.py client connects to."""

from bot.sandbox.config import Faults, Limits, RouteLimit
from bot.sandbox.discordpy import point_discord_py_at
from bot.sandbox.driver import CommandNotShown
from bot.sandbox.server import Sandbox
from bot.sandbox.state import Channel, Guild, InteractionResult, Role, User
from bot.sandbox.transcript import GatewayRecord, RequestRecord, Transcript

__all__ = [
    "Channel",
    "CommandNotShown",
    "Faults",
    "GatewayRecord",
    "Guild",
    "InteractionResult",
    "Limits",
    "RequestRecord",
    "Role",
    "RouteLimit",
    "Sandbox",
    "Transcript",
    "User",
    "point_discord_py_at",
]
