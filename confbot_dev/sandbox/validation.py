"""Validate bodies the way Discord does and build ``50035 Invalid Form Body`` errors."""

from __future__ import annotations

from typing import Any

ErrorTree = dict[str, Any]


def _max_len(limit: int) -> dict[str, Any]:
    return {
        "_errors": [
            {"code": "BASE_TYPE_MAX_LENGTH", "message": f"Must be {limit} or fewer in length."}
        ]
    }


def _text(value: Any) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)


def embed_characters(embed: dict[str, Any]) -> int:
    """Return the characters of ``embed`` that count toward the 6,000 across a message."""
    fields = embed.get("fields") or []
    return (
        len(_text(embed.get("title")))
        + len(_text(embed.get("description")))
        + len(_text((embed.get("footer") or {}).get("text")))
        + len(_text((embed.get("author") or {}).get("name")))
        + sum(len(_text(f.get("name"))) + len(_text(f.get("value"))) for f in fields)
    )


def _embed_errors(embed: dict[str, Any]) -> tuple[ErrorTree, int]:
    errors: ErrorTree = {}
    total = 0
    for key, limit in (("title", 256), ("description", 4096)):
        text = _text(embed.get(key))
        total += len(text)
        if len(text) > limit:
            errors[key] = _max_len(limit)
    footer = embed.get("footer") or {}
    footer_text = _text(footer.get("text"))
    total += len(footer_text)
    if len(footer_text) > 2048:
        errors["footer"] = {"text": _max_len(2048)}
    author = embed.get("author") or {}
    author_name = _text(author.get("name"))
    total += len(author_name)
    if len(author_name) > 256:
        errors["author"] = {"name": _max_len(256)}
    fields = embed.get("fields") or []
    if len(fields) > 25:
        errors["fields"] = _max_len(25)
    field_errors: ErrorTree = {}
    for index, fld in enumerate(fields):
        name, value = _text(fld.get("name")), _text(fld.get("value"))
        total += len(name) + len(value)
        one: ErrorTree = {}
        if len(name) > 256:
            one["name"] = _max_len(256)
        if len(value) > 1024:
            one["value"] = _max_len(1024)
        if one:
            field_errors[str(index)] = one
    if field_errors and "fields" not in errors:
        errors["fields"] = field_errors
    return errors, total


def validate_message(body: dict[str, Any]) -> ErrorTree:
    """Return the ``errors`` tree for a message body (empty when valid)."""
    errors: ErrorTree = {}
    content = _text(body.get("content"))
    if len(content) > 2000:
        errors["content"] = _max_len(2000)
    embeds = body.get("embeds") or []
    if len(embeds) > 10:
        errors["embeds"] = _max_len(10)
        return errors
    embed_errors: ErrorTree = {}
    grand_total = 0
    for index, embed in enumerate(embeds):
        one, total = _embed_errors(embed)
        grand_total += total
        if one:
            embed_errors[str(index)] = one
    if embed_errors:
        errors["embeds"] = embed_errors
    elif grand_total > 6000:
        errors["embeds"] = {
            "_errors": [
                {
                    "code": "MAX_EMBED_SIZE_EXCEEDED",
                    "message": "Embed size exceeds maximum size of 6000",
                }
            ]
        }
    return errors


def validate_choices(choices: Any) -> ErrorTree:
    """Return the ``errors`` tree for an autocomplete result (empty when valid)."""
    if not isinstance(choices, list):
        return {"choices": {"_errors": [{"code": "BASE_TYPE_REQUIRED", "message": "Required."}]}}
    if len(choices) > 25:
        return {"choices": _max_len(25)}
    errors: ErrorTree = {}
    for index, choice in enumerate(choices):
        one: ErrorTree = {}
        if len(_text(choice.get("name"))) > 100:
            one["name"] = _max_len(100)
        value = choice.get("value")
        if isinstance(value, str) and len(value) > 100:
            one["value"] = _max_len(100)
        if one:
            errors[str(index)] = one
    return {"choices": errors} if errors else {}
