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
        return _answer(self.answer)


class _AnsweredOnceAudienceKnown:
    """A per-event executor whose key waits for the event's audience: copied only if, then, the
    answer is not known already."""

    __slots__ = ("executor", "key", "payload")

    def __init__(self, executor: SharedEventExecutor, payload: Any, key: _Pending) -> None:
        self.executor, self.payload, self.key = executor, payload, key

    async def execute_operation(self, serially: bool | None = None) -> ExecutionResult:
        key = await self.key.resolve()
        shared = _results.get(key)
        if shared is not None:
            answer = _answer(shared)
        else:
            event_executor = cast(
                SharedEventExecutor, super(SharedEventExecutor, self.executor).build_per_event_executor(self.payload)
            )
            answer = event_executor.execute_once(key, serially)
        return cast(ExecutionResult, await answer if isinstance(answer, Awaitable) else answer)


class _Pending:
    """A key whose audience is still being read."""

    __slots__ = ("audience", "start")

    def __init__(self, start: tuple[str, str, str], audience: Awaitable[str]) -> None:
        self.start, self.audience = start, audience

    async def resolve(self) -> Key:
        return (*self.start, "audience:" + await self.audience)


class SharedEventExecutor(StrawberryGraphQLCoreExecutionContext):
    # Worked out once per subscription (this executor), not once per event: its document's key
    # and how it shares; copied into each event's executor with the rest.
    _lingli_document: str | None
    _lingli_sharing: Sharing
    _lingli_variables: str

    def build_per_event_executor(self, payload: Any) -> Any:
        # Someone of this subscriber's key already ran this event: take their answer, and do not
        # copy this executor for an execution that will not happen.
        key = self._key(payload)
        if isinstance(key, _Pending):
            return _AnsweredOnceAudienceKnown(self, payload, key)
        if key is not None and (shared := _results.get(key)) is not None:
            return _Answered(shared)
        return super().build_per_event_executor(payload)

    def _key(self, root: Any) -> Key | _Pending | None:
        """The key this subscriber's answer to ``root`` is shared under (None: not shared), or
        its start while the event's audience is read (``audience`` below)."""
        share_key: Callable[[], str] | None = getattr(root, "share_key", None)
        if share_key is None:
            return None
        if "_lingli_document" not in self.__dict__:
            self._lingli_document = self._document_key()
            self._lingli_sharing = (
                self._sharing(self._lingli_document) if self._lingli_document else (None, frozenset())
            )
            variables = self.variable_values.coerced
            self._lingli_variables = json.dumps(variables, sort_keys=True, default=str) if variables else ""
        document, (sharing, by_scope) = self._lingli_document, self._lingli_sharing
        if document is None or sharing is None:
            return None
        start = (share_key(), document, self._lingli_variables)
        if sharing == EVERYONE:
            return (*start, EVERYONE)
        # An event may say what decides every field shared by scope that it reaches (its
        # ``audience``: say, whether the viewer sees the alarm's house): viewers of many scopes
        # then share an answer, as long as the document selects no such field it does not name.
        audience: Callable[[Any], str | Awaitable[str]] | None = getattr(root, "audience", None)
        covers: frozenset[str] = getattr(root, "audience_covers", frozenset())
        viewer = getattr(self.context_value, "sharing_viewer", None)
        if audience is not None and by_scope <= covers and viewer is not None and (who := viewer()) is not None:
            decided = audience(who)
            return (*start, "audience:" + decided) if isinstance(decided, str) else _Pending(start, decided)
        scope = self._scope()
        return None if scope is None else (*start, scope)

    def execute_operation(self, serially: bool | None = None) -> Any:
        # An event shares when it says how: `share_key()`, the same for the same content.
        key = self._key(self.root_value)
        if key is None:
            return super().execute_operation(serially)
        if isinstance(key, _Pending):
            return _AnsweredOnceAudienceKnown(self, self.root_value, key).execute_operation(serially)
        return self.execute_once(key, serially)

    def execute_once(self, key: Key, serially: bool | None) -> Any:
        if (shared := _results.get(key)) is not None:
            return _answer(shared)
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
        future.add_done_callback(lambda done: _settled(key, done))
        return _await_shared(future)

    def _document_key(self) -> str | None:
        # The document's text and the operation chosen in it: equal texts, equal executions.
        location = self.operation.loc
        if location is None:
            return None
        name = self.operation.name.value if self.operation.name else ""
        return f"{name}\n{location.source.body}"

    def _sharing(self, document: str) -> Sharing:
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


async def _audience_key(start: tuple[str, str, str], audience: Callable[[Any], Awaitable[str]], viewer: Any) -> Key:
    return (*start, "audience:" + await audience(viewer))


class _NotShared:
    pass


NOT_SHARED: Any = _NotShared()  # read_once_per_event's answer outside a shared event


async def read_once_per_event(root: Any, what: str, read: Callable[[], Awaitable[Any]]) -> Any:
    """What a field shared by scope reads (a row), read once per event for every scope, when
    ``root`` is a shared event (it has a ``share_key``); NOT_SHARED otherwise, for the field to
    read it as it always does. The field then applies each viewer's scope to what was read: a
    thousand scopes cost one read and a thousand checks, not a thousand queries."""
    future = shared_read(root, what, read)
    if future is None:
        return NOT_SHARED
    if future.done():
        return future.result()
    return await asyncio.shield(future)


def shared_read(root: Any, what: str, read: Callable[[], Awaitable[Any]]) -> asyncio.Future[Any] | None:
    """read_once_per_event's read, started or found (None: ``root`` is no shared event)."""
    share_key: Callable[[], str] | None = getattr(root, "share_key", None)
    if share_key is None:
        return None
    # Kept on the event object too: what its audience was decided by is what its fields read,
    # even if the shared entry is gone meanwhile.
    own: dict[str, asyncio.Future[Any]] = root.__dict__.setdefault("_lingli_reads", {})
    future = own.get(what)
    if future is None:
        key = (share_key(), what)
        future = _reads.get(key)
        if future is None:
            future = asyncio.ensure_future(read())
            _reads[key] = future
            while len(_reads) > SHARED_RESULTS_LIMIT:
                _reads.popitem(last=False)
            future.add_done_callback(lambda done: _forget_failed_read(key, done))
        own[what] = future
    return future


def _forget_failed_read(key: tuple[str, str], done: asyncio.Future[Any]) -> None:
    if done.cancelled() or done.exception() is not None:
        _reads.pop(key, None)


Key = tuple[str, str, str, str]
Sharing = tuple[str | None, frozenset[str]]
_sharing: dict[str, Sharing] = {}
_results: OrderedDict[Key, ExecutionResult | asyncio.Future[ExecutionResult]] = OrderedDict()
_reads: OrderedDict[tuple[str, str], asyncio.Future[Any]] = OrderedDict()


def _remember(key: Key, value: ExecutionResult | asyncio.Future[ExecutionResult]) -> None:
    _results[key] = value
    while len(_results) > SHARED_RESULTS_LIMIT:
        _results.popitem(last=False)


def _settled(key: Key, done: asyncio.Future[ExecutionResult]) -> None:
    # A failed run is forgotten (the next subscriber runs its own); a good one is kept as its
    # result, which the next subscribers take without awaiting anything.
    if done.cancelled() or done.exception() is not None or done.result().errors:
        _results.pop(key, None)
    elif _results.get(key) is done:
        _results[key] = done.result()


def _answer(shared: ExecutionResult | asyncio.Future[ExecutionResult]) -> Any:
    """A shared answer as the executor returns it: at once when it is known."""
    if not isinstance(shared, asyncio.Future):
        return shared
    if shared.done() and not shared.cancelled() and shared.exception() is None and not shared.result().errors:
        return shared.result()
    return _await_shared(shared)


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


def _classify(schema: GraphQLSchema, document: DocumentNode) -> Sharing:
    """EVERYONE, BY_SCOPE, or None (per subscriber), from the fields the document selects; and
    the fields shared by scope it selects, as "Type.field"."""
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
                parent = type_info.get_parent_type()
                by_scope.append(f"{parent.name if parent else ''}.{node.name.value}")
            else:
                per_viewer.append(node.name.value)

        def enter_directive(self, node: DirectiveNode, *_: Any) -> None:
            if node.name.value not in _BUILT_IN_DIRECTIVES:
                per_viewer.append("@" + node.name.value)

    visit(document, TypeInfoVisitor(type_info, Finder()))
    if per_viewer:
        return None, frozenset()
    return (BY_SCOPE if by_scope else EVERYONE), frozenset(by_scope)
