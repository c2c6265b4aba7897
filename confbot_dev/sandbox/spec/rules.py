"""Discord's rules that the OpenAPI schema cannot express, from the prose reference.

Each check adds to a Discord-shaped ``errors`` tree. They run after the schema accepted
the body's shape, so they may trust types (a ``components`` entry is a dict, and so on).
Pages: messages (embeds, allowed mentions, replies), components (custom ids, buttons,
action rows), interactions (modals), application commands (names, option order).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from confbot_dev.sandbox.spec.explain import ErrorTree, add_error
from confbot_dev.sandbox.validation import embed_characters

Path = list[str | int]
MessageExists = Callable[[int], bool]

EMBED_TOTAL_LIMIT = 6000
LEGACY_ROWS_LIMIT = 5
COMPONENTS_V2 = 1 << 15
CHAT_INPUT = 1
SUBCOMMAND, SUBCOMMAND_GROUP = 1, 2
LINK, PREMIUM = 5, 6
BUTTON, ACTION_ROW, TEXT_INPUT = 2, 1, 4
STRING_SELECT = 3
SELECTS = {STRING_SELECT, 5, 6, 7, 8}
MODAL_COMPONENTS_LIMIT = 5
# resources/message "Create Message": only SUPPRESS_EMBEDS, SUPPRESS_NOTIFICATIONS,
# IS_VOICE_MESSAGE and IS_COMPONENTS_V2 can be set (EPHEMERAL is for interactions).
CHANNEL_MESSAGE_FLAGS = (1 << 2) | (1 << 12) | (1 << 13) | (1 << 15)
# interactions/receiving-and-responding "Interaction Callback Type": which callbacks fit
# which interaction type (by type: 2 command, 3 component, 4 autocomplete, 5 modal submit).
# 6 and 7 are for components only; a modal (9) never answers a modal submit (or a PING);
# autocomplete takes only its result (8). PREMIUM_REQUIRED (10) and LAUNCH_ACTIVITY (12)
# need monetization or Activities, which the sandbox's app has not.
CALLBACKS_FOR = {2: (4, 5, 9), 3: (4, 5, 6, 7, 9), 4: (8,), 5: (4, 5, 6, 7)}
MENTION_TYPES = ("roles", "users", "everyone")
# The docs' name regex is ^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$ (unicode); Python's
# ``re`` has no \p classes, so letters and digits are ``str.isalnum`` plus the marks that
# Devanagari and Thai combine with.
_NAME_PUNCTUATION = frozenset("-_'")
_MARKS = re.compile(r"[\u0900-\u097f\u0e00-\u0e7f]")


def _children(component: dict[str, Any], path: Path) -> Iterator[tuple[dict[str, Any], Path]]:
    """Yield every nested component (rows, containers, section accessories) with its path."""
    for index, child in enumerate(component.get("components") or []):
        if isinstance(child, dict):
            yield child, [*path, "components", index]
            yield from _children(child, [*path, "components", index])
    accessory = component.get("accessory")
    if isinstance(accessory, dict):
        yield accessory, [*path, "accessory"]
    inner = component.get("component")
    if isinstance(inner, dict):
        yield inner, [*path, "component"]
        yield from _children(inner, [*path, "component"])


def _all_components(components: list[Any], path: Path) -> Iterator[tuple[dict[str, Any], Path]]:
    for index, component in enumerate(components):
        if isinstance(component, dict):
            yield component, [*path, index]
            yield from _children(component, [*path, index])


def _check_unique_ids(components: list[Any], path: Path, tree: ErrorTree) -> None:
    """Custom ids, and numeric ids, must be unique within one message or modal."""
    custom_ids: set[str] = set()
    ids: set[int] = set()
    for component, where in _all_components(components, path):
        custom_id = component.get("custom_id")
        if isinstance(custom_id, str):
            if custom_id in custom_ids:
                add_error(
                    tree,
                    [*where, "custom_id"],
                    "COMPONENT_CUSTOM_ID_DUPLICATED",
                    "Component custom id cannot be duplicated",
                )
            custom_ids.add(custom_id)
        number = component.get("id")
        if isinstance(number, int):
            if number in ids:
                add_error(
                    tree, [*where, "id"], "COMPONENT_ID_DUPLICATED", "Component id must be unique"
                )
            ids.add(number)


def _check_button(button: dict[str, Any], path: Path, tree: ErrorTree) -> None:
    style = button.get("style")
    if style == LINK:
        if not button.get("url"):
            add_error(tree, [*path, "url"], "BUTTON_COMPONENT_URL_REQUIRED", "A URL is required")
        if button.get("custom_id") is not None:
            add_error(
                tree,
                [*path, "custom_id"],
                "BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED",
                "A custom id cannot be set on a link button",
            )
    elif style == PREMIUM:
        if not button.get("sku_id"):
            add_error(tree, [*path, "sku_id"], "BASE_TYPE_REQUIRED", "This field is required")
    else:
        if not button.get("custom_id"):
            add_error(
                tree,
                [*path, "custom_id"],
                "BUTTON_COMPONENT_CUSTOM_ID_REQUIRED",
                "A custom id is required",
            )
        if button.get("url") is not None:
            add_error(
                tree,
                [*path, "url"],
                "BUTTON_COMPONENT_URL_NOT_ALLOWED",
                "A URL can only be set on a link button",
            )


def _check_select(select: dict[str, Any], path: Path, tree: ErrorTree) -> None:
    """components/reference "String Select": min_values <= max_values, neither over the
    number of options, and option values unique."""
    low, high = select.get("min_values"), select.get("max_values")
    low = 1 if low is None else low
    high = 1 if high is None else high
    if low > high:
        add_error(
            tree,
            [*path, "min_values"],
            "SELECT_COMPONENT_MIN_VALUES_TOO_LARGE",
            "min_values must be less than or equal to max_values",
        )
    options = select.get("options")
    if select.get("type") != STRING_SELECT or not isinstance(options, list):
        return
    # min_values above the options is then above max_values too, reported above.
    if high > len(options):
        add_error(
            tree,
            [*path, "max_values"],
            "SELECT_COMPONENT_TOO_FEW_OPTIONS",
            "max_values must be less than or equal to the number of options",
        )
    values: set[Any] = set()
    for index, option in enumerate(options):
        value = option.get("value") if isinstance(option, dict) else None
        if value in values:
            add_error(
                tree,
                [*path, "options", index, "value"],
                "SELECT_COMPONENT_OPTION_VALUE_DUPLICATED",
                "Select option values must be unique",
            )
        values.add(value)


def _check_rows(components: list[Any], flags: int, path: Path, tree: ErrorTree) -> None:
    """Legacy messages hold up to 5 action rows; a row holds buttons or one select."""
    if not flags & COMPONENTS_V2:
        if len(components) > LEGACY_ROWS_LIMIT:
            add_error(
                tree, path, "BASE_TYPE_BAD_LENGTH", f"Must be between 1 and {LEGACY_ROWS_LIMIT}."
            )
        for index, row in enumerate(components):
            if isinstance(row, dict) and row.get("type") != ACTION_ROW:
                add_error(
                    tree,
                    [*path, index, "type"],
                    "COMPONENT_LAYOUT_REQUIRES_FLAG",
                    "This component requires the IS_COMPONENTS_V2 flag",
                )
    for component, where in _all_components(components, path):
        kind = component.get("type")
        if kind == BUTTON:
            _check_button(component, where, tree)
        elif kind in SELECTS:
            _check_select(component, where, tree)
        elif kind == ACTION_ROW:
            children = [c for c in component.get("components") or [] if isinstance(c, dict)]
            if any(c.get("type") in SELECTS for c in children) and len(children) > 1:
                add_error(
                    tree,
                    [*where, "components"],
                    "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                    "The specified component exceeds the maximum width",
                )


def _check_embeds(embeds: list[Any], path: Path, tree: ErrorTree) -> None:
    total = sum(embed_characters(embed) for embed in embeds if isinstance(embed, dict))
    if total > EMBED_TOTAL_LIMIT:
        add_error(
            tree,
            path,
            "MAX_EMBED_SIZE_EXCEEDED",
            f"Embed size exceeds maximum size of {EMBED_TOTAL_LIMIT}",
        )


def _check_allowed_mentions(mentions: dict[str, Any], path: Path, tree: ErrorTree) -> None:
    parse = mentions.get("parse") or []
    for kind in ("users", "roles"):
        if kind in parse and mentions.get(kind):
            add_error(
                tree,
                path,
                "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                f'parse:["{kind}"] and {kind}: [ids...] are mutually exclusive.',
            )


def _check_reply(
    reference: dict[str, Any], path: Path, tree: ErrorTree, exists: MessageExists
) -> None:
    if reference.get("fail_if_not_exists") is False:
        return
    raw = reference.get("message_id")
    message_id = int(raw) if isinstance(raw, int) or (isinstance(raw, str) and raw.isdigit()) else 0
    if not exists(message_id):
        add_error(tree, path, "REPLIES_UNKNOWN_MESSAGE", "Unknown message")


def check_message(
    body: Any, path: Path, tree: ErrorTree, exists: MessageExists, *, channel_create: bool = False
) -> None:
    """Check a message body (create, edit, webhook, interaction response data).

    ``channel_create``: a plain channel message (``POST /channels/{id}/messages``), whose
    ``flags`` may hold only :data:`CHANNEL_MESSAGE_FLAGS` (no EPHEMERAL outside interactions).
    """
    if not isinstance(body, dict):
        return
    flags = body.get("flags")
    if channel_create and isinstance(flags, int) and flags & ~CHANNEL_MESSAGE_FLAGS:
        add_error(
            tree,
            [*path, "flags"],
            "MESSAGE_FLAGS_INVALID",
            "Only SUPPRESS_EMBEDS, SUPPRESS_NOTIFICATIONS, IS_VOICE_MESSAGE and"
            " IS_COMPONENTS_V2 can be set",
        )
    if isinstance(body.get("embeds"), list):
        _check_embeds(body["embeds"], [*path, "embeds"], tree)
    if isinstance(body.get("allowed_mentions"), dict):
        _check_allowed_mentions(body["allowed_mentions"], [*path, "allowed_mentions"], tree)
    if isinstance(body.get("message_reference"), dict):
        _check_reply(body["message_reference"], [*path, "message_reference"], tree, exists)
    components = body.get("components")
    if isinstance(components, list):
        flags = body.get("flags")
        flags = flags if isinstance(flags, int) else 0
        _check_rows(components, flags, [*path, "components"], tree)
        _check_unique_ids(components, [*path, "components"], tree)


def _check_modal(data: Any, path: Path, tree: ErrorTree) -> None:
    """interactions/receiving-and-responding "Modal": 1 to 5 components, unique ids;
    components/reference "Text Input": min_length <= max_length."""
    if not isinstance(data, dict) or not isinstance(data.get("components"), list):
        return
    components = data["components"]
    if len(components) > MODAL_COMPONENTS_LIMIT:
        add_error(
            tree,
            [*path, "components"],
            "BASE_TYPE_BAD_LENGTH",
            f"Must be between 1 and {MODAL_COMPONENTS_LIMIT} in length.",
        )
    _check_unique_ids(components, [*path, "components"], tree)
    for component, where in _all_components(components, [*path, "components"]):
        low, high = component.get("min_length"), component.get("max_length")
        if component.get("type") != TEXT_INPUT or low is None or high is None:
            continue
        if low > high:
            add_error(
                tree,
                [*where, "min_length"],
                "TEXT_INPUT_MIN_LENGTH_TOO_LARGE",
                "min_length must be less than or equal to max_length",
            )


def check_callback(
    body: Any, tree: ErrorTree, exists: MessageExists, interaction_type: int | None = None
) -> None:
    """Check an interaction callback: its type fits the interaction, message data (4, 7),
    a modal (9)."""
    if not isinstance(body, dict):
        return
    kind = body.get("type")
    fitting = CALLBACKS_FOR.get(interaction_type or 0)
    if fitting is not None and kind not in fitting:
        add_error(
            tree,
            ["type"],
            "BASE_TYPE_CHOICES",
            f"Value must be one of {{{', '.join(str(each) for each in fitting)}}}.",
        )
        return
    if kind in (4, 7):
        check_message(body.get("data"), ["data"], tree, exists)
    elif kind == 9:
        _check_modal(body.get("data"), ["data"], tree)


def _valid_name(name: str) -> bool:
    return all(
        (ch.isalnum() or ch in _NAME_PUNCTUATION or _MARKS.match(ch)) and ch == ch.lower()
        for ch in name
    )


def _check_options(options: list[Any], path: Path, tree: ErrorTree) -> None:
    names: set[str] = set()
    seen_optional = False
    for index, option in enumerate(options):
        if not isinstance(option, dict):
            continue
        where = [*path, index]
        name = option.get("name")
        if isinstance(name, str):
            if not _valid_name(name):
                add_error(
                    tree,
                    [*where, "name"],
                    "APPLICATION_COMMAND_INVALID_NAME",
                    "Command name is invalid",
                )
            if name in names:
                add_error(
                    tree,
                    [*where, "name"],
                    "APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS",
                    "Option name already exists",
                )
            names.add(name)
        if option.get("type") in (SUBCOMMAND, SUBCOMMAND_GROUP):
            _check_options(option.get("options") or [], [*where, "options"], tree)
            continue
        if option.get("required"):
            if seen_optional:
                add_error(
                    tree,
                    [*where, "required"],
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options",
                )
        else:
            seen_optional = True
        if option.get("autocomplete") and option.get("choices"):
            add_error(
                tree,
                [*where, "autocomplete"],
                "APPLICATION_COMMAND_AUTOCOMPLETE_CHOICES_EXCLUSIVE",
                "Autocomplete and choices are mutually exclusive",
            )
    kinds = {o.get("type") for o in options if isinstance(o, dict)}
    if kinds & {SUBCOMMAND, SUBCOMMAND_GROUP} and kinds - {SUBCOMMAND, SUBCOMMAND_GROUP}:
        add_error(
            tree,
            path,
            "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
            "Sub-command and sub-command group option types are mutually exclusive to all other"
            " types",
        )


def check_command(command: Any, path: Path, tree: ErrorTree) -> None:
    """Check one command: a lower-case valid name, a description, option order and names."""
    if not isinstance(command, dict) or command.get("type", CHAT_INPUT) != CHAT_INPUT:
        return
    name = command.get("name")
    if isinstance(name, str) and not _valid_name(name):
        add_error(
            tree, [*path, "name"], "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid"
        )
    if not command.get("description"):
        add_error(
            tree, [*path, "description"], "BASE_TYPE_MIN_LENGTH", "Must be 1 or more in length."
        )
    _check_options(command.get("options") or [], [*path, "options"], tree)


def check_commands(commands: Any, tree: ErrorTree) -> None:
    """Check a bulk overwrite: every command, and no two of one type with the same name."""
    if not isinstance(commands, list):
        return
    seen: set[tuple[Any, Any]] = set()
    for index, command in enumerate(commands):
        check_command(command, [index], tree)
        if isinstance(command, dict):
            key = (command.get("type", CHAT_INPUT), command.get("name"))
            if key in seen:
                add_error(
                    tree,
                    [index, "name"],
                    "APPLICATION_COMMANDS_DUPLICATE_NAME",
                    "Application command names must be unique",
                )
            seen.add(key)


# reference "Uploading Files": 10 MiB per file by default (more only with Nitro or boosts,
# which the sandbox's guilds have not); files named files[n], each name unique. The
# message schemas allow 10 attachments.
FILE_SIZE_LIMIT = 10 * 1024 * 1024
FILES_LIMIT = 10
_FILE_FIELD = re.compile(r"files\[(\d+)\]")


def file_too_large(files: list[tuple[str, int]]) -> bool:
    """Return whether any uploaded file is over the per-file limit (``40005``)."""
    return any(size > FILE_SIZE_LIMIT for _field, size in files)


def check_files(files: list[tuple[str, int]], tree: ErrorTree) -> None:
    """Check the uploads of a multipart request: count, and ``files[n]`` field names."""
    if len(files) > FILES_LIMIT:
        add_error(
            tree,
            ["attachments"],
            "BASE_TYPE_MAX_LENGTH",
            f"Must be {FILES_LIMIT} or fewer in length.",
        )
    names: set[str] = set()
    for name, _size in files:
        if not _FILE_FIELD.fullmatch(name) or name in names:
            add_error(
                tree,
                [name],
                "FILE_FIELD_NAME_INVALID",
                "File fields must be uniquely named files[n]",
            )
        names.add(name)
