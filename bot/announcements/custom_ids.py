"""The custom_ids of an announcement's preview buttons and of its form, without Discord.

A preview button carries its action and the draft's id (``confbot:announce:<action>:<id>``),
so a preview answers its buttons after a restart. A form's custom_id only has to be
unique among the forms open at once: discord.py finds an open form by its custom_id alone.
"""

from __future__ import annotations

import secrets

from bot.custom_ids import PREFIX as CUSTOM_ID_PREFIX

# The preview's buttons, in the order they are shown.
ACTIONS = ("send", "schedule", "edit", "cancel")
BUTTON_TEMPLATE = rf"{CUSTOM_ID_PREFIX}:announce:(?P<action>{'|'.join(ACTIONS)}):(?P<id>\d+)"


def button_id(action: str, announcement_id: int) -> str:
    """Return the custom_id of the preview button doing ``action`` to one announcement."""
    if action not in ACTIONS:
        raise ValueError(f"not an announcement action: {action!r}")
    return f"{CUSTOM_ID_PREFIX}:announce:{action}:{announcement_id}"


def form_id(announcement_id: int | None) -> str:
    """Return a new custom_id for the form of a new announcement (``None``) or an edit.

    Two moderators' forms open at once must not share one, hence the random part.
    """
    subject = "new" if announcement_id is None else str(announcement_id)
    return f"{CUSTOM_ID_PREFIX}:announce-modal:{subject}:{secrets.token_hex(8)}"
