"""Buttons that keep working after a restart: their state lives in their ``custom_id``.

Every button confbot puts on an answer is a :class:`discord.ui.DynamicItem`: its
``custom_id`` matches a ``template`` regex and carries everything needed to answer a
press (``confbot:page:<invoker>:<page>:<kind>:<at>:<arguments>``,
``confbot:session:<id>``, ...). The item classes are registered with
``bot.add_dynamic_items`` when a cog loads, so a press on a message sent before a restart
is rebuilt from the ``custom_id`` alone. Hence answers' views have no timeout: there is
no in-memory state to lose, and a button never goes silently dead. (Confirm/cancel
dialogs, :class:`InvokerView`, are the one kind held in memory; they disable their
buttons when they time out, and :class:`ExpiredDialog` answers them after a restart.)

Page buttons re-run the query behind the list (:class:`ListQuery`, answered by the
feature that registered a list source for its ``kind`` with ``bot.answer_hooks``) as of
the instant the list was first answered, so page 2 after a restart belongs to the same
list as page 1. A list without a query, or whose query does not fit in 100 characters,
is remembered in memory until the bot stops; a press after that answers, privately,
that the list has expired.

**Adding a button (for a cog):** subclass ``DynamicItem`` with a ``template`` starting
``confbot:<name>:``, rebuild it in ``from_custom_id`` (which must not raise: discord.py
only logs there), answer every failure in ``callback`` with
:func:`answer_button_failure`, register the class in the cog's ``cog_load`` with
``bot.add_dynamic_items`` and return instances from an extras provider registered with
``bot.answer_hooks.add_extras`` (see :mod:`bot.answer_hooks`). Use :func:`id_in_custom_id`
for ids that may be long.

- ``pages.py`` — :class:`PageButton`, :class:`PersistentView`, :func:`view_for` (page
  buttons plus the registered extras, fitted to a message's 25 places).
- ``dialogs.py`` — :class:`InvokerView` (confirm/cancel, in memory), :class:`ExpiredDialog`.
"""

from bot.custom_ids import CUSTOM_ID_LIMIT, PREFIX, digest, id_from_custom_id, id_in_custom_id
from bot.rendering.pages import ListQuery
from cogs.views.dialogs import DIALOG_EXPIRED, DIALOG_TIMEOUT_SECONDS, ExpiredDialog, InvokerView
from cogs.views.pages import (
    EXPIRED,
    MESSAGE_WIDTH,
    NOT_YOURS,
    PAGE_TEMPLATE,
    PageButton,
    PersistentView,
    answer_button_failure,
    extra_buttons,
    install_page_buttons,
    page_buttons,
    page_custom_id,
    page_reply,
    parse_page_custom_id,
    view_for,
)

__all__ = [
    "CUSTOM_ID_LIMIT",
    "DIALOG_EXPIRED",
    "DIALOG_TIMEOUT_SECONDS",
    "EXPIRED",
    "MESSAGE_WIDTH",
    "NOT_YOURS",
    "PAGE_TEMPLATE",
    "PREFIX",
    "ExpiredDialog",
    "InvokerView",
    "ListQuery",
    "PageButton",
    "PersistentView",
    "answer_button_failure",
    "digest",
    "extra_buttons",
    "id_from_custom_id",
    "id_in_custom_id",
    "install_page_buttons",
    "page_buttons",
    "page_custom_id",
    "page_reply",
    "parse_page_custom_id",
    "view_for",
]
