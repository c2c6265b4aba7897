"""Every extension: importable on its own, loaded by the factory, no command name twice."""

from __future__ import annotations

import importlib
import pkgutil
from collections import Counter
from types import ModuleType

import pytest
from discord import app_commands
from discord.ext import commands

import cogs
from bot.app import ALL_EXTENSIONS


def extension_modules() -> list[str]:
    """Return every module or package under ``cogs`` that defines ``setup`` (an extension)."""
    found = []
    for info in pkgutil.walk_packages(cogs.__path__, prefix="cogs."):
        module = importlib.import_module(info.name)
        if callable(getattr(module, "setup", None)):
            found.append(info.name)
    return sorted(found)


def cog_classes(module: ModuleType) -> list[type[commands.Cog]]:
    """Return the cog classes an extension adds (not the groups of commands they inherit)."""
    found = [
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, commands.Cog)
        and value.__module__.startswith(module.__name__)
    ]
    return [cog for cog in found if not any(cog in other.__mro__[1:] for other in found)]


def qualified_names(cog: type[commands.Cog]) -> list[str]:
    """Return the full names ("agenda show") of every slash command a cog class declares."""
    names: list[str] = []
    for command in cog.__cog_app_commands__:
        names.append(command.qualified_name)
        if isinstance(command, app_commands.Group):
            names += [child.qualified_name for child in command.walk_commands()]
    return names


def test_the_factory_loads_every_extension_there_is() -> None:
    """An extension left out of ALL_EXTENSIONS would never answer: the lists must agree."""
    assert sorted(ALL_EXTENSIONS) == extension_modules()


@pytest.mark.parametrize("name", ALL_EXTENSIONS)
def test_each_extension_imports_on_its_own(name: str) -> None:
    """Importing an extension runs nothing and needs no other extension loaded first."""
    module = importlib.import_module(name)
    assert callable(module.setup)


def test_no_command_name_is_declared_twice_across_the_cogs() -> None:
    """Two cogs declaring one slash command would fail to load, or shadow each other."""
    names = Counter(
        name
        for extension in ALL_EXTENSIONS
        for cog in cog_classes(importlib.import_module(extension))
        for name in qualified_names(cog)
    )
    assert names, "no slash command found: the walk is broken"
    assert [name for name, count in names.items() if count > 1] == []
