"""What each operation was and how long it took, and every error's code, told to an Observer
(server/metrics.py counts them for Prometheus; this layer knows no metrics library)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Protocol

from graphql import FieldNode, GraphQLError, OperationDefinitionNode
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from auth.viewer import Viewer
from schema.extensions import is_expected


class Observer(Protocol):
    def operation(self, kind: str, name: str | None, seconds: float, *, caller: str | None) -> None:
        """An operation ended: ``kind`` query, mutation, subscription (or invalid: no document ran).
        ``caller``: the signed-in person who ran it, if it passed validation; else None (anyone
        may send any name, so a name vouched for by nobody must not take a label)."""

    def subscription_started(self, field: str) -> None: ...

    def subscription_ended(self, field: str) -> None: ...

    def error(self, code: str) -> None: ...


def error_code(error: GraphQLError) -> str:
    """The code the client sees: ours, INTERNAL for what is masked, GRAPHQL for graphql-core's own."""
    code = (error.extensions or {}).get("code")
    if isinstance(code, str):
        return code
    return "GRAPHQL" if is_expected(error) else "INTERNAL"


class ObserveOperations(SchemaExtension):
    """Around every operation, over HTTP and WebSocket: a subscription is active from its start
    (its document valid) to its end, whichever side ends it."""

    def __init__(self, observer: Observer) -> None:
        self.observer = observer
        self.subscription: str | None = None
        self.validated = False

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            if self.subscription is not None:
                self.observer.subscription_ended(self.subscription)
            context = self.execution_context
            try:
                kind = context.operation_type.value
                name = context.operation_name
            except Exception:  # noqa: BLE001 - no document, or no operation in it: nothing ran
                kind, name = "invalid", None
            self.observer.operation(kind, name, time.perf_counter() - started, caller=self._caller())

    def _caller(self) -> str | None:
        if not self.validated:
            return None
        context = self.execution_context.context
        # resolvers.context.Context (this layer does not import it): who the credentials proved.
        viewer = getattr(context, "authenticated_viewer", None)
        if getattr(context, "auth_error", None) is not None or not isinstance(viewer, Viewer):
            return None
        return None if viewer.person_id is None else str(viewer.person_id)

    def on_execute(self) -> Iterator[None]:
        # Here the document is parsed and valid; for a subscription this wraps only its start.
        context = self.execution_context
        self.validated = True
        if context.operation_type is OperationType.SUBSCRIPTION:
            self.subscription = _root_field(context.graphql_document, context.operation_name) or "unknown"
            self.observer.subscription_started(self.subscription)
        yield


def _root_field(document: object, operation_name: str | None) -> str | None:
    """A subscription's one root field (its schema name, not an alias)."""
    for definition in getattr(document, "definitions", ()):
        if isinstance(definition, OperationDefinitionNode) and (
            operation_name is None or (definition.name is not None and definition.name.value == operation_name)
        ):
            for selection in definition.selection_set.selections:
                if isinstance(selection, FieldNode):
                    return selection.name.value
    return None
