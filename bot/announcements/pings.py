"""Whom an announcement may ping: the roles the organisers allow, @everyone if they allow it.

Pure: the server's roles come in as ``(id, name)`` pairs (the Discord layer reads them,
leaving out the @everyone role itself), the organisers' allow-list from the config.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from bot.announcements.text import EVERYONE, HERE, Ping
from bot.errors import UserError
from bot.rendering.text import neutralise

RoleName = tuple[int, str]


def pingable_roles(roles: Iterable[RoleName], allowed: Collection[int | str]) -> list[RoleName]:
    """Return the roles on the allow-list (named there by id or by name), in server order."""
    return [(role_id, name) for role_id, name in roles if role_id in allowed or name in allowed]


def ping_choices(
    current: str, pingable: Iterable[RoleName], *, allow_everyone: bool
) -> list[tuple[str, str]]:
    """Return ``("@name", value)`` pairs matching what was typed, @everyone/@here if allowed."""
    wanted = current.casefold().lstrip("@")
    pairs = [(f"@{name}", str(role_id)) for role_id, name in pingable if wanted in name.casefold()]
    if allow_everyone:
        pairs += [(f"@{word}", word) for word in (EVERYONE, HERE) if wanted in word]
    return pairs


def chosen_ping(typed: str | None, pingable: Iterable[RoleName], *, allow_everyone: bool) -> Ping:
    """Return the ping the option names (a role's id or name, or everyone/here).

    :raises UserError: a role not on the allow-list, or @everyone when not allowed.
    """
    if typed is None or not typed.strip():
        return Ping()
    word = typed.strip().lstrip("@").casefold()
    if word in (EVERYONE, HERE):
        if not allow_everyone:
            raise UserError(f"Announcements may not ping @{word} here; choose a role.")
        return Ping(everyone=word)
    for role_id, name in pingable:
        if typed.strip() == str(role_id) or word == name.casefold():
            return Ping(role_id=role_id)
    raise UserError(
        f"“{neutralise(typed)[:100]}” is not a role announcements may ping; pick one from the list."
    )
