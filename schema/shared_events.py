"""Execute a subscription event once for all subscribers who would get the same answer.

A thousand operators watching one community's alarms each run the same selection set over the
same event: graphql-core would do that work a thousand times (measured: most of the server's
time at 1,000 subscribers). The answer depends only on the event, the document and its
variables — unless a selected field has a resolver of its own, which may look at the viewer.
So a document is classed by what it selects:

- plain fields only: one result per event, for everyone;
- plus fields marked ``SHARED_BY_SCOPE`` (their answer depends only on the viewer's scope —
  roles, grids, houses — like ``house``, "if you may see it"): one result per event and scope,
  so operators of one community share, each household has its own;
- anything else: run per subscriber, as before.

Per-message authorization is unchanged: a stream decides, per subscriber, whether an event is
yielded at all; sharing only applies to what is executed after that.
"""

from __future__ import annotations

import asyncio
import json
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any, cast

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    GraphQLSchema,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    visit,
)
from graphql.language import DirectiveNode
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.field import StrawberryField

SHARED_RESULTS_LIMIT = 1024  # events × documents × scopes kept; a burst of events fits many times over
_BUILT_IN_DIRECTIVES = {"skip", "include"}  # depend on variables only, which are in the key

# Field metadata: its resolver's answer depends on the event and the viewer's scope only.
SHARED_BY_SCOPE = {"lingli_shared_by": "scope"}

EVERYONE = "everyone"  # a document of plain fields
BY_SCOPE = "scope"  # plain fields and fields shared by scope


class SharedEventExecutor(StrawberryGraphQLCoreExecutionContext):
    def execute_operation(self, serially: bool | None = None) -> Any:
        # An event shares when it says how: `share_key()`, the same for the same content.
        share_key: Callable[[], str] | None = getattr(self.root_value, "share_key", None)
        document = self._document_key() if share_key else None
        sharing = self._sharing(document) if document else None
        audience = EVERYONE if sharing == EVERYONE else self._scope() if sharing == BY_SCOPE else None
        if share_key is None or document is None or audience is None:
            return super().execute_operation(serially)
        variables = self.variable_values.coerced
        key = (
            share_key(),
            document,
            json.dumps(variables, sort_keys=True, default=str) if variables else "",
            audience,
        )
        if (shared := _results.get(key)) is not None:
            return _await_shared(shared) if isinstance(shared, asyncio.Future) else shared
        # A subscription event never yields incremental (@defer/@stream) results.
        result = cast(ExecutionResult | Awaitable[ExecutionResult], super().execute_operation(serially))
        if isinstance(result, ExecutionResult):
            if not result.errors:  # an error is reported to each subscriber by their own run
                _remember(key, result)
            return result
        future = asyncio.ensure_future(result)
        _remember(key, future)
        future.add_done_callback(lambda done: _forget_failed(key, done))
        return _await_shared(future)

    def _document_key(self) -> str | None:
        # The document's text and the operation chosen in it: equal texts, equal executions.
        location = self.operation.loc
        if location is None:
            return None
        name = self.operation.name.value if self.operation.name else ""
        return f"{name}\n{location.source.body}"

    def _sharing(self, document: str) -> str | None:
        if document not in _sharing:
            if len(_sharing) >= SHARED_RESULTS_LIMIT:
                _sharing.clear()
            whole = DocumentNode(definitions=(self.operation, *self.fragment_definitions.values()))
            _sharing[document] = _classify(self.schema, whole)
        return _sharing[document]

    def _scope(self) -> str | None:
        # The context says what a viewer's scope is (resolvers.context.Context.sharing_scope).
        scope: Callable[[], str | None] | None = getattr(self.context_value, "sharing_scope", None)
        return scope() if scope is not None else None


Key = tuple[str, str, str, str]
_sharing: dict[str, str | None] = {}
_results: OrderedDict[Key, ExecutionResult | asyncio.Future[ExecutionResult]] = OrderedDict()


def _remember(key: Key, value: ExecutionResult | asyncio.Future[ExecutionResult]) -> None:
    _results[key] = value
    while len(_results) > SHARED_RESULTS_LIMIT:
        _results.popitem(last=False)


def _forget_failed(key: Key, done: asyncio.Future[ExecutionResult]) -> None:
    if done.cancelled() or done.exception() is not None or done.result().errors:
        _results.pop(key, None)


async def _await_shared(future: Awaitable[ExecutionResult]) -> ExecutionResult:
    # Shielded: a subscriber leaving mid-execution must not cancel the others' result.
    result = await asyncio.shield(future)
    if result.errors:
        # Each subscriber's own list: error processing (masking, with that subscriber's request
        # id) replaces entries in it, and must not do so for the others waiting on this result.
        return ExecutionResult(data=result.data, errors=list(result.errors), extensions=result.extensions)
    return result


def _classify(schema: GraphQLSchema, document: DocumentNode) -> str | None:
    """EVERYONE, BY_SCOPE, or None (per subscriber), from the fields the document selects."""
    type_info = TypeInfo(schema)
    by_scope: list[str] = []
    per_viewer: list[str] = []

    class Finder(Visitor):
        def enter_field(self, node: FieldNode, *_: Any) -> None:
            if type_info.get_parent_type() is schema.subscription_type:
                return  # the subscription field itself resolves to the event
            definition = type_info.get_field_def()
            if definition is None:
                per_viewer.append(node.name.value)
                return
            field = definition.extensions.get("strawberry-definition")
            if not isinstance(field, StrawberryField) or (
                field.base_resolver is None and not field.permission_classes and not field.extensions
            ):
                return  # a plain field (or graphql's own, like __typename)
            if field.metadata == SHARED_BY_SCOPE and not field.permission_classes and not field.extensions:
                by_scope.append(node.name.value)
            else:
                per_viewer.append(node.name.value)

        def enter_directive(self, node: DirectiveNode, *_: Any) -> None:
            if node.name.value not in _BUILT_IN_DIRECTIVES:
                per_viewer.append("@" + node.name.value)

    visit(document, TypeInfoVisitor(type_info, Finder()))
    if per_viewer:
        return None
    return BY_SCOPE if by_scope else EVERYONE
