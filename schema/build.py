"""The Schema class: one answer per request over HTTP, limits on every document, errors masked.

It is built from roots it is handed (see ``resolvers.root``), so this layer knows types, not fields' resolvers.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable
from typing import Any, cast

import strawberry
from graphql import GraphQLError
from strawberry.extensions import DisableIntrospection, SchemaExtension
from strawberry.extensions.runner import SchemaExtensionsRunner
from strawberry.schema.schema import DEFAULT_ALLOWED_OPERATION_TYPES
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.graphql import OperationType

from schema.common import SCALARS
from schema.extensions import MaskUnexpectedErrors, PerOperationContext
from schema.limits import DocumentLimits, NamedOperationContext, QueryLimits
from schema.observe import ObserveOperations, Observer, error_code
from schema.shared_events import SharedEventExecutor, SharedResult
from schema.string_inputs import guard_string_inputs

log = logging.getLogger("lingli.graphql")


class SuggestionlessExecutor(SharedEventExecutor):
    """Production's executor: no "Did you mean …?" in errors found while executing either (a
    variable's unknown enum value, an unknown field of an input object)."""

    @classmethod
    def build(cls, *args: Any, **kwargs: Any) -> Any:
        return super().build(*args, **{**kwargs, "hide_suggestions": True})


class LingliSchema(strawberry.Schema):
    # Told every error's code (build_schema's observer); None: nobody counts them.
    observer: Observer | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Before any resolver runs, every String it is given is checked (and each has a length).
        guard_string_inputs(self._schema)

    def create_extensions_runner(
        self, execution_context: ExecutionContext, extensions: list[SchemaExtension]
    ) -> SchemaExtensionsRunner:
        return SharedResultsPassRunner(execution_context=execution_context, extensions=extensions)

    async def _handle_execution_result(
        self, context: ExecutionContext, result: Any, extensions_runner: SchemaExtensionsRunner, **kwargs: Any
    ) -> Any:
        """A shared subscription result (no errors, see schema.shared_events) is handed on as it is,
        once for all its subscribers: there is nothing to mask, and no extension of ours adds results."""
        if isinstance(result, SharedResult) and _adds_no_results(extensions_runner, context):
            context.result = result
            return SharedStrawberryResult.of(result)
        return await super()._handle_execution_result(context, result, extensions_runner, **kwargs)

    def _create_execution_context(
        self,
        query: str | None,
        allowed_operation_types: Iterable[OperationType],
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionContext:
        """Strawberry's, but a document of several operations runs none unless one is named."""
        return NamedOperationContext(
            query=query,
            schema=self,
            allowed_operations=allowed_operation_types,
            context=context_value,
            root_value=root_value,
            variables=variable_values,
            provided_operation_name=operation_name,
            operation_extensions=operation_extensions,
        )

    async def execute(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        """One answer per request: a subscription (a stream) is refused here, with a 400 that
        says so, instead of failing inside execution. Subscriptions use the WebSocket."""
        allowed = set(allowed_operation_types or DEFAULT_ALLOWED_OPERATION_TYPES) - {OperationType.SUBSCRIPTION}
        return await super().execute(
            query, variable_values, context_value, root_value, operation_name, allowed, operation_extensions
        )

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        """Client errors are routine: one INFO line each. Unexpected ones were already logged,
        with their traceback and request id, by MaskUnexpectedErrors."""
        for error in errors:
            code = error_code(error)
            if self.observer is not None:
                self.observer.error(code)
            log.info("%s: %s", code, error.message)


class SharedStrawberryResult(ExecutionResult):
    """Strawberry's result of a shared one: built once, the same object for every subscriber."""

    shared: SharedResult

    @classmethod
    def of(cls, result: SharedResult) -> SharedStrawberryResult:
        if result.strawberry is None:
            made = cls(data=result.data, errors=None, extensions={})
            made.shared = result
            result.strawberry = made
        return cast(SharedStrawberryResult, result.strawberry)


class SharedResultsPassRunner(SchemaExtensionsRunner):
    """Each streamed result goes through every extension's on_stream_result (masking errors); a
    shared one has no errors, and passes untouched, with no hook per subscriber."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.adds_no_results = all(_no_results(type(extension)) for extension in self.extensions)

    def on_stream_result(self, result: Any) -> Any:
        if isinstance(result, SharedStrawberryResult):
            return _PASS
        return super().on_stream_result(result)


_PASS = contextlib.nullcontext()


def _adds_no_results(runner: SchemaExtensionsRunner, context: ExecutionContext) -> bool:
    if context.extensions_results:
        return False
    if isinstance(runner, SharedResultsPassRunner):
        return runner.adds_no_results  # asked once per operation
    return all(_no_results(type(extension)) for extension in runner.extensions)


def _no_results(extension: type[SchemaExtension]) -> bool:
    if (known := _NO_RESULTS.get(extension)) is None:
        known = _NO_RESULTS[extension] = extension.get_results is SchemaExtension.get_results
    return known


_NO_RESULTS: dict[type[SchemaExtension], bool] = {}


def build_schema(
    *,
    query: type,
    mutation: type,
    subscription: type,
    production: bool,
    limits: QueryLimits = QueryLimits(),
    observer: Observer | None = None,
    tracing: Iterable[Any] = (),
) -> strawberry.Schema:
    """The Schema of the given roots (resolvers.root merges each noun's part), with its limits.
    Production hides "Did you mean …?" suggestions, as it hides introspection. ``observer`` is
    told of every operation and every error (server/metrics.py); ``tracing``: extensions that
    make spans (server/tracing.py), outermost, so their spans hold the whole operation."""
    extensions: list[Any] = [
        MaskUnexpectedErrors,
        PerOperationContext,
    ]
    if observer is not None:
        extensions.insert(0, lambda: ObserveOperations(observer))  # first in, last out: times the others too
    extensions[:0] = list(tracing)
    if production:
        extensions.append(DisableIntrospection)
    # Last: its validation runs the rules the others added (DisableIntrospection's).
    extensions.append(lambda: DocumentLimits(limits, hide_suggestions=production))
    schema = LingliSchema(
        query=query,
        mutation=mutation,
        subscription=subscription,
        extensions=extensions,
        execution_context_class=SuggestionlessExecutor if production else SharedEventExecutor,
        scalar_overrides=SCALARS,
    )
    schema.observer = observer
    return schema
