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


class SharedResult(ExecutionResult):
    """One event's answer for everyone of its key: without errors, never changed, and encoded
    once (``payload``), so that a thousand subscribers cost one ``json.dumps``, not a thousand.
    Strawberry's per-result steps (masking, extension results) have nothing to do for it, and
    skip it (schema.build); the socket writes its bytes with only the operation id its own
    (server.ws_protocol)."""

    __slots__ = ("_payload", "strawberry")

    def __init__(self, result: ExecutionResult) -> None:
        super().__init__(data=result.data, errors=None, extensions=result.extensions)
        self._payload: str | None = None
        self.strawberry: Any = None  # strawberry's result of it, made once (schema.build)

    def payload(self) -> str:
        """The `payload` of its graphql-transport-ws `next` message, as strawberry encodes it."""
        if self._payload is None:
            payload: dict[str, Any] = {"data": self.data}
            if self.extensions:
                payload["extensions"] = self.extensions
            self._payload = json.dumps(payload, separators=(",", ":"))
        return self._payload


class _Answered:
    """A per-event executor whose answer is known already: nothing to copy, nothing to run."""

    __slots__ = ("answer",)

    def __init__(self, answer: Any) -> None:
        self.answer = answer

    def execute_operation(self, serially: bool | None = None) -> Any:
        return _await_shared(self.answer) if isinstance(self.answer, asyncio.Future) else self.answer


class SharedEventExecutor(StrawberryGraphQLCoreExecutionContext):
    # Worked out once per subscription (this executor), not once per event: its document's key
    # and how it shares; copied into each event's executor with the rest.
    _lingli_document: str | None
    _lingli_sharing: str | None

    def build_per_event_executor(self, payload: Any) -> Any:
        # Someone of this subscriber's key already ran this event: take their answer, and do not
        # copy this executor for an execution that will not happen.
        key = self._key(payload)
        if key is not None and (shared := _results.get(key)) is not None:
            return _Answered(shared)
        return super().build_per_event_executor(payload)

    def _key(self, root: Any) -> Key | None:
        share_key: Callable[[], str] | None = getattr(root, "share_key", None)
        if share_key is None:
            return None
        if "_lingli_document" not in self.__dict__:
            self._lingli_document = self._document_key()
            self._lingli_sharing = self._sharing(self._lingli_document) if self._lingli_document else None
        document, sharing = self._lingli_document, self._lingli_sharing
        audience = EVERYONE if sharing == EVERYONE else self._scope() if sharing == BY_SCOPE else None
        if document is None or audience is None:
            return None
        variables = self.variable_values.coerced
        return (
            share_key(),
            document,
            json.dumps(variables, sort_keys=True, default=str) if variables else "",
            audience,
        )

    def execute_operation(self, serially: bool | None = None) -> Any:
        # An event shares when it says how: `share_key()`, the same for the same content.
        key = self._key(self.root_value)
        if key is None:
            return super().execute_operation(serially)
        if (shared := _results.get(key)) is not None:
            return _await_shared(shared) if isinstance(shared, asyncio.Future) else shared
        # A subscription event never yields incremental (@defer/@stream) results.
        result = cast(ExecutionResult | Awaitable[ExecutionResult], super().execute_operation(serially))
        if isinstance(result, ExecutionResult):
            if result.errors:  # an error is reported to each subscriber by their own run
                return result
            answer = SharedResult(result)
            _remember(key, answer)
            return answer
        future = asyncio.ensure_future(_shared(result))
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


class _NotShared:
    pass


NOT_SHARED: Any = _NotShared()  # read_once_per_event's answer outside a shared event


async def read_once_per_event(root: Any, what: str, read: Callable[[], Awaitable[Any]]) -> Any:
    """What a field shared by scope reads (a row), read once per event for every scope, when
    ``root`` is a shared event (it has a ``share_key``); NOT_SHARED otherwise, for the field to
    read it as it always does. The field then applies each viewer's scope to what was read: a
    thousand scopes cost one read and a thousand checks, not a thousand queries."""
    share_key: Callable[[], str] | None = getattr(root, "share_key", None)
    if share_key is None:
        return NOT_SHARED
    key = (share_key(), what)
    future = _reads.get(key)
    if future is None:
        future = asyncio.ensure_future(read())
        _reads[key] = future
        while len(_reads) > SHARED_RESULTS_LIMIT:
            _reads.popitem(last=False)
        future.add_done_callback(lambda done: _forget_failed_read(key, done))
    return await asyncio.shield(future)


def _forget_failed_read(key: tuple[str, str], done: asyncio.Future[Any]) -> None:
    if done.cancelled() or done.exception() is not None:
        _reads.pop(key, None)


Key = tuple[str, str, str, str]
_sharing: dict[str, str | None] = {}
_results: OrderedDict[Key, ExecutionResult | asyncio.Future[ExecutionResult]] = OrderedDict()
_reads: OrderedDict[tuple[str, str], asyncio.Future[Any]] = OrderedDict()


def _remember(key: Key, value: ExecutionResult | asyncio.Future[ExecutionResult]) -> None:
    _results[key] = value
    while len(_results) > SHARED_RESULTS_LIMIT:
        _results.popitem(last=False)


def _forget_failed(key: Key, done: asyncio.Future[ExecutionResult]) -> None:
    if done.cancelled() or done.exception() is not None or done.result().errors:
        _results.pop(key, None)


async def _shared(result: Awaitable[ExecutionResult]) -> ExecutionResult:
    done = await result
    return done if done.errors else SharedResult(done)


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
