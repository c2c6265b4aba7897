"""Load Discord's OpenAPI description once, with the prose docs' corrections applied.

Two views of the same file: one for what the bot *sends* (requests) and one for what the
sandbox *answers* (responses). They differ where the docs and real Discord are more lenient
than the spec on one side only (see ``README.md`` beside this module).
"""

from __future__ import annotations

import copy
import functools
import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

Schema = dict[str, Any]

# Message content: the spec allows 4000 characters (a Nitro user's limit); bots get 2000.
BOT_CONTENT_LIMIT = 2000
_MESSAGE_REQUESTS = (
    "BaseCreateMessageCreateRequest",
    "MessageCreateRequest",
    "MessageEditRequestPartial",
    "SDKMessageRequest",
)
_CONST_KEYS = frozenset({"const", "title", "description"})
_PLACEHOLDER = re.compile(r"\{[^}]+\}")


@functools.cache
def _raw() -> Schema:
    text = (
        resources.files("confbot_dev.sandbox.spec")
        .joinpath("openapi.json")
        .read_text(encoding="utf-8")
    )
    document: Schema = json.loads(text)
    return document


def _constants_as_enum(schema: Any) -> Any:
    """Rewrite ``oneOf`` lists of distinct ``const`` values as one ``enum`` (same meaning).

    The spec writes every enumeration (component types, button styles, mention types) this
    way; a compiled validator would try each constant in turn, at ~20 raised exceptions per
    component. An ``enum`` is one membership test.
    """
    if isinstance(schema, list):
        return [_constants_as_enum(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {key: _constants_as_enum(value) for key, value in schema.items()}
    branches = out.get("oneOf")
    if (
        isinstance(branches, list)
        and branches
        and all(isinstance(b, dict) and "const" in b and set(b) <= _CONST_KEYS for b in branches)
    ):
        values = [b["const"] for b in branches]
        if len(set(map(repr, values))) == len(values):
            del out["oneOf"]
            out["enum"] = values
    return out


@functools.cache
def request_components() -> Schema:
    """Return ``components`` as requests are judged: snowflakes may be integers, 2000 chars."""
    components = copy.deepcopy(_raw()["components"])
    schemas = components["schemas"]
    # discord.py sends some snowflakes (recipient_id, message_reference.*) as JSON integers;
    # Discord parses either form.
    strict = schemas["SnowflakeType"]
    schemas["SnowflakeType"] = {"anyOf": [strict, {"type": "integer", "minimum": 0}]}
    for name in _MESSAGE_REQUESTS:
        schemas[name]["properties"]["content"]["maxLength"] = BOT_CONTENT_LIMIT
    # The docs type permission sets as strings ("bitwise value ... as a string"); the spec
    # says integer in role requests. discord.py sends strings, Discord takes either.
    for schema in schemas.values():
        field = (schema.get("properties") or {}).get("permissions")
        if isinstance(field, dict) and field.get("type") == ["integer", "null"]:
            field.clear()
            field.update({"type": ["integer", "string", "null"], "pattern": "^[0-9]+$"})
    rewritten: Schema = _constants_as_enum(components)
    return rewritten


@functools.cache
def response_components() -> Schema:
    """Return ``components`` as responses are judged: fields the docs call optional are."""
    components = copy.deepcopy(_raw()["components"])
    schemas = components["schemas"]
    user = schemas["UserResponse"]
    user["required"] = [key for key in user["required"] if key != "primary_guild"]
    # RatelimitedResponse inherits ``code`` as required from Error; 429 bodies in the docs
    # carry only message, retry_after and global.
    error = schemas["Error"]
    schemas["RatelimitedResponse"]["allOf"][0] = {
        **error,
        "required": [key for key in error.get("required", []) if key != "code"],
    }
    # Field errors in a 50035 tree carry string codes ("BASE_TYPE_MAX_LENGTH"), as in the docs'
    # examples; the spec reuses the integer-coded top-level Error for them.
    schemas["InnerErrors"]["properties"]["_errors"]["items"] = {
        "type": "object",
        "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
        "required": ["code", "message"],
    }
    return components


@dataclass(frozen=True)
class Operation:
    """One route of the spec: its path template, method and operation object."""

    path: str
    method: str
    body: Any

    @property
    def request_schema(self) -> Schema | None:
        """Return the JSON request body schema, or ``None`` when the route takes no body."""
        content = (self.body.get("requestBody") or {}).get("content") or {}
        schema = (content.get("application/json") or {}).get("schema")
        return schema if isinstance(schema, dict) else None

    def response_schema(self, status: int) -> Schema | None:
        """Return the JSON schema of the ``status`` answer (``None``: no body is described)."""
        responses: dict[str, Any] = self.body.get("responses") or {}
        answer = responses.get(str(status)) or responses.get(f"{str(status)[0]}XX")
        if answer is None:
            return None
        ref = answer.get("$ref")
        if isinstance(ref, str):
            answer = _raw()["components"]["responses"][ref.rsplit("/", 1)[-1]]
        schema = ((answer.get("content") or {}).get("application/json") or {}).get("schema")
        return schema if isinstance(schema, dict) else None


def rebase(schema: Any, root: str) -> Any:
    """Return ``schema`` with local ``#/...`` references pointed at the document ``root``."""
    if isinstance(schema, dict):
        return {
            key: (
                f"{root}{value}"
                if key == "$ref" and isinstance(value, str)
                else rebase(value, root)
            )
            for key, value in schema.items()
        }
    if isinstance(schema, list):
        return [rebase(item, root) for item in schema]
    return schema


def _shape(path: str) -> str:
    return _PLACEHOLDER.sub("{}", path)


@functools.cache
def _operations() -> dict[tuple[str, str], Operation]:
    index: dict[tuple[str, str], Operation] = {}
    for path, item in _raw()["paths"].items():
        for method, body in item.items():
            if method == "parameters":
                continue
            index[(method.upper(), _shape(path))] = Operation(path, method.upper(), body)
    return index


def operation(method: str, template: str) -> Operation | None:
    """Return the spec operation for an aiohttp route template, e.g. ``/channels/{id}/messages``.

    Placeholders match by position, not name (the sandbox says ``{webhook_token}`` where the
    spec says ``{interaction_token}``).
    """
    return _operations().get((method.upper(), _shape(template)))
