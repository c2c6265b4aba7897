"""confbot: a Discord companion bot for virtual conferences.

``bot`` is the core. It never imports ``cogs`` nor the development tooling
(``confbot_dev``); only its Discord adapters import :mod:`discord`.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("confbot")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+source"
