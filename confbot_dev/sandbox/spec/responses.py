"""Check the sandbox's own answers against the spec's response schemas (used by tests)."""

from __future__ import annotations

import functools
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from confbot_dev.sandbox.spec.document import operation, rebase, response_components

_ROOT = "urn:discord-openapi-responses"


@functools.cache
def _registry() -> Registry[Any]:
    resource: Resource[Any] = DRAFT202012.create_resource({"components": response_components()})
    return Registry().with_resource(_ROOT, resource)


@functools.cache
def _validator(method: str, template: str, status: int) -> Draft202012Validator | None:
    found = operation(method, template)
    schema = found.response_schema(status) if found is not None else None
    if schema is None:
        return None
    return Draft202012Validator(rebase(schema, _ROOT), registry=_registry())


def has_response_schema(method: str, template: str, status: int) -> bool:
    """Say whether the spec describes the JSON answer of ``status`` on this route."""
    return _validator(method.upper(), template, status) is not None


def response_errors(method: str, template: str, status: int, body: Any) -> list[str]:
    """Return one line per way ``body`` differs from the spec's ``status`` answer schema."""
    validator = _validator(method.upper(), template, status)
    if validator is None:
        return []
    lines = []
    for error in validator.iter_errors(body):
        where = ".".join(str(part) for part in error.absolute_path) or "(body)"
        detail = error.message if len(error.message) < 300 else error.message[:300] + "…"
        lines.append(f"{method.upper()} {template} {status}: {where}: {detail}")
        lines.extend(
            f"    {'.'.join(str(p) for p in sub.absolute_path)}: {sub.message[:200]}"
            for sub in sorted(error.context or [], key=lambda e: -len(e.absolute_path))[:6]
        )
    return lines
