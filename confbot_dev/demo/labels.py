"""Name a button, a menu option or a form field by its label, or the start of it.

``:click``, ``:choose`` and ``:submit`` read what the user typed the same way: the
whole label (any case) wins, else the one label it starts; two or more labels it
starts, or none, is one error line listing the labels there are.
"""

from __future__ import annotations

from collections.abc import Iterable

from confbot_dev.demo.script import ScriptError


def matching_labels(typed: str, labels: Iterable[str]) -> list[str]:
    """Return the labels ``typed`` names: the whole label alone, else every label it starts."""
    wanted = typed.strip().casefold()
    unique = list(dict.fromkeys(labels))
    exact = [label for label in unique if label.casefold() == wanted]
    if exact:
        return exact[:1]
    return [label for label in unique if wanted and label.casefold().startswith(wanted)]


def pick_label(typed: str, labels: Iterable[str], what: str) -> str:
    """Return the one label ``typed`` names among ``labels`` (``what`` names their kind).

    :raises ScriptError: ``typed`` names none of them, or the start of several.
    """
    offered = list(dict.fromkeys(labels))
    found = matching_labels(typed, offered)
    if len(found) == 1:
        return found[0]
    if found:
        raise ambiguous(typed, found, what)
    listed = ", ".join(offered) or "none"
    raise ScriptError(f"no {what} {typed!r} ({what}s: {listed})")


def ambiguous(typed: str, found: list[str], what: str) -> ScriptError:
    """Return the error for ``typed`` starting several labels: it lists them."""
    return ScriptError(f"{typed!r} starts more than one {what}: {', '.join(found)}; type more")
