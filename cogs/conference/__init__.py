"""Conference operations for moderators: the ``/conference`` group (Discord side).

- ``commands.py`` — :class:`Conference`: ``/conference status|upcoming|reload|upload``, each
  calling ``services.conference``; starts the schedule's refresh job once channels are known.
- ``views.py`` — :class:`UploadDialog`: an upload's Confirm/Cancel (the invoker only).
"""

from __future__ import annotations

from bot.app import Confbot
from cogs.conference.commands import Conference

__all__ = ["Conference", "setup"]


async def setup(bot: Confbot) -> None:
    """Load the cog (discord.py's extension entry point)."""
    await bot.add_cog(Conference(bot))
