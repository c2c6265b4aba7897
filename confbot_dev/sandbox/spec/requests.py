"""Validate each REST request body against its route's schema, then Discord's prose rules.

The fast path is a validator compiled from the route's schema by fastjsonschema, once per
route per process (lazily, cached). Only a body that fails is looked at again, by jsonschema,
which lists *every* failure so the 50035 ``errors`` tree is the one Discord would send.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import fastjsonschema
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from confbot_dev.sandbox.spec import rules, rules_events
from confbot_dev.sandbox.spec.document import Schema, operation, rebase, request_components
from confbot_dev.sandbox.spec.explain import ErrorTree, add_error, error_tree

_ROOT = "urn:discord-openapi"
MESSAGE_ROUTES = frozenset(
    {
        "POST /channels/{channel_id}/messages",
        "PATCH /channels/{channel_id}/messages/{message_id}",
        "POST /webhooks/{webhook_id}/{webhook_token}",
        "PATCH /webhooks/{webhook_id}/{webhook_token}/messages/{message_id}",
    }
)
COMMAND_LIST_ROUTES = frozenset(
    {
        "PUT /applications/{application_id}/commands",
        "PUT /applications/{application_id}/guilds/{guild_id}/commands",
    }
)
COMMAND_ROUTES = frozenset(
    {
        "POST /applications/{application_id}/commands",
        "POST /applications/{application_id}/guilds/{guild_id}/commands",
        "PATCH /applications/{application_id}/commands/{command_id}",
        "PATCH /applications/{application_id}/guilds/{guild_id}/commands/{command_id}",
    }
)
CALLBACK_ROUTE = "POST /interactions/{interaction_id}/{interaction_token}/callback"


@functools.cache
def _registry() -> Registry[Any]:
    resource: Resource[Any] = DRAFT202012.create_resource({"components": request_components()})
    return Registry().with_resource(_ROOT, resource)


@dataclass
class _RouteSchema:
    """The compiled fast check and the (lazily built) explaining validator of one route."""

    key: str
    schema: Schema
    required: bool
    fast: Callable[[Any], Any]
    _explainer: Draft202012Validator | None = None
    _detailed: Callable[[Any], Any] | None = None

    def explain(self, body: Any) -> ErrorTree:
        """Return the full ``errors`` tree for a body the fast check refused."""
        if self._explainer is None:
            self._explainer = Draft202012Validator(rebase(self.schema, _ROOT), registry=_registry())
        return error_tree(self._explainer.iter_errors(body)) or self._format_failure(body)

    def _format_failure(self, body: Any) -> ErrorTree:
        """Describe a failure only fastjsonschema sees: a ``format`` (uri, date-time)."""
        if self._detailed is None:
            self._detailed = _compile(self.schema, detailed=True)
        tree: ErrorTree = {}
        try:
            self._detailed(body)
        except fastjsonschema.JsonSchemaValueException as exc:
            add_error(tree, list(exc.path or [])[1:], "BASE_TYPE_INVALID", exc.message)
        return tree


def _compile(schema: Schema, *, detailed: bool) -> Callable[[Any], Any]:
    # A wrapper so the schema's ``#/components/...`` references resolve inside it.
    return fastjsonschema.compile(
        {"allOf": [schema], "components": request_components()},
        use_default=False,  # never write defaults into the bot's body
        detailed_exceptions=detailed,  # only the rare format failure needs the path
    )


@functools.cache
def _route_schema(method: str, spec_path: str) -> _RouteSchema | None:
    found = operation(method, spec_path)
    schema = found.request_schema if found is not None else None
    if found is None or schema is None:
        return None
    required = bool((found.body.get("requestBody") or {}).get("required"))
    fast = _compile(schema, detailed=False)
    return _RouteSchema(f"{found.method} {found.path}", schema, required, fast)


@dataclass
class RequestValidator:
    """Judge request bodies the way Discord does; remember how long each check took."""

    message_exists: rules.MessageExists
    enabled: bool = True
    timings_ms: list[float] = field(default_factory=list)

    def check(
        self,
        method: str,
        template: str,
        body: Any,
        *,
        files: list[tuple[str, int]] | None = None,
        interaction_type: int | None = None,
    ) -> ErrorTree:
        """Return the ``errors`` tree for ``body`` sent to ``METHOD template`` (empty: valid).

        ``files`` are a multipart request's uploads (field name, size); ``interaction_type``
        the type of the interaction a callback answers. Only bodies that were validated are
        timed (a GET, or a route without a body, is not).
        """
        if not self.enabled:
            return {}
        started = time.perf_counter()
        route = _route_schema(method.upper(), template)
        if route is None or (body is None and not route.required):
            return {}
        try:
            tree = self._check(route, {} if body is None else body, interaction_type)
            if files and not tree:
                rules.check_files(files, tree)
            return tree
        finally:
            self.timings_ms.append((time.perf_counter() - started) * 1000)

    def _check(self, route: _RouteSchema, instance: Any, interaction_type: int | None) -> ErrorTree:
        try:
            route.fast(instance)
        except fastjsonschema.JsonSchemaValueException:
            return route.explain(instance)
        tree: ErrorTree = {}
        key = route.key
        if key in MESSAGE_ROUTES:
            channel_create = key == "POST /channels/{channel_id}/messages"
            rules.check_message(
                instance, [], tree, self.message_exists, channel_create=channel_create
            )
        elif key in COMMAND_LIST_ROUTES:
            rules.check_commands(instance, tree)
        elif key in COMMAND_ROUTES:
            rules.check_command(instance, [], tree)
        elif key in (rules_events.CREATE_ROUTE, rules_events.MODIFY_ROUTE):
            create = key == rules_events.CREATE_ROUTE
            rules_events.check_scheduled_event(instance, tree, create=create)
        elif key == CALLBACK_ROUTE:
            rules.check_callback(instance, tree, self.message_exists, interaction_type)
        return tree
