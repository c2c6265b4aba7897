"""confbot: a Discord companion bot for virtual conferences.

``bot`` is the core. It never imports ``cogs``; only the Discord adapters in it
(``bot.app``, ``bot.sandbox``) import :mod:`discord`.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("confbot")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+source"
