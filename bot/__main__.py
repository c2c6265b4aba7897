"""``python -m bot`` is ``confbot``."""

import sys

from bot.cli import main

sys.exit(main())
