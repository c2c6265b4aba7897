"""Loopback Discord stand-in that the real discord.py client connects to."""

from confbot_dev.sandbox.config import Faults, Limits, RouteLimit
from confbot_dev.sandbox.discordpy import point_discord_py_at
from confbot_dev.sandbox.driver import CommandNotShown, OptionValueRefused
from confbot_dev.sandbox.server import Sandbox
from confbot_dev.sandbox.state import Channel, Guild, InteractionResult, Role, User
from confbot_dev.sandbox.transcript import GatewayRecord, RequestRecord, Transcript

__all__ = [
    "Channel",
    "CommandNotShown",
    "Faults",
    "GatewayRecord",
    "Guild",
    "InteractionResult",
    "Limits",
    "OptionValueRefused",
    "RequestRecord",
    "Role",
    "RouteLimit",
    "Sandbox",
    "Transcript",
    "User",
    "point_discord_py_at",
]
