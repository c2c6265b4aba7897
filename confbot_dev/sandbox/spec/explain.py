"""Turn JSON Schema failures into Discord's ``errors`` tree (path → ``{"_errors": [...]}``).

Discord's unions (a component, an option, an interaction callback) are discriminated by
their ``type`` field. A schema validator reports a union failure as "valid under none of
the branches"; Discord reports the failure *inside* the branch the ``type`` selected (six
buttons in a row → ``components.0.components: BASE_TYPE_BAD_LENGTH``). :func:`error_tree`
does the same: it follows the branch whose discriminator matched.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from jsonschema.exceptions import ValidationError

ErrorTree = dict[str, Any]
_UNIONS = ("oneOf", "anyOf")
_TYPE_NAMES = {"integer": "int", "number": "float", "string": "str", "boolean": "bool"}


def field_error(code: str, message: str) -> dict[str, list[dict[str, str]]]:
    """Return one leaf of an ``errors`` tree."""
    return {"_errors": [{"code": code, "message": message}]}


def add_error(tree: ErrorTree, path: Iterable[str | int], code: str, message: str) -> None:
    """Add the error ``code``/``message`` at ``path`` (keys and list indexes) in ``tree``."""
    node = tree
    for part in path:
        node = node.setdefault(str(part), {})
    node.setdefault("_errors", []).append({"code": code, "message": message})


def _describe(error: ValidationError) -> tuple[str, str]:
    schema: dict[str, Any] = error.schema if isinstance(error.schema, dict) else {}
    value: Any = error.validator_value
    match error.validator:
        case "maxLength":
            return "BASE_TYPE_MAX_LENGTH", f"Must be {value} or fewer in length."
        case "minLength":
            return "BASE_TYPE_MIN_LENGTH", f"Must be {value} or more in length."
        case "maxItems" | "minItems" | "maxProperties" | "minProperties":
            low = schema.get("minItems", schema.get("minProperties", 0))
            high = schema.get("maxItems", schema.get("maxProperties"))
            if high is None:
                return "BASE_TYPE_BAD_LENGTH", f"Must be {low} or more in length."
            return "BASE_TYPE_BAD_LENGTH", f"Must be between {low} and {high} in length."
        case "required":
            return "BASE_TYPE_REQUIRED", "This field is required"
        case "maximum":
            return "NUMBER_TYPE_MAX", f"int value should be less than or equal to {value}."
        case "minimum":
            return "NUMBER_TYPE_MIN", f"int value should be greater than or equal to {value}."
        case "enum" | "const":
            choices = value if error.validator == "enum" else [value]
            listed = ", ".join(repr(choice) for choice in choices)
            return "BASE_TYPE_CHOICES", f"Value must be one of {{{listed}}}."
        case "pattern":
            return "STRING_TYPE_REGEX", "String value did not match validation regex."
        case "uniqueItems":
            return "LIST_ITEM_VALUE_DUPLICATE", "List items must be unique."
        case "type":
            wanted = value if isinstance(value, list) else [value]
            names = [str(_TYPE_NAMES.get(name, name)) for name in wanted if name != "null"]
            return "BASE_TYPE_BAD_TYPE", f"Value {error.instance!r} is not {' or '.join(names)}."
        case validator if validator in _UNIONS:
            return "UNION_TYPE_CHOICES", 'Value of field "type" must be one of the known types.'
        case _:
            return "BASE_TYPE_INVALID", error.message


def _is_discriminator_miss(error: ValidationError) -> bool:
    """Say whether ``error`` rules its branch out (wrong ``type`` value or wrong JSON type)."""
    relative = list(error.relative_path)
    if relative == ["type"] and error.validator in ("enum", "const"):
        return True
    return not relative and error.validator in ("type", "const")


def _branch_errors(error: ValidationError) -> list[ValidationError] | None:
    """Return the errors of the one union branch the instance's discriminator selects."""
    branches: dict[Any, list[ValidationError]] = {}
    for sub in error.context or []:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    candidates = [
        errors
        for errors in branches.values()
        if not any(_is_discriminator_miss(sub) for sub in errors)
    ]
    if not candidates:
        return None
    # Several branches fit (a union without a discriminator, e.g. autocomplete choices of
    # strings, integers or numbers): the branch that failed least is the one meant.
    return min(
        candidates,
        key=lambda errors: (len(errors), -max(len(sub.absolute_path) for sub in errors)),
    )


def _discriminator_values(context: list[ValidationError]) -> set[Any]:
    """Return the ``type`` values a union accepts when every branch refused the given one."""
    values: set[Any] = set()
    refused: set[Any] = set()
    for sub in context:
        if list(sub.relative_path) == ["type"] and sub.validator in ("enum", "const"):
            found: Any = sub.validator_value
            values.update(found if sub.validator == "enum" else [found])
            refused.add(sub.relative_schema_path[0])
    branches = {sub.relative_schema_path[0] for sub in context}
    return values if refused == branches else set()


def _collect(error: ValidationError, tree: ErrorTree) -> None:
    if error.validator in _UNIONS and error.context:
        chosen = _branch_errors(error)
        if chosen is not None:
            for sub in chosen:
                _collect(sub, tree)
            return
        kinds = _discriminator_values(error.context)
        if kinds:
            listed = ", ".join(repr(value) for value in sorted(kinds))
            add_error(
                tree,
                [*error.absolute_path, "type"],
                "BASE_TYPE_CHOICES",
                f"Value must be one of {{{listed}}}.",
            )
            return
        consts = [sub.validator_value for sub in error.context if sub.validator == "const"]
        if len(consts) == len(error.context):
            # An enumeration written as a union of constants (AllowedMentionTypes, ...).
            listed = ", ".join(repr(value) for value in consts)
            add_error(
                tree,
                list(error.absolute_path),
                "BASE_TYPE_CHOICES",
                f"Value must be one of {{{listed}}}.",
            )
            return
    code, message = _describe(error)
    path = list(error.absolute_path)
    if error.validator == "required" and isinstance(error.instance, dict):
        required: Any = error.validator_value
        missing = [key for key in required if key not in error.instance]
        for key in missing:
            add_error(tree, [*path, key], code, message)
        return
    add_error(tree, path, code, message)


def error_tree(errors: Iterable[ValidationError]) -> ErrorTree:
    """Return Discord's ``errors`` tree for every schema failure of one body."""
    tree: ErrorTree = {}
    for error in errors:
        _collect(error, tree)
    return tree
